package io.kiwistack.db.replication;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret the nodes of one replica path share, used only as an HMAC-SHA256 key: a node proves
 * it knows it by signing each request to a peer (method, target and time), and the primary signs
 * what it streams back (the request's signature, its node id and a digest of the body), so that
 * neither the secret nor anything that could be replayed for long crosses the network. Without
 * TLS the streamed transactions themselves are readable on the wire; they are only authenticated.
 * Comparisons take constant time. The secret never shows in {@link #toString()}.
 */
public final class PeerSecret {

	/** The scheme of the {@code Authorization} header a node sends its peers. */
	public static final String SCHEME = "KiwiDb";

	/** How far a request's time may lie from the receiver's clock: only against replays, never for ordering. */
	static final Duration ACCEPTED_SKEW = Duration.ofMinutes(5);

	private static final String ALGORITHM = "HmacSHA256";

	private final SecretKeySpec key;

	/**
	 * A MAC per thread, keyed once: looking one up and keying it costs more than signing a line,
	 * and every streamed part and acknowledgement is signed and checked. {@link Mac#doFinal()}
	 * leaves it keyed for the next.
	 */
	private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::keyedMac);

	/** A digest per thread, for the same reason; {@link MessageDigest#digest(byte[])} resets it. */
	private static final ThreadLocal<MessageDigest> DIGESTS = ThreadLocal.withInitial(PeerSecret::newDigest);

	/**
	 * @throws IllegalArgumentException when {@code secret} is blank or shorter than 16 characters
	 */
	public PeerSecret(String secret) {
		if (secret == null || secret.isBlank() || secret.length() < 16) {
			throw new IllegalArgumentException("A peer secret needs at least 16 characters (32 or more random ones are "
					+ "better, for example the output of: openssl rand -base64 32)");
		}
		this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
	}

	/** The {@code Authorization} header value for a request of {@code method} to {@code target} (path and query). */
	public String authorization(String method, String target, long epochMillis) {
		return SCHEME + " " + epochMillis + ":" + sign("request", method, target, Long.toString(epochMillis));
	}

	/**
	 * Whether {@code authorization} was made by {@link #authorization} with this secret, for this
	 * request, within {@link #ACCEPTED_SKEW} of {@code nowMillis}.
	 */
	public boolean accepts(String authorization, String method, String target, long nowMillis) {
		if (authorization == null || !authorization.startsWith(SCHEME + " ")) {
			return false;
		}
		String credentials = authorization.substring(SCHEME.length() + 1);
		int colon = credentials.indexOf(':');
		if (colon <= 0) {
			return false;
		}
		long sentAt;
		try {
			sentAt = Long.parseLong(credentials.substring(0, colon));
		}
		catch (NumberFormatException ex) {
			return false;
		}
		boolean fresh = Math.abs(nowMillis - sentAt) <= ACCEPTED_SKEW.toMillis();
		String expected = sign("request", method, target, Long.toString(sentAt));
		boolean matches = MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
				credentials.substring(colon + 1).getBytes(StandardCharsets.US_ASCII));
		return matches && fresh;
	}

	/** The signature of a response to the request that carried {@code authorization}. */
	public String signResponse(String authorization, String node, String position, byte[] body) {
		return sign("response", authorization, node, position, Base64.getEncoder().encodeToString(sha256(body)));
	}

	/** Whether {@code signature} is {@link #signResponse}'s for these. */
	public boolean signedResponse(String signature, String authorization, String node, String position, byte[] body) {
		if (signature == null) {
			return false;
		}
		String expected = signResponse(authorization, node, position, body);
		return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
				signature.getBytes(StandardCharsets.US_ASCII));
	}

	/**
	 * The signature of one line of an acknowledgement channel: the follower holds the log up to
	 * {@code line}, the {@code sequence}th line sent on the request signed {@code authorization}.
	 */
	public String signAcknowledgement(String authorization, long sequence, String line) {
		return sign("acknowledgement", authorization, Long.toString(sequence), line);
	}

	/** Whether {@code signature} is {@link #signAcknowledgement}'s for these. */
	public boolean signedAcknowledgement(String signature, String authorization, long sequence, String line) {
		return MessageDigest.isEqual(signAcknowledgement(authorization, sequence, line).getBytes(StandardCharsets.US_ASCII),
				signature.getBytes(StandardCharsets.US_ASCII));
	}

	private String sign(String... parts) {
		Mac mac = this.macs.get();
		for (String part : parts) {
			mac.update(String.valueOf(part).getBytes(StandardCharsets.UTF_8));
			mac.update((byte) '\n');
		}
		return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal());
	}

	private Mac keyedMac() {
		try {
			Mac mac = Mac.getInstance(ALGORITHM);
			mac.init(this.key);
			return mac;
		}
		catch (NoSuchAlgorithmException | InvalidKeyException ex) {
			throw new IllegalStateException("This JVM can't compute " + ALGORITHM, ex);
		}
	}

	private static byte[] sha256(byte[] body) {
		return DIGESTS.get().digest(body);
	}

	private static MessageDigest newDigest() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("This JVM can't compute SHA-256", ex);
		}
	}

	@Override
	public String toString() {
		return "PeerSecret[******]";
	}

}
