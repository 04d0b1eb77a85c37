package io.kiwistack.db.testsupport;

import java.io.InputStream;
import java.util.concurrent.ConcurrentHashMap;

import org.gaul.s3proxy.S3ErrorCode;
import org.gaul.s3proxy.S3ProxyException;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

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
 * {@code AtomicConditionalBlobStore} does), so that nodes racing for a claim meet S3's answers.
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
		S3ProxyExtension server = new S3ProxyExtension(AtomicConditionalStore::new);
		server.open();
		String bucket = server.newBucket();
		System.out.println(SERVING + server.endpoint() + " bucket " + bucket);
		System.out.flush();
		Thread.currentThread().join();
	}

	/** A store whose conditional PUTs are atomic, as S3's are. */
	private static final class AtomicConditionalStore extends ForwardingBlobStore {

		private final ConcurrentHashMap<String, Object> keyLocks = new ConcurrentHashMap<>();

		AtomicConditionalStore(BlobStore delegate) {
			super(delegate);
		}

		@Override
		public PutObjectResponse putBlob(PutObjectRequest request, InputStream content) {
			synchronized (lock(request.bucket(), request.key())) {
				HeadObjectResponse current = blobMetadataIfPresent(request.bucket(), request.key());
				if (request.ifNoneMatch() != null && current != null) {
					throw new S3ProxyException(S3ErrorCode.PRECONDITION_FAILED);
				}
				if (request.ifMatch() != null) {
					if (current == null) {
						throw new S3ProxyException(S3ErrorCode.NO_SUCH_KEY);
					}
					if (!request.ifMatch().equals("*")
							&& !unquoted(request.ifMatch()).equals(unquoted(current.eTag()))) {
						throw new S3ProxyException(S3ErrorCode.PRECONDITION_FAILED);
					}
				}
				return super.putBlob(request, content);
			}
		}

		@Override
		public CompleteMultipartUploadResponse completeMultipartUpload(MultipartUpload upload,
				CompleteMultipartUploadRequest request) {
			synchronized (lock(request.bucket(), request.key())) {
				return super.completeMultipartUpload(upload, request);
			}
		}

		@Override
		public DeleteObjectResponse removeBlob(DeleteObjectRequest request) {
			synchronized (lock(request.bucket(), request.key())) {
				return super.removeBlob(request);
			}
		}

		private Object lock(String bucket, String key) {
			return this.keyLocks.computeIfAbsent(bucket + "/" + key, (name) -> new Object());
		}

		private static String unquoted(String eTag) {
			return (eTag.length() >= 2 && eTag.startsWith("\"") && eTag.endsWith("\""))
					? eTag.substring(1, eTag.length() - 1) : eTag;
		}

	}

}
