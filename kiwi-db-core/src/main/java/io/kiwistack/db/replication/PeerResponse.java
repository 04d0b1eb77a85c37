package io.kiwistack.db.replication;

import java.util.Map;

/**
 * What a peer endpoint answers, for the web layer to write as it is.
 *
 * @param status the HTTP status
 * @param headers the headers to set
 * @param body the body, {@code text/plain} for errors and {@code application/octet-stream} for frames
 */
public record PeerResponse(int status, Map<String, String> headers, byte[] body) {
}
