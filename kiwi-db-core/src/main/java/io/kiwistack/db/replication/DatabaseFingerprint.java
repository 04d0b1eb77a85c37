package io.kiwistack.db.replication;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;

/**
 * What tells, without reading it, that a database file was not written since a moment: its size,
 * its file id, its modification time and, where the platform has it, its status-change time. A
 * program can set a file's modification time back, but not its status-change time (any write or
 * attribute change moves it to now), so equal fingerprints mean the file was not touched.
 */
final class DatabaseFingerprint {

	private DatabaseFingerprint() {
	}

	/** The file's fingerprint, as text to keep in a record. */
	static String of(Path file) throws IOException {
		BasicFileAttributes basic = Files.readAttributes(file, BasicFileAttributes.class);
		StringBuilder fingerprint = new StringBuilder();
		fingerprint.append("size=").append(basic.size());
		fingerprint.append(",modified=").append(nanos(basic.lastModifiedTime()));
		try {
			Map<String, Object> unix = Files.readAttributes(file, "unix:ino,dev,ctime");
			fingerprint.append(",ino=").append(unix.get("ino"));
			fingerprint.append(",dev=").append(unix.get("dev"));
			fingerprint.append(",changed=").append(nanos((FileTime) unix.get("ctime")));
		}
		catch (UnsupportedOperationException | IllegalArgumentException ex) {
			// No unix view (Windows): the file key stands in for the inode.
			fingerprint.append(",key=").append(basic.fileKey());
		}
		return fingerprint.toString();
	}

	private static long nanos(FileTime time) {
		return time.to(java.util.concurrent.TimeUnit.NANOSECONDS);
	}

}
