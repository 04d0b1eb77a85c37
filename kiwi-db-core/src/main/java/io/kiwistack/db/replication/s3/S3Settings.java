package io.kiwistack.db.replication.s3;

/**
 * How to reach S3-compatible storage, with Litestream's names. Every field may be {@code null}:
 * the AWS SDK's default region and credentials chain then decide. {@link #toString()} never shows
 * the secret key.
 *
 * @param endpoint the endpoint URL, for MinIO, Ceph, R2 and the like; {@code null} for AWS
 * @param region the region
 * @param accessKeyId the access key id
 * @param secretAccessKey the secret access key
 * @param forcePathStyle whether to address buckets as a path ({@code host/bucket}) instead of a
 * host name ({@code bucket.host}); most non-AWS endpoints need it
 */
public record S3Settings(String endpoint, String region, String accessKeyId, String secretAccessKey,
		boolean forcePathStyle) {

	/** Defaults: the SDK's region and credentials, virtual-host addressing. */
	public static S3Settings defaults() {
		return new S3Settings(null, null, null, null, false);
	}

	@Override
	public String toString() {
		return "S3Settings[endpoint=" + this.endpoint + ", region=" + this.region + ", accessKeyId="
				+ ((this.accessKeyId != null) ? "(set)" : null) + ", secretAccessKey="
				+ ((this.secretAccessKey != null) ? "(hidden)" : null) + ", forcePathStyle=" + this.forcePathStyle + "]";
	}

}
