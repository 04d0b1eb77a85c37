package io.kiwistack.db.replication;

import java.util.function.UnaryOperator;

import io.kiwistack.db.replication.s3.S3ReplicaClient;
import io.kiwistack.db.replication.s3.S3Settings;
import io.kiwistack.db.testsupport.S3ProxyExtension;
import org.gaul.s3proxy.blobstore.BlobStore;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The shared in-process S3 server ({@link S3ProxyExtension}, S3Proxy) with what kiwi-db's own
 * tests build from it: {@link S3Settings} and {@link S3ReplicaClient}s. Those are kiwi-db types,
 * which the shared module does not know, so they are added here.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final S3ProxyServer s3 = new S3ProxyServer();
 * ... try (S3ReplicaClient client = s3.client(s3.newBucket(), "some/prefix")) { ... }
 * </pre>
 *
 * Outside JUnit's lifecycle, {@link #start()} gives a server that serves until {@link #close()}.
 * <p>
 * {@link #client(String, String)} avoids S3Proxy's chunked-upload quirk (see
 * {@link S3ProxyExtension}); {@link #factoryClient(String, String)} gives the client exactly as
 * applications get it.
 */
final class S3ProxyServer extends S3ProxyExtension {

	/** A server over S3Proxy's in-memory store. */
	S3ProxyServer() {
	}

	/** A server over S3Proxy's in-memory store as {@code storeWrapper} wraps it (see {@link S3ProxyExtension}). */
	S3ProxyServer(UnaryOperator<BlobStore> storeWrapper) {
		super(storeWrapper);
	}

	/** Start a server and wait until it serves. */
	static S3ProxyServer start() throws Exception {
		S3ProxyServer server = new S3ProxyServer();
		server.open();
		return server;
	}

	/** How kiwi-db reaches this server: path-style, with the right keys. */
	S3Settings settings() {
		return new S3Settings(endpoint(), REGION, ACCESS_KEY, SECRET_KEY, true);
	}

	/** A replica client for {@code prefix} in {@code bucket}, without S3Proxy's chunked-upload quirk. */
	S3ReplicaClient client(String bucket, String prefix) {
		return client(settings(), bucket, prefix);
	}

	/**
	 * A replica client as {@link S3ReplicaClient#create} builds it from {@code settings}, but with
	 * the SDK's {@code aws-chunked} uploads off (see {@link S3ProxyExtension}); usable from another
	 * JVM.
	 */
	static S3ReplicaClient client(S3Settings settings, String bucket, String prefix) {
		return new S3ReplicaClient(sdkClient(settings), bucket, prefix);
	}

	/** An AWS SDK client for this server, configured as {@link #client(S3Settings, String, String)} is. */
	static S3Client sdkClient(S3Settings settings) {
		return sdkClient(settings.endpoint(), settings.region(), settings.accessKeyId(), settings.secretAccessKey(),
				settings.forcePathStyle());
	}

	/**
	 * The client exactly as an application gets it, from {@link S3ReplicaClient#create}: its
	 * writes meet S3Proxy's chunked-upload quirk (see {@link S3ProxyExtension}), so some are
	 * retried.
	 */
	S3ReplicaClient factoryClient(String bucket, String prefix) {
		return S3ReplicaClient.create(bucket, prefix, settings());
	}

}
