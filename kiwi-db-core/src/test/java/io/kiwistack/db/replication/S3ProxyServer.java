package io.kiwistack.db.replication;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.gaul.s3proxy.AccessGrant;
import org.gaul.s3proxy.S3ErrorCode;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.S3ProxyException;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Error;
import io.kiwistack.db.replication.s3.S3ReplicaClient;
import io.kiwistack.db.replication.s3.S3Settings;

/**
 * A real S3 API server in this JVM, for tests: S3Proxy 4.x over its in-memory blob store,
 * listening on 127.0.0.1 only, on a port the system picks, checking AWS v2/v4 signatures against
 * {@link #ACCESS_KEY} and {@link #SECRET_KEY}. One server serves many tests: each takes a fresh
 * bucket from {@link #newBucket()}.
 *
 * <pre>
 * static S3ProxyServer s3;
 * &#64;BeforeAll static void startS3() throws Exception { s3 = S3ProxyServer.start(); }
 * &#64;AfterAll static void stopS3() throws Exception { s3.close(); }
 * ... try (S3ReplicaClient client = s3.client(s3.newBucket(), "some/prefix")) { ... }
 * </pre>
 *
 * <p>
 * <b>S3Proxy quirk:</b> S3Proxy 4.1.1 mishandles the end of an {@code aws-chunked} request body,
 * which the AWS SDK sends for every PUT over plain HTTP: about one PUT in ten is stored, but the
 * client then fails with "Error writing request body to server" or "Unexpected end of file from
 * server" and the SDK sends it again (and such PUTs take ~20 ms instead of ~2 ms). A retried plain
 * write is harmless; a retried conditional write answers 412 although the first attempt succeeded.
 * So {@link #client(String, String)} builds the S3 client like {@link S3ReplicaClient#create} but
 * with chunked encoding off (the SDK then signs the whole payload), and
 * {@link #factoryClient(String, String)} gives the client exactly as applications get it.
 */
final class S3ProxyServer implements AutoCloseable {

	static final String ACCESS_KEY = "kiwi-access-key";

	/** Recognisable, so that a test can look for it where it must never appear. */
	static final String SECRET_KEY = "kiwi-SECRET-do-not-leak-123";

	static final String REGION = "us-east-1";

	private static final AtomicInteger buckets = new AtomicInteger();

	/** S3Proxy's and its Jetty's INFO lines are noise here; held so that the level sticks. */
	private static final Logger s3ProxyLogger = Logger.getLogger("org.gaul");

	static {
		s3ProxyLogger.setLevel(Level.WARNING);
	}

	/** Replaced by {@link #restart()}; {@code null} while {@link #stop() stopped}. */
	private volatile S3Proxy proxy;

	private final FaultyBlobStore blobStore;

	private final int port;

	private final String endpoint;

	/** The secret {@link #requireSecret} asked for, applied again on {@link #restart()}. */
	private volatile String requiredSecret;

	private S3ProxyServer(S3Proxy proxy, FaultyBlobStore blobStore, int port) {
		this.proxy = proxy;
		this.blobStore = blobStore;
		this.port = port;
		this.endpoint = "http://127.0.0.1:" + port;
	}

	/** Start a server and wait until it serves. */
	static S3ProxyServer start() throws Exception {
		FaultyBlobStore blobStore = new FaultyBlobStore(new TransientNio2BlobStore());
		S3Proxy proxy = startProxy(blobStore, 0);
		return new S3ProxyServer(proxy, blobStore, proxy.getPort());
	}

	private static S3Proxy startProxy(BlobStore blobStore, int port) throws Exception {
		S3Proxy proxy = S3Proxy.builder()
			.blobStore(blobStore)
			.endpoint(URI.create("http://127.0.0.1:" + port))
			.awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
			// Jetty waits this long for open connections on stop (30 s by default).
			.stopTimeout(500)
			.build();
		proxy.start();
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (!"STARTED".equals(proxy.getState())) {
			if (System.nanoTime() > deadline || "FAILED".equals(proxy.getState())) {
				stopProxy(proxy);
				throw new IllegalStateException("S3Proxy did not start on port " + port + ": " + proxy.getState());
			}
			Thread.sleep(10);
		}
		return proxy;
	}

	private static void stopProxy(S3Proxy proxy) throws Exception {
		try {
			proxy.stop();
		}
		catch (TimeoutException ex) {
			// Jetty stops anyway; it only reports that some connection was still open.
		}
	}

	/**
	 * Stop serving, as an outage of the target: connections to {@link #endpoint()} are refused
	 * from now on. The blob store and its contents stay; {@link #restart()} serves them again on
	 * the same port.
	 */
	void stop() throws Exception {
		S3Proxy running = this.proxy;
		this.proxy = null;
		if (running != null) {
			stopProxy(running);
		}
	}

	/** Whether the server serves, that is, it was not {@link #stop() stopped} or was restarted since. */
	boolean running() {
		return this.proxy != null;
	}

	/**
	 * Serve again after {@link #stop()}, on the same port and from the same blob store, so that
	 * clients built before the stop reach the objects they wrote before it. Binding the port is
	 * retried for a few seconds, in case an outgoing connection happens to hold it as its local
	 * port meanwhile.
	 */
	void restart() throws Exception {
		if (this.proxy != null) {
			throw new IllegalStateException("S3Proxy is running; stop it first");
		}
		long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
		while (true) {
			try {
				this.proxy = startProxy(this.blobStore, this.port);
				break;
			}
			catch (Exception ex) {
				if (System.nanoTime() > deadline) {
					throw ex;
				}
				Thread.sleep(250);
			}
		}
		if (this.requiredSecret != null) {
			requireSecret(this.requiredSecret);
		}
	}

	/** The endpoint URL, {@code http://127.0.0.1:<port>}. */
	String endpoint() {
		return this.endpoint;
	}

	/** A new, empty bucket with a name no other test of this JVM uses. */
	String newBucket() {
		String bucket = "kiwi-" + ProcessHandle.current().pid() + "-" + buckets.incrementAndGet();
		this.blobStore.createContainer(bucket);
		return bucket;
	}

	/** How kiwi-db reaches this server: path-style, with the right keys. */
	S3Settings settings() {
		return new S3Settings(this.endpoint, REGION, ACCESS_KEY, SECRET_KEY, true);
	}

	/** A replica client for {@code prefix} in {@code bucket}, without S3Proxy's chunked-upload quirk. */
	S3ReplicaClient client(String bucket, String prefix) {
		return client(settings(), bucket, prefix);
	}

	/**
	 * A replica client as {@link S3ReplicaClient#create} builds it from {@code settings}, but with
	 * the SDK's {@code aws-chunked} uploads off (see the class comment); usable from another JVM.
	 */
	static S3ReplicaClient client(S3Settings settings, String bucket, String prefix) {
		return new S3ReplicaClient(sdkClient(settings), bucket, prefix);
	}

	/** An AWS SDK client for this server, configured as {@link #client(S3Settings, String, String)} is. */
	static S3Client sdkClient(S3Settings settings) {
		return S3Client.builder()
			.httpClientBuilder(UrlConnectionHttpClient.builder())
			.forcePathStyle(settings.forcePathStyle())
			.endpointOverride(URI.create(settings.endpoint()))
			.region(Region.of(settings.region()))
			.credentialsProvider(StaticCredentialsProvider
				.create(AwsBasicCredentials.create(settings.accessKeyId(), settings.secretAccessKey())))
			.serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
			.build();
	}

	/**
	 * The client exactly as an application gets it, from {@link S3ReplicaClient#create}: its
	 * writes meet S3Proxy's chunked-upload quirk (see the class comment), so some are retried.
	 */
	S3ReplicaClient factoryClient(String bucket, String prefix) {
		return S3ReplicaClient.create(bucket, prefix, settings());
	}

	/**
	 * From now on, accept {@link #ACCESS_KEY} only with {@code secret}: clients holding
	 * {@link #SECRET_KEY} then fail with {@code SignatureDoesNotMatch}, as after a key rotation.
	 */
	void requireSecret(String secret) {
		this.requiredSecret = secret;
		this.proxy.setBlobStoreLocator((identity, container, blob) -> ACCESS_KEY.equals(identity)
				? new AccessGrant(secret, this.blobStore) : null);
	}

	/**
	 * The next PUT of a key ending with {@code keySuffix} is stored, and then answered with a 500
	 * InternalError: a write whose response was lost, which the SDK sends again.
	 */
	void failNextPutAfterStoring(String keySuffix) {
		this.blobStore.failAfterStoring.add(keySuffix);
	}

	/** Whether multi-object deletes report every key as failed (AccessDenied) instead of deleting. */
	void refuseDeletes(boolean refuse) {
		this.blobStore.refuseDeletes = refuse;
	}

	/** The blob store behind the server, to look at or change objects without going through HTTP. */
	BlobStore blobStore() {
		return this.blobStore;
	}

	/**
	 * Write a Litestream 0.3 configuration with one database, {@code database}, replicated to
	 * {@code path} in {@code bucket} on this server every 100 ms; {@code databaseSettings} are
	 * more {@code key: value} lines for the database (such as {@code monitor-interval: 50ms}).
	 * {@code litestream restore -config <file> -o <output> <database>} restores from it.
	 */
	Path litestreamConfig(Path file, Path database, String bucket, String path, String... databaseSettings)
			throws IOException {
		StringBuilder yaml = new StringBuilder("dbs:\n  - path: " + database + "\n");
		for (String setting : databaseSettings) {
			yaml.append("    ").append(setting).append('\n');
		}
		yaml.append("""
				    replicas:
				      - type: s3
				        bucket: %s
				        path: %s
				        endpoint: %s
				        region: %s
				        force-path-style: true
				        access-key-id: %s
				        secret-access-key: %s
				        sync-interval: 100ms
				""".formatted(bucket, path, this.endpoint, REGION, ACCESS_KEY, SECRET_KEY));
		Files.writeString(file, yaml, StandardCharsets.UTF_8);
		return file;
	}

	@Override
	public void close() throws Exception {
		stop();
		this.blobStore.close();
	}

	/** The in-memory store, with the faults the tests ask for. */
	private static final class FaultyBlobStore extends ForwardingBlobStore {

		private final Set<String> failAfterStoring = ConcurrentHashMap.newKeySet();

		private volatile boolean refuseDeletes;

		FaultyBlobStore(BlobStore delegate) {
			super(delegate);
		}

		@Override
		public PutObjectResponse putBlob(PutObjectRequest request, InputStream content) {
			PutObjectResponse response = super.putBlob(request, content);
			for (String suffix : this.failAfterStoring) {
				if (request.key().endsWith(suffix) && this.failAfterStoring.remove(suffix)) {
					throw new S3ProxyException(S3ErrorCode.INTERNAL_ERROR, "stored, but this response is lost");
				}
			}
			return response;
		}

		@Override
		public DeleteObjectsResponse removeBlobs(DeleteObjectsRequest request) {
			if (!this.refuseDeletes) {
				return super.removeBlobs(request);
			}
			return DeleteObjectsResponse.builder()
				.errors(request.delete()
					.objects()
					.stream()
					.map((object) -> S3Error.builder()
						.key(object.key())
						.code("AccessDenied")
						.message("Access Denied")
						.build())
					.toList())
				.build();
		}

	}

}
