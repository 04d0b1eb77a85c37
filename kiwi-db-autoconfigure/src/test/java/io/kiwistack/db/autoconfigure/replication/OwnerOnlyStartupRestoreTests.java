package io.kiwistack.db.autoconfigure.replication;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import io.kiwistack.db.replication.PrimaryReplication;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A node that starts without its database restores it from the replica before the data source
 * opens, into directories it creates: those directories are {@code rwx------}, and the database
 * and everything beside it ({@code -wal}, {@code -shm}, the shipped record, the node id, a read
 * replica's state) {@code rw-------}, under the process's own umask.
 */
class OwnerOnlyStartupRestoreTests {

	@TempDir
	Path dir;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class, KiwiDbReplicationAutoConfiguration.class,
				DataSourceAutoConfiguration.class, JdbcTemplateAutoConfiguration.class, JdbcClientAutoConfiguration.class,
				FlywayAutoConfiguration.class));

	@BeforeEach
	void posixPermissions() {
		assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
	}

	private ApplicationContextRunner replicated(Path database, Path replica, String... more) {
		return this.runner
			.withPropertyValues("kiwi.db.path=" + database, "kiwi.db.replication.enabled=true",
					"kiwi.db.replication.url=file:" + replica, "kiwi.db.replication.sync-interval=100ms",
					"kiwi.db.process-exclusive=false")
			.withPropertyValues(more);
	}

	@Test
	void aPrimaryRestoredOnStartupIntoNewDirectoriesIsOwnerOnly() throws Exception {
		Path replica = this.dir.resolve("replica");
		replicated(this.dir.resolve("lost/app.db"), replica).run((context) -> {
			assertThat(context).hasNotFailed();
			context.getBean(JdbcClient.class).sql("INSERT INTO notes (body) VALUES ('before the loss')").update();
			assertThat(context.getBean(PrimaryReplication.class).awaitReplicated(Duration.ofSeconds(10))).isTrue();
		});
		Path replacement = this.dir.resolve("replacement/data/app.db");
		replicated(replacement, replica).run((context) -> {
			assertThat(context).hasNotFailed();
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			assertThat(jdbc.sql("SELECT body FROM notes").query(String.class).list()).containsExactly("before the loss");
			jdbc.sql("INSERT INTO notes (body) VALUES ('after the restore')").update();
			// Shipped: the new generation has begun, and its record is beside the database.
			assertThat(context.getBean(PrimaryReplication.class).awaitReplicated(Duration.ofSeconds(10))).isTrue();
			assertThat(assertOwnerOnly(this.dir.resolve("replacement"))).contains(
					"replacement/data/app.db rw-------", "replacement/data/app.db-wal rw-------",
					"replacement/data/app.db-shm rw-------", "replacement/data/app.db-shipped rw-------",
					"replacement/data/app.db-node-id rw-------");
		});
		assertOwnerOnly(this.dir.resolve("replacement"));
	}

	/** Before the primary shipped anything: the read replica's state file comes before any database file. */
	@Test
	void aReadReplicaStartedOnAnEmptyReplicaIntoNewDirectoriesIsOwnerOnly() {
		Path copy = this.dir.resolve("follower/data/app.db");
		replicated(copy, this.dir.resolve("replica"), "kiwi.db.replication.mode=replica").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(assertOwnerOnly(this.dir.resolve("follower"))).contains("follower/data/app.db rw-------",
					"follower/data/app.db-follower rw-------");
		});
	}

	/**
	 * Assert that {@code root} and everything under it is owner-only.
	 * @return each entry checked, as its path under the test directory and its mode
	 */
	private List<String> assertOwnerOnly(Path root) throws IOException {
		List<String> modes = new ArrayList<>();
		List<String> expected = new ArrayList<>();
		try (Stream<Path> entries = Files.walk(root)) {
			for (Path entry : entries.toList()) {
				String name = this.dir.relativize(entry).toString();
				modes.add(name + " " + PosixFilePermissions.toString(Files.getPosixFilePermissions(entry)));
				expected.add(name + " " + (Files.isDirectory(entry) ? "rwx------" : "rw-------"));
			}
		}
		assertThat(modes).as("modes under %s", root).isEqualTo(expected);
		return modes;
	}

}
