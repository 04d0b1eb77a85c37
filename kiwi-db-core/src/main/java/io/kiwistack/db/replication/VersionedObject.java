package io.kiwistack.db.replication;

/**
 * An object's content with the version a conditional write compares against: S3's ETag, or a
 * hash of the content for a directory replica.
 *
 * @param content the object's bytes
 * @param version the version to pass to a conditional replace
 */
public record VersionedObject(byte[] content, String version) {
}
