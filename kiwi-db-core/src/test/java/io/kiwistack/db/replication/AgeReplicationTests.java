package io.kiwistack.db.replication;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.KiwiDbSettings;
import io.kiwistack.db.replication.file.FileReplicaClient;
import io.kiwistack.db.testsupport.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A replica encrypted with age: every snapshot, log segment and digest in it is an age file, none
 * holds a byte of the database in the clear (searched for a row value that is found in an
 * unencrypted replica of the same writes), and it restores and is followed only with an identity
 * of a recipient it was encrypted to. Without one, or with the wrong one, a restore fails naming
 * the object and the property, and leaves no file.
 */
class AgeReplicationTests {

	private static final ReplicationSettings SETTINGS = ReplicationSettings.defaults()
		.withSyncInterval(Duration.ofHours(1))
		.withCheckpointThresholdBytes(64 * 1024);

	/** 40 characters that occur nowhere but in the rows written. */
	private final String marker = ("kiwi-age-" + UUID.randomUUID().toString().replace("-", "")).substring(0, 40);

	@TempDir
	Path dir;

	@Test
	void anEncryptedReplicaHoldsNoPlaintextOfTheDatabaseWhereAnUnencryptedOneDoes() throws Exception {
		AgeKeyPair keys = AgeKeyPair.generate();
		Path plain = this.dir.resolve("plain");
		Path encrypted = this.dir.resolve("encrypted");
		writeTwoGenerations(this.dir.resolve("plain.db"), new FileReplicaClient(plain));
		writeTwoGenerations(this.dir.resolve("encrypted.db"), keys.both().encrypting(new FileReplicaClient(encrypted)));

		assertThat(objectsHolding(plain, this.marker)).as("the unencrypted replica's objects holding the row value")
			.anyMatch((path) -> path.endsWith(".snapshot.lz4"))
			.anyMatch((path) -> path.endsWith(".wal.lz4"));
		assertThat(objectsHolding(plain, recordedDigests(new FileReplicaClient(plain)).get(0)))
			.as("an unencrypted digest is readable").anyMatch((path) -> path.endsWith(".snapshot.xxh64"));

		List<String> objects = ReplicaFiles.list(encrypted);
		assertThat(objects).anyMatch((path) -> path.endsWith(".snapshot.lz4"))
			.anyMatch((path) -> path.endsWith(".wal.lz4"))
			.anyMatch((path) -> path.endsWith(".snapshot.xxh64"));
		assertThat(objectsHolding(encrypted, this.marker)).as("objects of the encrypted replica holding the row value")
			.isEmpty();
		List<String> digests = recordedDigests(keys.identityOnly().encrypting(new FileReplicaClient(encrypted)));
		assertThat(digests).hasSize(2);
		for (String digest : digests) {
			assertThat(objectsHolding(encrypted, digest)).as("objects of the encrypted replica holding a snapshot's hash")
				.isEmpty();
		}
		for (String path : objects) {
			if (path.endsWith(".lz4") || path.endsWith(".xxh64")) {
				assertThat(Files.readString(encrypted.resolve(path), StandardCharsets.ISO_8859_1)).as(path)
					.startsWith("age-encryption.org/v1\n-> X25519 ");
			}
		}

		Path restored = this.dir.resolve("restored.db");
		ReplicaRestore.latest(keys.identityOnly().encrypting(new FileReplicaClient(encrypted)), restored, false).orElseThrow();
		assertThat(DatabaseDump.integrity(restored)).isEqualTo("ok");
		assertThat(DatabaseDump.of(restored)).isEqualTo(DatabaseDump.of(this.dir.resolve("encrypted.db")));
	}

	@Test
	void withoutAnIdentityARestoreFailsNamingTheObjectAndThePropertyAndLeavesNoFile() throws Exception {
		AgeKeyPair keys = AgeKeyPair.generate();
		Path replica = this.dir.resolve("replica");
		writeTwoGenerations(this.dir.resolve("app.db"), keys.both().encrypting(new FileReplicaClient(replica)));
		Path target = Files.createDirectories(this.dir.resolve("restore")).resolve("app.db");

		assertThatExceptionOfType(ReplicaKeyException.class)
			.isThrownBy(() -> ReplicaRestore.latest(new FileReplicaClient(replica), target, false))
			.withMessageContaining(".snapshot.lz4 in file:" + replica + " is encrypted with age")
			.withMessageContaining("set kiwi.db.replication.age.identities");
		assertThatExceptionOfType(ReplicaKeyException.class)
			.isThrownBy(() -> ReplicaRestore.latest(keys.recipientOnly().encrypting(new FileReplicaClient(replica)), target,
					false))
			.withMessageContaining("is encrypted with age, and no identity is configured to decrypt it");
		assertThat(ReplicaFiles.listAll(target.getParent())).as("files left by the failed restores").isEmpty();
	}

	@Test
	void withTheWrongIdentityARestoreFailsWithoutShowingItAndLeavesNoFile() throws Exception {
		AgeKeyPair keys = AgeKeyPair.generate();
		AgeKeyPair other = AgeKeyPair.generate();
		Path replica = this.dir.resolve("replica");
		writeTwoGenerations(this.dir.resolve("app.db"), keys.both().encrypting(new FileReplicaClient(replica)));
		Path target = Files.createDirectories(this.dir.resolve("restore")).resolve("app.db");

		assertThatExceptionOfType(ReplicaKeyException.class)
			.isThrownBy(() -> ReplicaRestore.latest(other.identityOnly().encrypting(new FileReplicaClient(replica)),
					target, false))
			.withMessageContaining(".snapshot.lz4 in file:" + replica + " can't be decrypted with the identities in "
					+ "kiwi.db.replication.age.identities")
			.satisfies((ex) -> assertThat(throwableText(ex)).doesNotContain(other.identity(), keys.identity()));
		assertThat(ReplicaFiles.listAll(target.getParent())).as("files left by the failed restore").isEmpty();
	}

	@Test
	void anUnencryptedReplicaReadWithAgeConfiguredFailsSayingSo() throws Exception {
		AgeKeyPair keys = AgeKeyPair.generate();
		Path replica = this.dir.resolve("replica");
		writeTwoGenerations(this.dir.resolve("app.db"), new FileReplicaClient(replica));
		Path target = Files.createDirectories(this.dir.resolve("restore")).resolve("app.db");

		assertThatExceptionOfType(ReplicaKeyException.class)
			.isThrownBy(() -> ReplicaRestore.latest(keys.both().encrypting(new FileReplicaClient(replica)), target, false))
			.withMessageContaining(".snapshot.lz4 in file:" + replica + " is not encrypted, but this replica is "
					+ "configured for age encryption (kiwi.db.replication.age)");
		assertThat(ReplicaFiles.listAll(target.getParent())).isEmpty();
	}

	@Test
	void aReadReplicaFollowsAnEncryptedReplicaWithTheIdentity() throws Exception {
		AgeKeyPair keys = AgeKeyPair.generate();
		Path replica = this.dir.resolve("replica");
		Path primaryFile = this.dir.resolve("primary.db");
		Path followerFile = this.dir.resolve("follower.db");
		try (KiwiDataSource primary = open(primaryFile);
				Replicator replicator = new Replicator(primary, keys.recipientOnly().encrypting(new FileReplicaClient(replica)),
						SETTINGS)) {
			replicator.start();
			createTable(primary);
			insert(primary, 0, 50);
			replicator.syncNow();

			ReplicaClient reading = keys.identityOnly().encrypting(new FileReplicaClient(replica));
			Follower.prepare(followerFile, reading);
			try (KiwiDataSource followerDb = KiwiDataSource.open(
					KiwiDbSettings.builder(followerFile.toString()).replicaOf("file:" + replica).readers(1).build());
					Follower follower = new Follower(followerDb, reading, Duration.ofHours(1))) {
				assertThat(count(followerDb)).isEqualTo(50);
				insert(primary, 50, 400);
				replicator.syncNow();
				follower.pollNow();
				assertThat(count(followerDb)).isEqualTo(450);
				assertThat(follower.status().position()).isEqualTo(replicator.status().position());
			}
		}
		assertThat(DatabaseDump.of(followerFile)).isEqualTo(DatabaseDump.of(primaryFile));

		Path withoutIdentity = this.dir.resolve("other-follower.db");
		assertThatExceptionOfType(ReplicaException.class)
			.isThrownBy(() -> Follower.prepare(withoutIdentity, new FileReplicaClient(replica)))
			.withMessageContaining("kiwi.db.replication.age.identities");
		assertThat(withoutIdentity).doesNotExist();
		assertThat(Follower.stateFile(withoutIdentity)).doesNotExist();
	}

	@Test
	void aPrimaryWithTheIdentityResumesItsGenerationAndOneWithOnlyRecipientsStartsANewOneSayingWhy() throws Exception {
		AgeKeyPair keys = AgeKeyPair.generate();
		Path replica = this.dir.resolve("replica");
		Path database = this.dir.resolve("app.db");
		String first = session(database, keys.both().encrypting(new FileReplicaClient(replica)), 0);
		String resumed = session(database, keys.both().encrypting(new FileReplicaClient(replica)), 100);
		assertThat(resumed).as("the generation after a clean restart with the identity").isEqualTo(first);

		String withoutIdentity;
		try (LogCapture log = LogCapture.of(Replicator.class.getName())) {
			withoutIdentity = session(database, keys.recipientOnly().encrypting(new FileReplicaClient(replica)), 200);
			assertThat(log.records()).anyMatch((record) -> record.contains("Starting replication generation")
					&& record.contains("is encrypted with age, and no identity is configured to decrypt it")
					&& record.contains("kiwi.db.replication.age.identities"));
		}
		assertThat(withoutIdentity).as("the generation after a restart with recipients only").isNotEqualTo(first);

		Path restored = this.dir.resolve("restored.db");
		ReplicaRestore.latest(keys.identityOnly().encrypting(new FileReplicaClient(replica)), restored, false).orElseThrow();
		assertThat(DatabaseDump.of(restored)).isEqualTo(DatabaseDump.of(database));
	}

	@Test
	void afterANewRecipientTheOldIdentityKeepsWhatWasEncryptedToTheOldOneReadable() throws Exception {
		AgeKeyPair old = AgeKeyPair.generate();
		AgeKeyPair rotated = AgeKeyPair.generate();
		Path replica = this.dir.resolve("replica");
		Path database = this.dir.resolve("app.db");
		AgeEncryption bothIdentities = AgeEncryption.of(List.of(rotated.recipient()),
				List.of(rotated.identity(), old.identity()));
		String first = session(database, old.both().encrypting(new FileReplicaClient(replica)), 0);
		String resumed = session(database, bothIdentities.encrypting(new FileReplicaClient(replica)), 100);
		assertThat(resumed).as("resumed, reading the old recipient's segments with the old identity").isEqualTo(first);

		Path target = Files.createDirectories(this.dir.resolve("restore")).resolve("app.db");
		assertThatExceptionOfType(ReplicaException.class)
			.isThrownBy(() -> ReplicaRestore.latest(rotated.identityOnly().encrypting(new FileReplicaClient(replica)),
					target, false))
			.withMessageContaining("can't be decrypted");
		ReplicaRestore.latest(bothIdentities.encrypting(new FileReplicaClient(replica)), target, false).orElseThrow();
		assertThat(DatabaseDump.of(target)).isEqualTo(DatabaseDump.of(database));
	}

	@Test
	void malformedKeysAreNamedByTheirPlaceNeverByTheirValue() {
		String almostAnIdentity = "AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ";
		assertThatExceptionOfType(AgeKeyException.class)
			.isThrownBy(() -> AgeEncryption.of(List.of("age1notakey"), List.of()))
			.satisfies((ex) -> assertThat(ex.kind()).isEqualTo(AgeKeyException.Kind.RECIPIENT))
			.satisfies((ex) -> assertThat(ex.index()).isZero());
		assertThatExceptionOfType(AgeKeyException.class)
			.isThrownBy(() -> AgeEncryption.of(List.of(), List.of(almostAnIdentity)))
			.withMessage("The age identity at index 0 is not an X25519 identity (AGE-SECRET-KEY-1... in Bech32, as "
					+ "age-keygen writes it)")
			.satisfies((ex) -> assertThat(ex.kind()).isEqualTo(AgeKeyException.Kind.IDENTITY));
	}

	@Test
	void theIdentityIsNotInTheEncryptionsDescription() throws Exception {
		AgeKeyPair keys = AgeKeyPair.generate();
		assertThat(keys.both()).hasToString("age (1 recipient, 1 identity)");
		assertThat(keys.both().encrypting(new FileReplicaClient(this.dir)).describe()).doesNotContain(keys.identity());
	}

	/** Two generations, so that rows holding the marker are in both a snapshot and the segments. */
	private void writeTwoGenerations(Path database, ReplicaClient client) throws Exception {
		try (KiwiDataSource dataSource = open(database); Replicator replicator = new Replicator(dataSource, client, SETTINGS)) {
			replicator.start();
			createTable(dataSource);
			insert(dataSource, 0, 300);
			replicator.syncNow();
		}
		ShippedRecords.forget(database);
		try (KiwiDataSource dataSource = open(database); Replicator replicator = new Replicator(dataSource, client, SETTINGS)) {
			replicator.start();
			insert(dataSource, 300, 300);
			replicator.syncNow();
		}
	}

	/** One run of a primary; returns the generation it shipped to. */
	private String session(Path database, ReplicaClient client, int from) throws Exception {
		try (KiwiDataSource dataSource = open(database); Replicator replicator = new Replicator(dataSource, client, SETTINGS)) {
			replicator.start();
			createTable(dataSource);
			insert(dataSource, from, 100);
			replicator.syncNow();
			return replicator.status().position().generation();
		}
	}

	/** The hashes, in hex, recorded for the replica's snapshots, read through {@code client}. */
	private static List<String> recordedDigests(ReplicaClient client) throws IOException {
		List<String> digests = new ArrayList<>();
		for (String generation : client.generations()) {
			for (SnapshotInfo snapshot : client.snapshots(generation)) {
				try (var in = client.open(SnapshotDigest.path(generation, snapshot.index()))) {
					digests.add(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim().split(" ")[2]);
				}
			}
		}
		return digests;
	}

	private static List<String> objectsHolding(Path replica, String text) throws IOException {
		byte[] wanted = text.getBytes(StandardCharsets.US_ASCII);
		List<String> holding = new ArrayList<>();
		for (String path : ReplicaFiles.list(replica)) {
			if (indexOf(Files.readAllBytes(replica.resolve(path)), wanted) >= 0) {
				holding.add(path);
			}
		}
		return holding;
	}

	private static int indexOf(byte[] bytes, byte[] wanted) {
		outer: for (int i = 0; i <= bytes.length - wanted.length; i++) {
			for (int j = 0; j < wanted.length; j++) {
				if (bytes[i + j] != wanted[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

	private static String throwableText(Throwable ex) {
		StringWriter text = new StringWriter();
		ex.printStackTrace(new PrintWriter(text));
		return text.toString();
	}

	private static KiwiDataSource open(Path database) throws SQLException {
		return KiwiDataSource.open(KiwiDbSettings.builder(database.toString()).autoCheckpoint(false).build());
	}

	private static void createTable(KiwiDataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body TEXT)");
		}
	}

	private void insert(KiwiDataSource dataSource, int from, int count) throws SQLException {
		try (Connection connection = dataSource.getConnection();
				PreparedStatement insert = connection.prepareStatement("INSERT INTO notes (id, body) VALUES (?, ?)")) {
			connection.setAutoCommit(false);
			for (int i = from; i < from + count; i++) {
				insert.setInt(1, i);
				insert.setString(2, "note " + i + " " + this.marker);
				insert.executeUpdate();
			}
			connection.commit();
		}
	}

	private static int count(KiwiDataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT count(*) FROM notes")) {
			rows.next();
			return rows.getInt(1);
		}
	}

}
