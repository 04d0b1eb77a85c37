package io.kiwistack.db.autoconfigure.replication;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import com.exceptionfactory.jagged.x25519.X25519KeyPairGenerator;
import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import io.kiwistack.db.autoconfigure.MissingPropertyException;
import io.kiwistack.db.autoconfigure.StartupFailures;
import io.kiwistack.db.replication.KiwiDbReplicator;
import io.kiwistack.db.replication.PrimaryReplication;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kiwi.db.replication.age.*}: the keys bind, the replica is encrypted with them and restored
 * on startup, and every misconfiguration stops startup before the database is touched, with an
 * analysis that names the property (with the key's index) and never shows an identity.
 */
class ReplicaEncryptionAutoConfigurationTests {

	@TempDir
	Path dir;

	private String recipient;

	private String identity;

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(KiwiDbAutoConfiguration.class, KiwiDbReplicationAutoConfiguration.class,
					DataSourceAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
					JdbcClientAutoConfiguration.class, FlywayAutoConfiguration.class));

	@BeforeEach
	void generateKeys() throws Exception {
		KeyPair pair = new X25519KeyPairGenerator().generateKeyPair();
		this.recipient = pair.getPublic().toString();
		this.identity = pair.getPrivate().toString();
	}

	private ApplicationContextRunner replicated(Path database, Path replica, String... more) {
		return this.runner
			.withPropertyValues("kiwi.db.path=" + database, "kiwi.db.replication.enabled=true",
					"kiwi.db.replication.url=file:" + replica, "kiwi.db.replication.sync-interval=100ms")
			.withPropertyValues(more);
	}

	@Test
	void theKeysBindAndALostDatabaseIsRestoredFromTheEncryptedReplica() throws Exception {
		Path database = this.dir.resolve("app.db");
		Path replica = this.dir.resolve("replica");
		String[] age = { "kiwi.db.replication.age.recipients=" + this.recipient,
				"kiwi.db.replication.age.identities[0]=" + this.identity };
		replicated(database, replica, age).run((context) -> {
			assertThat(context).hasNotFailed();
			KiwiDbReplicationProperties.Age properties = context.getBean(KiwiDbReplicationProperties.class).getAge();
			assertThat(properties.getRecipients()).containsExactly(this.recipient);
			assertThat(properties.getIdentities()).containsExactly(this.identity);
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			for (int i = 0; i < 20; i++) {
				jdbc.sql("INSERT INTO notes (body) VALUES (?)").param("encrypted note " + i).update();
			}
			assertThat(context.getBean(PrimaryReplication.class).awaitReplicated(Duration.ofSeconds(10))).isTrue();
		});
		try (Stream<Path> files = Files.walk(replica)) {
			List<Path> objects = files.filter((path) -> path.toString().endsWith(".lz4")).toList();
			assertThat(objects).isNotEmpty();
			for (Path object : objects) {
				assertThat(Files.readString(object, StandardCharsets.ISO_8859_1)).startsWith("age-encryption.org/v1\n");
			}
		}
		deleteDatabase(database);

		replicated(database, replica, age).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(JdbcClient.class).sql("SELECT count(*) FROM notes").query(Integer.class).single())
				.isEqualTo(20);
		});

		deleteDatabase(database);
		replicated(database, replica, "kiwi.db.replication.age.recipients=" + this.recipient).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new StartupRestoreFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("is encrypted with age, and no identity is configured",
					"kiwi.db.replication.age.identities");
			assertThat(analysis.getAction()).startsWith("Set kiwi.db.replication.age.identities")
				.contains("the replica needs no repair");
		});
		assertThat(database).doesNotExist();
	}

	@Test
	void aReadReplicaGivenOnlyTheIdentityFollowsAnEncryptedReplica() {
		Path replica = this.dir.resolve("replica");
		replicated(this.dir.resolve("primary.db"), replica, "kiwi.db.replication.age.recipients=" + this.recipient)
			.run((primary) -> {
				JdbcClient primaryJdbc = primary.getBean(JdbcClient.class);
				primaryJdbc.sql("INSERT INTO notes (body) VALUES ('first')").update();
				assertThat(primary.getBean(PrimaryReplication.class).awaitReplicated(Duration.ofSeconds(10))).isTrue();
				replicated(this.dir.resolve("follower.db"), replica, "kiwi.db.replication.mode=replica",
						"kiwi.db.replication.age.identities=" + this.identity)
					.run((follower) -> {
						assertThat(follower).hasNotFailed();
						JdbcClient followerJdbc = follower.getBean(JdbcClient.class);
						assertThat(followerJdbc.sql("SELECT body FROM notes").query(String.class).list())
							.containsExactly("first");
						primaryJdbc.sql("INSERT INTO notes (body) VALUES ('second')").update();
						primary.getBean(KiwiDbReplicator.class).syncNow();
						follower.getBean(KiwiDbReplicator.class).syncNow();
						assertThat(followerJdbc.sql("SELECT body FROM notes ORDER BY id").query(String.class).list())
							.containsExactly("first", "second");
					});
			});
	}

	@Test
	void aMalformedRecipientIsNamedWithItsIndex() {
		assertAnalysis(replicated(this.dir.resolve("app.db"), this.dir.resolve("replica"),
				"kiwi.db.replication.age.recipients=" + this.recipient + ",age1notakey"), ReplicaEncryptionException.class,
				"kiwi.db.replication.age.recipients[1]: The age recipient at index 1 is not an X25519 recipient",
				"age-keygen");
	}

	@Test
	void aMalformedIdentityIsNamedWithItsIndexAndNeverShown() {
		String typo = this.identity.substring(0, 30) + (this.identity.charAt(30) == 'Q' ? 'P' : 'Q')
				+ this.identity.substring(31);
		assertAnalysis(replicated(this.dir.resolve("app.db"), this.dir.resolve("replica"),
				"kiwi.db.replication.age.recipients=" + this.recipient, "kiwi.db.replication.age.identities=" + typo),
				ReplicaEncryptionException.class, "kiwi.db.replication.age.identities[0]: The age identity at index 0 is not an X25519 identity",
				"AGE-SECRET-KEY-1");
	}

	@Test
	void aPrimaryWithIdentitiesButNoRecipientsIsRefused() {
		assertAnalysis(replicated(this.dir.resolve("app.db"), this.dir.resolve("replica"),
				"kiwi.db.replication.age.identities=" + this.identity), MissingPropertyException.class,
				"Property kiwi.db.replication.age.recipients is not set: a primary encrypts what it ships to recipients",
				"age-keygen -y");
	}

	@Test
	void aReadReplicaWithoutAnIdentityIsRefused() {
		assertAnalysis(replicated(this.dir.resolve("app.db"), this.dir.resolve("replica"),
				"kiwi.db.replication.mode=replica", "kiwi.db.replication.age.recipients=" + this.recipient),
				MissingPropertyException.class, "Property kiwi.db.replication.age.identities is not set: a read replica decrypts what it follows",
				"kiwi.db.replication.age.identities");
	}

	@Test
	void ageWithoutTheJaggedLibraryNamesThePropertyAndTheDependency() {
		KiwiDbReplicationProperties properties = new KiwiDbReplicationProperties();
		properties.getAge().setIdentities(List.of(this.identity));
		ReplicaEncryptionException failure = catchEncryptionFailure(
				() -> ReplicationPropertiesMapper.encryption(properties, false));
		FailureAnalysis analysis = new ReplicaEncryptionFailureAnalyzer().analyze(failure);
		assertThat(analysis.getDescription()).contains("kiwi.db.replication.age.identities", "jagged library");
		assertThat(analysis.getAction()).contains("com.exceptionfactory.jagged:jagged-x25519");
		assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain(this.identity);
	}

	private void assertAnalysis(ApplicationContextRunner runner, Class<? extends Throwable> cause, String description,
			String action) {
		FailureAnalysis analysis = StartupFailures.analysisOf(runner, this.dir, cause);
		assertThat(analysis.getDescription()).contains(description);
		assertThat(analysis.getAction()).contains(action);
		// The part after AGE-SECRET-KEY- that the identity shares with a typo of it at index 30.
		String shared = this.identity.substring(15, 30);
		assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain(shared);
		runner.run((context) -> assertThat(trace(context.getStartupFailure())).doesNotContain(shared));
		assertThat(this.dir.resolve("app.db")).as("the database file").doesNotExist();
	}

	private static ReplicaEncryptionException catchEncryptionFailure(Runnable action) {
		try {
			action.run();
		}
		catch (ReplicaEncryptionException ex) {
			return ex;
		}
		throw new AssertionError("No ReplicaEncryptionException");
	}

	private static String trace(Throwable failure) {
		StringWriter text = new StringWriter();
		failure.printStackTrace(new PrintWriter(text));
		return text.toString();
	}

	private static void deleteDatabase(Path database) throws Exception {
		for (String suffix : List.of("", "-wal", "-shm")) {
			Files.deleteIfExists(Path.of(database + suffix));
		}
	}

}
