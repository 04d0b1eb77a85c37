package io.kiwistack.db.testsupport;

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
import java.util.function.UnaryOperator;
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
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
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

/**
 * A real S3 API server in the test's JVM, as a JUnit extension: S3Proxy 4.x over its in-memory
 * blob store, listening on 127.0.0.1 only, on a port the system picks, checking AWS v2/v4
 * signatures against {@link #ACCESS_KEY} and {@link #SECRET_KEY}. Registered on a static field, it
 * serves from before the class's first test until after its last; each test takes a fresh bucket
 * from {@link #newBucket()}.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final S3ProxyExtension s3 = new S3ProxyExtension();
 * ... try (S3Client client = s3.sdkClient()) { client.listObjectsV2((list) -&gt; list.bucket(s3.newBucket())); }
 * </pre>
 *
 * A test can take the server away and bring it back ({@link #stop()}, {@link #restart()}), change
 * the secret it accepts ({@link #requireSecret}), lose the response to a write it stored
 * ({@link #failNextPutAfterStoring}) and refuse deletes ({@link #refuseDeletes}). Outside JUnit,
 * {@link #open()} and {@link #close()} do what the callbacks do.
 * <p>
 * This module knows nothing of kiwi-db: a module that has a replica client of its own builds it
 * from {@link #endpoint()}, {@link #REGION} and the keys, or from {@link #sdkClient()}.
 * <p>
 * <b>S3Proxy quirk:</b> S3Proxy 4.1.1 mishandles the end of an {@code aws-chunked} request body,
 * which the AWS SDK sends for every PUT over plain HTTP: about one PUT in ten is stored, but the
 * client then fails with "Error writing request body to server" or "Unexpected end of file from
 * server" and the SDK sends it again (and such PUTs take ~20 ms instead of ~2 ms). A retried plain
 * write is harmless; a retried conditional write answers 412 although the first attempt succeeded.
 * So {@link #sdkClient()} builds the S3 client as kiwi-db's S3 replica client does but with chunked
 * encoding off (the SDK then signs the whole payload).
 */
public class S3ProxyExtension implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

	/** The access key id the server accepts. */
	public static final String ACCESS_KEY = "kiwi-access-key";

	/** The secret key the server accepts. Recognisable, so that a test can look for it where it must never appear. */
	public static final String SECRET_KEY = "kiwi-SECRET-do-not-leak-123";

	/** The region to sign requests for. */
	public static final String REGION = "us-east-1";

	private static final AtomicInteger buckets = new AtomicInteger();

	/** S3Proxy's and its Jetty's INFO lines are noise here; held so that the level sticks. */
	private static final Logger s3ProxyLogger = Logger.getLogger("org.gaul");

	static {
		s3ProxyLogger.setLevel(Level.WARNING);
	}

	/** Replaced by {@link #restart()}; {@code null} while {@link #stop() stopped} or not open. */
	private volatile S3Proxy proxy;

	private volatile FaultyBlobStore blobStore;

	private volatile int port;

	private volatile String endpoint;

	/** The secret {@link #requireSecret} asked for, applied again on {@link #restart()}. */
	private volatile String requiredSecret;

	/**
	 * How many {@link #open()} calls no {@link #close()} has matched yet: the callbacks run again
	 * for each {@code @Nested} class, which must find the server as its outer class left it.
	 */
	private int opened;

	/** Wraps the in-memory store before the faults a test asks for are added around it. */
	private final UnaryOperator<BlobStore> storeWrapper;

	/** A server that starts on {@link #beforeAll} or {@link #open()}. */
	public S3ProxyExtension() {
		this(UnaryOperator.identity());
	}

	/**
	 * A server over the in-memory store as {@code storeWrapper} wraps it, for a test that needs
	 * the store to behave more like S3 than S3Proxy does (such as conditional writes that are
	 * atomic); the faults a test asks for still apply.
	 * @param storeWrapper the store to serve, given S3Proxy's in-memory one
	 */
	public S3ProxyExtension(UnaryOperator<BlobStore> storeWrapper) {
		this.storeWrapper = storeWrapper;
	}

	@Override
	public void beforeAll(ExtensionContext context) throws Exception {
		open();
	}

	@Override
	public void afterAll(ExtensionContext context) throws Exception {
		close();
	}

	/** Starts the server, unless it is open already, and waits until it serves. */
	public synchronized void open() throws Exception {
		if (this.opened > 0) {
			this.opened++;
			return;
		}
		FaultyBlobStore store = new FaultyBlobStore(this.storeWrapper.apply(new TransientNio2BlobStore()));
		S3Proxy started = startProxy(store, 0);
		this.blobStore = store;
		this.port = started.getPort();
		this.endpoint = "http://127.0.0.1:" + this.port;
		this.requiredSecret = null;
		this.proxy = started;
		this.opened = 1;
	}

	/** Stops the server and drops its objects, once every {@link #open()} is matched. */
	@Override
	public synchronized void close() throws Exception {
		if (this.opened == 0 || --this.opened > 0) {
			return;
		}
		stop();
		this.blobStore.close();
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
	 * Stops serving, as an outage of the target: connections to {@link #endpoint()} are refused
	 * from now on. The blob store and its contents stay; {@link #restart()} serves them again on
	 * the same port.
	 */
	public void stop() throws Exception {
		S3Proxy running = this.proxy;
		this.proxy = null;
		if (running != null) {
			stopProxy(running);
		}
	}

	/** Whether the server serves, that is, it was not {@link #stop() stopped} or was restarted since. */
	public boolean running() {
		return this.proxy != null;
	}

	/**
	 * Serves again after {@link #stop()}, on the same port and from the same blob store, so that
	 * clients built before the stop reach the objects they wrote before it. Binding the port is
	 * retried for a few seconds, in case an outgoing connection happens to hold it as its local
	 * port meanwhile.
	 */
	public void restart() throws Exception {
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
	public String endpoint() {
		return this.endpoint;
	}

	/** A new, empty bucket with a name no other test of this JVM uses. */
	public String newBucket() {
		String bucket = "kiwi-" + ProcessHandle.current().pid() + "-" + buckets.incrementAndGet();
		this.blobStore.createContainer(bucket);
		return bucket;
	}

	/** An AWS SDK client for this server, path-style, with the right keys, without S3Proxy's chunked-upload quirk. */
	public S3Client sdkClient() {
		return sdkClient(this.endpoint, REGION, ACCESS_KEY, SECRET_KEY, true);
	}

	/**
	 * An AWS SDK client configured as kiwi-db's S3 replica client builds it, but with the SDK's
	 * {@code aws-chunked} uploads off (see the class comment); usable from another JVM, which has
	 * only the endpoint and keys it was given.
	 */
	public static S3Client sdkClient(String endpoint, String region, String accessKeyId, String secretAccessKey,
			boolean forcePathStyle) {
		return S3Client.builder()
			.httpClientBuilder(UrlConnectionHttpClient.builder())
			.forcePathStyle(forcePathStyle)
			.endpointOverride(URI.create(endpoint))
			.region(Region.of(region))
			.credentialsProvider(
					StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secretAccessKey)))
			.serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
			.build();
	}

	/**
	 * From now on, accepts {@link #ACCESS_KEY} only with {@code secret}: clients holding
	 * {@link #SECRET_KEY} then fail with {@code SignatureDoesNotMatch}, as after a key rotation.
	 * Holds across {@link #restart()}.
	 */
	public void requireSecret(String secret) {
		this.requiredSecret = secret;
		this.proxy.setBlobStoreLocator((identity, container, blob) -> ACCESS_KEY.equals(identity)
				? new AccessGrant(secret, this.blobStore) : null);
	}

	/**
	 * The next PUT of a key ending with {@code keySuffix} is stored, and then answered with a 500
	 * InternalError: a write whose response was lost, which the SDK sends again.
	 */
	public void failNextPutAfterStoring(String keySuffix) {
		this.blobStore.failAfterStoring.add(keySuffix);
	}

	/** Whether multi-object deletes report every key as failed (AccessDenied) instead of deleting. */
	public void refuseDeletes(boolean refuse) {
		this.blobStore.refuseDeletes = refuse;
	}

	/** The blob store behind the server, to look at or change objects without going through HTTP. */
	public BlobStore blobStore() {
		return this.blobStore;
	}

	/**
	 * Writes a Litestream 0.3 configuration with one database, {@code database}, replicated to
	 * {@code path} in {@code bucket} on this server every 100 ms; {@code databaseSettings} are
	 * more {@code key: value} lines for the database (such as {@code monitor-interval: 50ms}).
	 * {@code litestream restore -config <file> -o <output> <database>} restores from it.
	 * @return {@code file}
	 */
	public Path litestreamConfig(Path file, Path database, String bucket, String path, String... databaseSettings)
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
