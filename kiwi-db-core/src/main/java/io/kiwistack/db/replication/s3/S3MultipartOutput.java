package io.kiwistack.db.replication.s3;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;



/**
 * A stream into one S3 object that holds at most one part in memory: content up to a part's size
 * is one plain PUT; more becomes a multipart upload, completed by {@link #complete()} and aborted
 * by a {@link #close()} without it, so a failed or interrupted write never leaves an object.
 */
final class S3MultipartOutput extends OutputStream {

	/** S3's smallest part is 5 MiB (but for the last); 8 MiB keeps the part count low for large snapshots. */
	static final int PART_SIZE = 8 * 1024 * 1024;

	private final S3Client s3;

	private final String bucket;

	private final String key;

	private final byte[] part = new byte[PART_SIZE];

	private final List<CompletedPart> completed = new ArrayList<>();

	private int filled;

	private String uploadId;

	private boolean done;

	S3MultipartOutput(S3Client s3, String bucket, String key) {
		this.s3 = s3;
		this.bucket = bucket;
		this.key = key;
	}

	@Override
	public void write(int b) throws IOException {
		write(new byte[] { (byte) b }, 0, 1);
	}

	@Override
	public void write(byte[] bytes, int offset, int length) throws IOException {
		int at = offset;
		int left = length;
		while (left > 0) {
			if (this.filled == PART_SIZE) {
				uploadPart();
			}
			int chunk = Math.min(left, PART_SIZE - this.filled);
			System.arraycopy(bytes, at, this.part, this.filled, chunk);
			this.filled += chunk;
			at += chunk;
			left -= chunk;
		}
	}

	/** Make the object visible, whole. */
	void complete() throws IOException {
		try {
			if (this.uploadId == null) {
				this.s3.putObject((put) -> put.bucket(this.bucket).key(this.key),
						RequestBody.fromBytes(java.util.Arrays.copyOf(this.part, this.filled)));
			}
			else {
				if (this.filled > 0) {
					uploadPart();
				}
				this.s3.completeMultipartUpload((request) -> request.bucket(this.bucket)
					.key(this.key)
					.uploadId(this.uploadId)
					.multipartUpload((upload) -> upload.parts(this.completed)));
			}
			this.done = true;
		}
		catch (SdkException ex) {
			throw new IOException("Writing " + this.key + " failed: " + ex.getMessage(), ex);
		}
	}

	/** Abort the upload unless it was completed. */
	@Override
	public void close() throws IOException {
		if (this.done || this.uploadId == null) {
			return;
		}
		this.done = true;
		try {
			this.s3.abortMultipartUpload((abort) -> abort.bucket(this.bucket).key(this.key).uploadId(this.uploadId));
		}
		catch (SdkException ex) {
			throw new IOException("Aborting the upload of " + this.key + " failed: " + ex.getMessage()
					+ "; its parts stay until the bucket's lifecycle rules remove them", ex);
		}
	}

	private void uploadPart() throws IOException {
		try {
			if (this.uploadId == null) {
				this.uploadId = this.s3.createMultipartUpload((create) -> create.bucket(this.bucket).key(this.key))
					.uploadId();
			}
			int number = this.completed.size() + 1;
			String eTag = this.s3
				.uploadPart((upload) -> upload.bucket(this.bucket).key(this.key).uploadId(this.uploadId).partNumber(number),
						RequestBody.fromBytes(java.util.Arrays.copyOf(this.part, this.filled)))
				.eTag();
			this.completed.add(CompletedPart.builder().partNumber(number).eTag(eTag).build());
			this.filled = 0;
		}
		catch (SdkException ex) {
			throw new IOException("Uploading part " + (this.completed.size() + 1) + " of " + this.key + " failed: "
					+ ex.getMessage(), ex);
		}
	}

}
