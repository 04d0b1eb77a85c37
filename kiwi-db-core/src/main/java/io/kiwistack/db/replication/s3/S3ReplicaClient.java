package io.kiwistack.db.replication.s3;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import io.kiwistack.db.replication.InvalidReplicaSettingException;
import io.kiwistack.db.replication.ReplicaClient;
import io.kiwistack.db.replication.ReplicaLayout;
import io.kiwistack.db.replication.SnapshotInfo;
import io.kiwistack.db.replication.WalSegmentInfo;
import io.kiwistack.db.replication.VersionedObject;
import io.kiwistack.db.replication.KeepOpenOutputStream;

/**
 * A replica in an S3-compatible bucket, through the AWS SDK for Java v2 with its URL-connection
 * HTTP client (no Netty). Each object is written with one PUT, which S3 makes visible whole or not
 * at all; a snapshot larger than a part streams as a multipart upload, visible once completed. Listings page through the bucket one generation folder at a time.
 */
public final class S3ReplicaClient implements ReplicaClient {

	/** The size of each part of a streamed write's multipart upload: a snapshot larger than this uploads in parts. */
	public static final int PART_SIZE = S3MultipartOutput.PART_SIZE;

	private static final int DELETE_BATCH = 1000;

	private final S3Client s3;

	private final String bucket;

	private final String prefix;

	public S3ReplicaClient(S3Client s3, String bucket, String prefix) {
		this.s3 = s3;
		this.bucket = bucket;
		this.prefix = normalizePrefix(prefix);
	}

	/**
	 * A client for {@code bucket} and {@code prefix} built from {@code settings}.
	 */
	public static S3ReplicaClient create(String bucket, String prefix, S3Settings settings) {
		S3ClientBuilder builder = S3Client.builder()
			.httpClientBuilder(UrlConnectionHttpClient.builder()
				.connectionTimeout(Duration.ofSeconds(5))
				.socketTimeout(Duration.ofSeconds(30)))
			// A replica that stops answering must not hold the replicator (and the log's bound) for
			// minutes: each call gives up after a minute, retries included.
			.overrideConfiguration((client) -> client.apiCallTimeout(Duration.ofSeconds(60)))
			.forcePathStyle(settings.forcePathStyle());
		if (settings.endpoint() != null) {
			builder.endpointOverride(endpoint(settings.endpoint()));
			// aws-chunked request bodies are where S3-compatible servers differ most; a plain
			// body with its hash up front is understood by all of them.
			builder.serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build());
		}
		if (settings.region() != null) {
			builder.region(Region.of(settings.region()));
		}
		else if (settings.endpoint() != null) {
			// Non-AWS endpoints ignore the region, but the SDK needs one to sign requests.
			builder.region(Region.US_EAST_1);
		}
		if (settings.accessKeyId() != null && settings.secretAccessKey() != null) {
			builder.credentialsProvider(StaticCredentialsProvider
				.create(AwsBasicCredentials.create(settings.accessKeyId(), settings.secretAccessKey())));
		}
		try {
			return new S3ReplicaClient(builder.build(), bucket, prefix);
		}
		catch (SdkClientException ex) {
			if (settings.region() != null) {
				throw ex;
			}
			// Building resolves the region (credentials wait for the first request): with none set
			// and none in the SDK's default chain, it fails here.
			throw new InvalidReplicaSettingException("region", "The AWS SDK finds no region for s3://" + bucket + "/"
					+ prefix + " (" + ex.getMessage() + ")", ex);
		}
	}

	private static URI endpoint(String endpoint) {
		URI uri;
		try {
			uri = new URI(endpoint);
		}
		catch (URISyntaxException ex) {
			throw new InvalidReplicaSettingException("endpoint", "'" + endpoint + "' is not a URL (" + ex.getReason()
					+ "); use one such as http://localhost:9000", ex);
		}
		if (uri.getScheme() == null || uri.getHost() == null) {
			throw new InvalidReplicaSettingException("endpoint", "'" + endpoint + "' names no scheme and host; use "
					+ "a URL such as http://localhost:9000", null);
		}
		return uri;
	}

	@Override
	public String describe() {
		return "s3://" + this.bucket + "/" + this.prefix;
	}

	@Override
	public List<String> generations() throws IOException {
		List<String> generations = new ArrayList<>();
		list(key(ReplicaLayout.GENERATIONS + "/"), true, (page) -> {
			for (CommonPrefix common : page.commonPrefixes()) {
				String name = lastSegment(common.prefix());
				if (ReplicaLayout.isGeneration(name)) {
					generations.add(name);
				}
			}
		});
		return generations;
	}

	@Override
	public List<SnapshotInfo> snapshots(String generation) throws IOException {
		List<SnapshotInfo> snapshots = new ArrayList<>();
		list(key(ReplicaLayout.GENERATIONS + "/" + generation + "/snapshots/"), false, (page) -> {
			for (S3Object object : page.contents()) {
				long index = ReplicaLayout.parseSnapshot(lastSegment(object.key()));
				if (index >= 0) {
					snapshots.add(new SnapshotInfo(generation, index, object.size(), object.lastModified()));
				}
			}
		});
		snapshots.sort(Comparator.comparingLong(SnapshotInfo::index));
		return snapshots;
	}

	@Override
	public List<WalSegmentInfo> walSegments(String generation) throws IOException {
		return walSegments(generation, 0);
	}

	/** One listing that starts at {@code fromIndex}'s first segment, thanks to S3's start-after. */
	@Override
	public List<WalSegmentInfo> walSegments(String generation, long fromIndex) throws IOException {
		List<WalSegmentInfo> segments = new ArrayList<>();
		String walPrefix = key(ReplicaLayout.GENERATIONS + "/" + generation + "/wal/");
		ListObjectsV2Request.Builder request = ListObjectsV2Request.builder()
			.bucket(this.bucket)
			.prefix(walPrefix)
			.startAfter(walPrefix + ReplicaLayout.hex8(fromIndex));
		call(walPrefix, () -> {
			this.s3.listObjectsV2Paginator(request.build()).forEach((page) -> {
			for (S3Object object : page.contents()) {
				long[] indexAndOffset = ReplicaLayout.parseWalSegment(lastSegment(object.key()));
				if (indexAndOffset != null) {
					segments.add(new WalSegmentInfo(generation, indexAndOffset[0], indexAndOffset[1], object.size(),
							object.lastModified()));
				}
			}
			});
			return null;
		});
		segments.sort(Comparator.comparingLong(WalSegmentInfo::index).thenComparingLong(WalSegmentInfo::offset));
		return segments;
	}

	@Override
	public void write(String path, byte[] content) throws IOException {
		call(path, () -> this.s3.putObject((put) -> put.bucket(this.bucket).key(key(path)), RequestBody.fromBytes(content)));
	}

	/** Streams as a multipart upload once the content outgrows one part: no local copy, one part in memory. */
	@Override
	public void write(String path, StreamedContent content) throws IOException {
		try (S3MultipartOutput out = new S3MultipartOutput(this.s3, this.bucket, key(path))) {
			content.writeTo(new KeepOpenOutputStream(out));
			out.complete();
		}
		catch (IOException ex) {
			throw new IOException(describe() + ": request for " + path + " failed: " + ex.getMessage(), ex);
		}
	}

	/** Aborts the multipart uploads under this replica's prefix that a crash left unfinished. */
	@Override
	public int removeAbandonedWrites() throws IOException {
		return call("(unfinished uploads)", () -> {
			int aborted = 0;
			for (var upload : this.s3.listMultipartUploadsPaginator((list) -> list.bucket(this.bucket).prefix(this.prefix))
				.uploads()) {
				this.s3.abortMultipartUpload((abort) -> abort.bucket(this.bucket).key(upload.key()).uploadId(upload.uploadId()));
				aborted++;
			}
			return aborted;
		});
	}

	@Override
	public List<String> names(String folder) throws IOException {
		List<String> names = new ArrayList<>();
		String folderKey = key(folder.endsWith("/") ? folder : folder + "/");
		list(folderKey, true, (page) -> {
			for (S3Object object : page.contents()) {
				names.add(object.key().substring(folderKey.length()));
			}
		});
		return names;
	}

	/** Uses S3's conditional write, {@code If-None-Match: *}. */
	@Override
	public String createIfAbsent(String path, byte[] content) throws IOException {
		try {
			return this.s3
				.putObject((put) -> put.bucket(this.bucket).key(key(path)).ifNoneMatch("*"), RequestBody.fromBytes(content))
				.eTag();
		}
		catch (S3Exception ex) {
			if (ex.statusCode() == 412 || ex.statusCode() == 409) {
				return null;
			}
			throw failure(path, ex);
		}
		catch (SdkException ex) {
			throw failure(path, ex);
		}
	}

	/** Uses S3's conditional write, {@code If-Match: <ETag>}. */
	@Override
	public String replaceIfVersion(String path, byte[] content, String version) throws IOException {
		try {
			return this.s3
				.putObject((put) -> put.bucket(this.bucket).key(key(path)).ifMatch(version), RequestBody.fromBytes(content))
				.eTag();
		}
		catch (S3Exception ex) {
			if (ex.statusCode() == 412 || ex.statusCode() == 409 || ex.statusCode() == 404) {
				return null;
			}
			throw failure(path, ex);
		}
		catch (SdkException ex) {
			throw failure(path, ex);
		}
	}

	@Override
	public VersionedObject readVersioned(String path) throws IOException {
		return unlessMissing(path, () -> {
			var response = this.s3.getObjectAsBytes((get) -> get.bucket(this.bucket).key(key(path)));
			return new VersionedObject(response.asByteArray(), response.response().eTag());
		}, null);
	}

	@Override
	public InputStream open(String path) throws IOException {
		InputStream in = unlessMissing(path, () -> this.s3.getObject((get) -> get.bucket(this.bucket).key(key(path))),
				null);
		if (in == null) {
			throw new java.nio.file.NoSuchFileException(describe() + path);
		}
		return in;
	}

	@Override
	public boolean exists(String path) throws IOException {
		return unlessMissing(path, () -> {
			this.s3.headObject((head) -> head.bucket(this.bucket).key(key(path)));
			return true;
		}, false);
	}

	/**
	 * Call S3 for the object at {@code path}, answering {@code missing} when there is none: S3's
	 * NoSuchKey, or a plain 404 (some S3-compatible servers send no code).
	 */
	private <T> T unlessMissing(String path, java.util.function.Supplier<T> call, T missing) throws IOException {
		try {
			return call.get();
		}
		catch (NoSuchKeyException ex) {
			return missing;
		}
		catch (S3Exception ex) {
			if (ex.statusCode() == 404) {
				return missing;
			}
			throw failure(path, ex);
		}
		catch (SdkException ex) {
			throw failure(path, ex);
		}
	}

	@Override
	public void delete(List<String> paths) throws IOException {
		for (int from = 0; from < paths.size(); from += DELETE_BATCH) {
			List<ObjectIdentifier> batch = paths.subList(from, Math.min(paths.size(), from + DELETE_BATCH))
				.stream()
				.map((path) -> ObjectIdentifier.builder().key(key(path)).build())
				.toList();
			var response = call("(" + batch.size() + " objects)", () -> this.s3.deleteObjects((delete) -> delete
				.bucket(this.bucket)
				.delete(Delete.builder().objects(batch).quiet(true).build())));
			if (response.hasErrors() && !response.errors().isEmpty()) {
				var first = response.errors().get(0);
				throw new IOException(describe() + ": " + response.errors().size() + " of " + batch.size()
						+ " deletes failed, the first for " + first.key() + ": " + first.code() + " " + first.message());
			}
		}
	}

	@Override
	public void deleteGeneration(String generation) throws IOException {
		String generationPrefix = ReplicaLayout.GENERATIONS + "/" + generation + "/";
		List<String> paths = new ArrayList<>();
		list(key(generationPrefix), false, (page) -> {
			for (S3Object object : page.contents()) {
				paths.add(object.key().substring(this.prefix.length()));
			}
		});
		delete(paths);
	}

	@Override
	public void close() {
		this.s3.close();
	}

	private void list(String keyPrefix, boolean folders, Consumer<ListObjectsV2Response> pages) throws IOException {
		ListObjectsV2Request.Builder request = ListObjectsV2Request.builder().bucket(this.bucket).prefix(keyPrefix);
		if (folders) {
			request.delimiter("/");
		}
		call(keyPrefix, () -> {
			this.s3.listObjectsV2Paginator(request.build()).forEach(pages);
			return null;
		});
	}

	private <T> T call(String what, SdkCall<T> call) throws IOException {
		try {
			return call.run();
		}
		catch (SdkException ex) {
			throw failure(what, ex);
		}
	}

	private IOException failure(String what, Exception ex) {
		return new IOException(describe() + ": request for " + what + " failed: " + ex.getMessage(), ex);
	}

	private String key(String path) {
		return this.prefix + path;
	}

	private static String lastSegment(String key) {
		String trimmed = key.endsWith("/") ? key.substring(0, key.length() - 1) : key;
		return trimmed.substring(trimmed.lastIndexOf('/') + 1);
	}

	private static String normalizePrefix(String prefix) {
		String trimmed = (prefix == null) ? "" : prefix.replaceAll("^/+", "").replaceAll("/+$", "");
		return trimmed.isEmpty() ? "" : trimmed + "/";
	}

	@FunctionalInterface
	private interface SdkCall<T> {

		T run();

	}

}
