package io.kiwistack.db.replication;

import java.time.Instant;

/**
 * The primary's claim as a follower reads it from the replica: which node holds it, and where the
 * other nodes reach that node.
 *
 * @param node the holder's node id
 * @param holder the holder's process, for messages
 * @param advertiseUrl the holder's base URL, {@code null} when it published none
 * @param version the claim object's version: it changes with every renewal
 * @param expiresAt when the holder wrote that it expires, by the holder's clock: for messages only
 */
record PrimaryClaimView(String node, String holder, String advertiseUrl, String version, Instant expiresAt) {
}
