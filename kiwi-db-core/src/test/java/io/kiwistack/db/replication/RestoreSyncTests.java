package io.kiwistack.db.replication;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The restore's sync thread: it syncs after the last write and says so, a failed sync is
 * reported instead of lost, and closing it stops its thread.
 */
class RestoreSyncTests {

	@TempDir
	Path dir;

	@AfterEach
	void noThreadLeft() {
		assertThat(RestoreThreads.alive()).as("restore threads still running").isEmpty();
	}

	@Test
	void syncsAfterTheLastWrite() throws Exception {
		Path file = Files.createFile(this.dir.resolve("restored"));
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE);
				RestoreSync sync = RestoreSync.start(channel)) {
			// Past a step, so that syncs run while it is written too.
			ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
			for (int i = 0; i < 80; i++) {
				chunk.clear();
				while (chunk.hasRemaining()) {
					channel.write(chunk);
				}
			}
			sync.writesDone();
			sync.awaitSynced();
		}
		assertThat(Files.size(file)).isEqualTo(80L << 20);
	}

	@Test
	void aFailedSyncFailsTheWait() throws Exception {
		Path file = Files.createFile(this.dir.resolve("restored"));
		FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE);
		channel.close();
		try (RestoreSync sync = RestoreSync.start(channel)) {
			sync.writesDone();
			Throwable thrown = catchThrowable(sync::awaitSynced);
			assertThat(thrown).isInstanceOf(IOException.class).hasMessageContaining("syncing the restored file failed");
		}
	}

	@Test
	void closingWithoutTheLastSyncStopsTheThread() throws Exception {
		Path file = Files.createFile(this.dir.resolve("restored"));
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
			RestoreSync.start(channel).close();
		}
	}

}
