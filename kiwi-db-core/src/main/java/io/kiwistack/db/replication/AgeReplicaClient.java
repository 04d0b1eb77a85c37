package io.kiwistack.db.replication;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.util.List;

/**
 * A replica whose snapshots, log segments and snapshot digests are age files: encrypted as they
 * are written, decrypted as they are read, in Litestream 0.3's layering (the LZ4 frame inside the
 * age file). Listings, the claim and the records of where a log index ends pass through unchanged:
 * they hold names, positions and node ids, no content of the database. An object that should be
 * encrypted and is not, or that no identity decrypts, fails naming the object and the property.
 */
final class AgeReplicaClient implements ReplicaClient {

	private final ReplicaClient delegate;

	private final AgeEncryption encryption;

	AgeReplicaClient(ReplicaClient delegate, AgeEncryption encryption) {
		this.delegate = delegate;
		this.encryption = encryption;
	}

	/** Whether {@code path} names an object that holds, or is derived from, the database's content. */
	static boolean isSealed(String path) {
		return path.endsWith(".lz4") || ReplicaLayout.parseSnapshotDigest(path.substring(path.lastIndexOf('/') + 1)) >= 0;
	}

	@Override
	public String describe() {
		return this.delegate.describe();
	}

	@Override
	public void write(String path, byte[] content) throws IOException {
		if (!isSealed(path)) {
			this.delegate.write(path, content);
			return;
		}
		ByteArrayOutputStream sealed = new ByteArrayOutputStream(content.length + 256);
		try (OutputStream out = encryptingTo(sealed, path)) {
			out.write(content);
		}
		this.delegate.write(path, sealed.toByteArray());
	}

	@Override
	public void write(String path, StreamedContent content) throws IOException {
		if (!isSealed(path)) {
			this.delegate.write(path, content);
			return;
		}
		this.delegate.write(path, (out) -> {
			try (OutputStream sealed = encryptingTo(out, path)) {
				// The content may close what it writes to (an LZ4 frame does): the age file's last
				// chunk is written once, here.
				content.writeTo(new KeepOpenOutputStream(sealed));
			}
		});
	}

	@Override
	public InputStream open(String path) throws IOException {
		InputStream in = this.delegate.open(path);
		if (!isSealed(path)) {
			return in;
		}
		try {
			return decrypt(path, in);
		}
		catch (IOException | RuntimeException ex) {
			in.close();
			throw ex;
		}
	}

	private InputStream decrypt(String path, InputStream object) throws IOException {
		BufferedInputStream in = new BufferedInputStream(object);
		in.mark(AgeEncryption.headerLength());
		byte[] prefix = in.readNBytes(AgeEncryption.headerLength());
		in.reset();
		if (!AgeEncryption.isAgeFile(prefix, prefix.length)) {
			throw new ReplicaKeyException("Object " + path + " in " + describe() + " is not encrypted, but this replica "
					+ "is configured for age encryption (kiwi.db.replication.age): it was written without it. Restore it "
					+ "without kiwi.db.replication.age, or replicate to a new location", "Restore this replica without "
							+ "kiwi.db.replication.age.*, or point kiwi.db.replication.url at a new location for an "
							+ "encrypted replica.", null);
		}
		if (!this.encryption.canDecrypt()) {
			throw AgeEncryption.noIdentity(this, path);
		}
		try {
			return AgeCipher.decrypt(in, this.encryption.identities());
		}
		catch (GeneralSecurityException ex) {
			// The reason (no identity matched, or a damaged header) says nothing of the keys.
			throw new ReplicaKeyException("Object " + path + " in " + describe() + " can't be decrypted with the "
					+ "identities in kiwi.db.replication.age.identities (" + ex.getMessage() + "): none of them is "
					+ "the identity of a recipient it was encrypted to, or its header is damaged",
					AgeEncryption.IDENTITY_ACTION, ex);
		}
	}

	private OutputStream encryptingTo(OutputStream out, String path) throws IOException {
		if (!this.encryption.canEncrypt()) {
			throw new ReplicaException("Not writing " + path + " to " + describe() + ": this node has no age recipient "
					+ "to encrypt it to; set kiwi.db.replication.age.recipients");
		}
		return AgeCipher.encrypt(out, this.encryption.recipients());
	}

	@Override
	public List<String> generations() throws IOException {
		return this.delegate.generations();
	}

	@Override
	public List<SnapshotInfo> snapshots(String generation) throws IOException {
		return this.delegate.snapshots(generation);
	}

	@Override
	public List<WalSegmentInfo> walSegments(String generation) throws IOException {
		return this.delegate.walSegments(generation);
	}

	@Override
	public List<WalSegmentInfo> walSegments(String generation, long fromIndex) throws IOException {
		return this.delegate.walSegments(generation, fromIndex);
	}

	@Override
	public int removeAbandonedWrites() throws IOException {
		return this.delegate.removeAbandonedWrites();
	}

	@Override
	public List<String> names(String folder) throws IOException {
		return this.delegate.names(folder);
	}

	@Override
	public String createIfAbsent(String path, byte[] content) throws IOException {
		return this.delegate.createIfAbsent(path, content);
	}

	@Override
	public String replaceIfVersion(String path, byte[] content, String version) throws IOException {
		return this.delegate.replaceIfVersion(path, content, version);
	}

	@Override
	public VersionedObject readVersioned(String path) throws IOException {
		return this.delegate.readVersioned(path);
	}

	@Override
	public boolean exists(String path) throws IOException {
		return this.delegate.exists(path);
	}

	@Override
	public void delete(List<String> paths) throws IOException {
		this.delegate.delete(paths);
	}

	@Override
	public void deleteGeneration(String generation) throws IOException {
		this.delegate.deleteGeneration(generation);
	}

	@Override
	public void close() throws IOException {
		this.delegate.close();
	}

}
