package io.kiwistack.db.replication;

/**
 * A replica setting other than the URL keeps kiwi-db from reaching the replica: an S3 endpoint that
 * is not a URL, or no region for the bucket. {@link #setting()} names it the way
 * {@link io.kiwistack.db.replication.s3.S3Settings} does (Litestream's names), so that a caller can
 * point at the property it came from.
 */
public class InvalidReplicaSettingException extends IllegalArgumentException {

	private final String setting;

	public InvalidReplicaSettingException(String setting, String message, Throwable cause) {
		super(message, cause);
		this.setting = setting;
	}

	/** The setting, for example {@code region} or {@code endpoint}. */
	public String setting() {
		return this.setting;
	}

}
