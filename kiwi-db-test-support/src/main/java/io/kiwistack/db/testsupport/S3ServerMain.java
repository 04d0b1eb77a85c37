package io.kiwistack.db.testsupport;

/**
 * {@link S3ProxyExtension}'s server in a JVM of its own, for tests whose class path must not hold
 * S3Proxy (the samples' tests fork their service with their own class path, which S3Proxy's
 * Jackson XML and Servlet API would change). It serves one fresh bucket until it is killed, and
 * prints one line once it serves:
 *
 * <pre>
 * S3 server at http://127.0.0.1:&lt;port&gt; bucket &lt;bucket&gt;
 * </pre>
 *
 * Its conditional PUTs are atomic, as S3's are: S3Proxy 4.1.1 checks {@code If-Match} before the
 * PUT, outside any lock, and racing PUTs carrying the version they read all succeed; here each PUT,
 * multipart completion and delete of a key holds that key's lock, and a PUT checks
 * {@code If-Match} and {@code If-None-Match} again under it (as kiwi-db-core's tests'
 * {@link AtomicConditionalBlobStore} does), so that nodes racing for a claim meet S3's answers.
 * <p>
 * Its class path is this module's classes and the file {@code s3-server.classpath} beside this
 * class, which the build writes (maven-dependency-plugin's {@code build-classpath}).
 */
public final class S3ServerMain {

	/** The start of the line it prints once it serves. */
	public static final String SERVING = "S3 server at ";

	private S3ServerMain() {
	}

	public static void main(String[] args) throws Exception {
		S3ProxyExtension server = new S3ProxyExtension(AtomicConditionalBlobStore::new);
		server.open();
		String bucket = server.newBucket();
		System.out.println(SERVING + server.endpoint() + " bucket " + bucket);
		System.out.flush();
		Thread.currentThread().join();
	}

}
