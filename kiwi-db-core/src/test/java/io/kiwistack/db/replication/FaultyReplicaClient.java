package io.kiwistack.db.replication;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.function.Predicate;

/**
 * A real replica client whose calls fail on demand: every call while {@link #unreachable} is set
 * (a replica that does not answer), and writes to the paths {@link #refuseWrites} matches (a
 * replica that refuses one kind of object, say a snapshot too big for its disk).
 */
final class FaultyReplicaClient implements ReplicaClient {

	private final ReplicaClient delegate;

	volatile boolean unreachable;

	volatile Predicate<String> refuseWrites = (path) -> false;

	FaultyReplicaClient(ReplicaClient delegate) {
		this.delegate = delegate;
	}

	private void answer(String path) throws IOException {
		if (this.unreachable) {
			throw new IOException(describe() + ": connection refused (" + path + ")");
		}
	}

	private void accept(String path) throws IOException {
		answer(path);
		if (this.refuseWrites.test(path)) {
			throw new IOException(describe() + ": no space left for " + path);
		}
	}

	@Override
	public String describe() {
		return this.delegate.describe();
	}

	@Override
	public List<String> generations() throws IOException {
		answer("generations");
		return this.delegate.generations();
	}

	@Override
	public List<SnapshotInfo> snapshots(String generation) throws IOException {
		answer(generation);
		return this.delegate.snapshots(generation);
	}

	@Override
	public List<WalSegmentInfo> walSegments(String generation) throws IOException {
		answer(generation);
		return this.delegate.walSegments(generation);
	}

	@Override
	public void write(String path, byte[] content) throws IOException {
		accept(path);
		this.delegate.write(path, content);
	}

	@Override
	public void write(String path, StreamedContent content) throws IOException {
		accept(path);
		this.delegate.write(path, content);
	}

	@Override
	public List<String> names(String folder) throws IOException {
		answer(folder);
		return this.delegate.names(folder);
	}

	@Override
	public String createIfAbsent(String path, byte[] content) throws IOException {
		accept(path);
		return this.delegate.createIfAbsent(path, content);
	}

	@Override
	public String replaceIfVersion(String path, byte[] content, String version) throws IOException {
		accept(path);
		return this.delegate.replaceIfVersion(path, content, version);
	}

	@Override
	public VersionedObject readVersioned(String path) throws IOException {
		answer(path);
		return this.delegate.readVersioned(path);
	}

	@Override
	public InputStream open(String path) throws IOException {
		answer(path);
		return this.delegate.open(path);
	}

	@Override
	public boolean exists(String path) throws IOException {
		answer(path);
		return this.delegate.exists(path);
	}

	@Override
	public void delete(List<String> paths) throws IOException {
		answer("delete");
		this.delegate.delete(paths);
	}

	@Override
	public void deleteGeneration(String generation) throws IOException {
		answer(generation);
		this.delegate.deleteGeneration(generation);
	}

}
