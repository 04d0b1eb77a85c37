package io.kiwistack.db.autoconfigure.replication;

import java.nio.file.Files;
import java.nio.file.Path;

import io.kiwistack.db.DatabaseFileException;
import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import io.kiwistack.db.autoconfigure.MissingPropertyException;
import io.kiwistack.db.autoconfigure.StartupFailures;
import io.kiwistack.db.testsupport.Sqlite3Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replication setting that can't work stops startup with a failure analysis naming the property
 * and the fix, before the database file is created, and never shows a secret.
 */
class ReplicationStartupFailureAnalysisTests {

	private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

	@TempDir
	Path tempDir;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class, KiwiDbReplicationAutoConfiguration.class,
				DataSourceAutoConfiguration.class));

	@Test
	void whenReplicationIsOnWithoutAUrlThenTheAnalysisSaysTheUrlIsMissingAndHowToWriteOne() {
		FailureAnalysis analysis = analysisOf(MissingPropertyException.class, "kiwi.db.replication.enabled=true");
		assertThat(analysis.getDescription()).isEqualTo("Property kiwi.db.replication.url is not set: replication is "
				+ "on (kiwi.db.replication.enabled=true), and it names no replica to ship commits to and restore from.");
		assertThat(analysis.getAction()).isEqualTo("Set kiwi.db.replication.url to the replica, a directory "
				+ "(file:///var/backups/kiwi-work) or an S3 bucket and path (s3://bucket/path), or turn replication "
				+ "off with kiwi.db.replication.enabled=false.");
	}

	@Test
	void whenTheUrlIsBlankThenTheAnalysisSaysTheUrlIsMissing() {
		FailureAnalysis analysis = analysisOf(MissingPropertyException.class, "kiwi.db.replication.enabled=true",
				"kiwi.db.replication.url= ");
		assertThat(analysis.getDescription()).startsWith("Property kiwi.db.replication.url is not set: ")
			.doesNotContain("Invalid value");
	}

	@Test
	void whenTheUrlHasASchemeKiwiDbDoesNotKnowThenTheAnalysisNamesTheOnesItDoes() {
		FailureAnalysis analysis = analysisOf(InvalidConfigurationPropertyValueException.class,
				"kiwi.db.replication.enabled=true", "kiwi.db.replication.url=ftp://example/backups");
		assertThat(analysis.getDescription()).startsWith("Invalid value 'ftp://example/backups' for configuration "
				+ "property 'kiwi.db.replication.url'")
			.endsWith("'ftp://example/backups' is not a replica URL kiwi-db knows: use file:/some/dir or s3://bucket/path");
	}

	@Test
	void whenAnS3UrlHasNoBucketThenTheAnalysisSaysHowToWriteOne() {
		FailureAnalysis analysis = analysisOf(InvalidConfigurationPropertyValueException.class,
				"kiwi.db.replication.enabled=true", "kiwi.db.replication.url=s3://");
		assertThat(analysis.getDescription()).contains("'kiwi.db.replication.url'");
	}

	@Test
	void whenOnlyTheAccessKeyIdIsSetThenTheAnalysisAsksForTheSecretWithoutGuessingAtIt() {
		FailureAnalysis analysis = analysisOf(MissingPropertyException.class, "kiwi.db.replication.enabled=true",
				"kiwi.db.replication.url=s3://bucket/app", "kiwi.db.replication.s3.access-key-id=AKIAIOSFODNN7EXAMPLE");
		assertThat(analysis.getDescription()).isEqualTo("Property kiwi.db.replication.s3.secret-access-key is not "
				+ "set: kiwi.db.replication.s3.access-key-id is, and kiwi-db signs with static credentials only when "
				+ "both are set.");
		assertThat(analysis.getAction()).isEqualTo("Set kiwi.db.replication.s3.secret-access-key as well, or remove "
				+ "kiwi.db.replication.s3.access-key-id to use the AWS SDK's default credentials (environment, "
				+ "profile, instance role).");
	}

	@Test
	void whenOnlyTheSecretIsSetThenTheAnalysisAsksForTheKeyIdAndNeverShowsTheSecret() {
		FailureAnalysis analysis = analysisOf(MissingPropertyException.class, "kiwi.db.replication.enabled=true",
				"kiwi.db.replication.url=s3://bucket/app", "kiwi.db.replication.s3.secret-access-key=" + SECRET);
		assertThat(analysis.getDescription()).startsWith("Property kiwi.db.replication.s3.access-key-id is not set: "
				+ "kiwi.db.replication.s3.secret-access-key is,");
		assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain(SECRET);
	}

	@Test
	void whenAnS3ReplicaMeetsNoAwsSdkThenTheAnalysisNamesTheDependencies() {
		FailureAnalysis analysis = analysisOf(InvalidConfigurationPropertyValueException.class,
				"kiwi.db.replication.enabled=true", "kiwi.db.replication.url=s3://bucket/app",
				"kiwi.db.replication.s3.access-key-id=AKIAIOSFODNN7EXAMPLE",
				"kiwi.db.replication.s3.secret-access-key=" + SECRET);
		assertThat(analysis.getDescription()).endsWith("An s3:// replica needs the AWS SDK on the class path: add "
				+ "software.amazon.awssdk:s3 and software.amazon.awssdk:url-connection-client");
		assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain(SECRET);
	}

	@Test
	void whenTheReplicaCannotBeReadThenTheAnalysisNamesItAndWhatDecidesHowItIsReached() throws Exception {
		Path notADirectory = Files.writeString(this.tempDir.resolve("backups"), "a file, not a directory");
		Path replica = notADirectory.resolve("app");
		Path database = this.tempDir.resolve("app.db");
		FailureAnalysis analysis = analysisOf(ReplicaUnreachableException.class, "kiwi.db.replication.enabled=true",
				"kiwi.db.replication.url=file:" + replica);
		assertThat(analysis.getDescription()).startsWith("kiwi-db could not read its replica file:" + replica
				+ " (property kiwi.db.replication.url) to make the database file " + database + " ready on startup: ")
			.endsWith(". Nothing was written to " + database + ".");
		assertThat(analysis.getAction()).startsWith("Check that this node can reach and read the replica, then start "
				+ "again.");
	}

	@Test
	void whenAReadReplicaMeetsAFileThatIsNoReplicaCopyThenTheAnalysisSaysHowToGetOne() throws Exception {
		Path database = this.tempDir.resolve("app.db");
		assertThat(Sqlite3Shell.run(database, "CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('own data');")).isEmpty();
		FailureAnalysis analysis = analysisOf(DatabaseFileException.class, "kiwi.db.replication.enabled=true",
				"kiwi.db.replication.url=file:" + this.tempDir.resolve("replica"), "kiwi.db.replication.mode=replica");
		assertThat(analysis.getDescription()).isEqualTo("The kiwi-db database file '" + database + "' (property "
				+ "kiwi.db.path) can't be used: it exists but is not a read replica's copy, and a read replica "
				+ "(kiwi.db.replication.mode=replica) never overwrites a file. Nothing was created or changed.");
		assertThat(analysis.getAction()).isEqualTo("Move it away, with its -wal and -shm if any, and the read "
				+ "replica restores its own copy from kiwi.db.replication.url at the next start; if this node is the "
				+ "primary, set kiwi.db.replication.mode=primary. Or set kiwi.db.path to another file.");
	}

	@Test
	void whenAReplicationIntervalIsZeroThenTheAnalysisSaysItMustBePositive() {
		FailureAnalysis analysis = analysisOf(InvalidConfigurationPropertyValueException.class,
				"kiwi.db.replication.enabled=true", "kiwi.db.replication.url=file:" + this.tempDir.resolve("replica"),
				"kiwi.db.replication.sync-interval=0s");
		assertThat(analysis.getDescription()).startsWith("Invalid value '0s' for configuration property "
				+ "'kiwi.db.replication.sync-interval'").endsWith("It must be a positive duration, for example 1s.");
	}

	@Test
	void whenTheLogBoundIsBelowTheCheckpointSizeThenTheAnalysisSaysTheLeastItTakes() {
		FailureAnalysis analysis = analysisOf(InvalidConfigurationPropertyValueException.class,
				"kiwi.db.replication.enabled=true", "kiwi.db.replication.url=file:" + this.tempDir.resolve("replica"),
				"kiwi.db.replication.max-wal-size=1MB");
		assertThat(analysis.getDescription()).startsWith("Invalid value '1MB' for configuration property "
				+ "'kiwi.db.replication.max-wal-size'")
			.endsWith("It must be at least 4MB, the size at which the replicator checkpoints.");
	}

	@Test
	void whenAnInMemoryDatabaseIsReplicatedThenTheAnalysisAsksForAFile() {
		FailureAnalysis analysis = StartupFailures.analysisOf(this.runner, this.tempDir,
				InvalidConfigurationPropertyValueException.class, "kiwi.db.path=:memory:",
				"kiwi.db.replication.enabled=true", "kiwi.db.replication.url=file:" + this.tempDir.resolve("replica"));
		assertThat(analysis.getDescription()).contains("'kiwi.db.replication.enabled'")
			.endsWith("An in-memory database (kiwi.db.path=:memory:) can't be replicated; set kiwi.db.path to a file.");
	}

	private FailureAnalysis analysisOf(Class<? extends Throwable> expectedCause, String... properties) {
		String[] all = new String[properties.length + 1];
		all[0] = "kiwi.db.path=" + this.tempDir.resolve("app.db");
		System.arraycopy(properties, 0, all, 1, properties.length);
		return StartupFailures.analysisOf(this.runner, this.tempDir, expectedCause, all);
	}

}
