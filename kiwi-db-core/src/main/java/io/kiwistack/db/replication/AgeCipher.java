package io.kiwistack.db.replication;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

import com.exceptionfactory.jagged.RecipientStanzaReader;
import com.exceptionfactory.jagged.RecipientStanzaWriter;
import com.exceptionfactory.jagged.framework.stream.StandardDecryptingChannelFactory;
import com.exceptionfactory.jagged.framework.stream.StandardEncryptingChannelFactory;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaReaderFactory;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaWriterFactory;

/**
 * The age file format through the jagged library, the only class that uses it, so that nothing
 * else loads it when age is not configured.
 */
final class AgeCipher {

	private AgeCipher() {
	}

	static boolean isRecipient(String recipient) {
		try {
			X25519RecipientStanzaWriterFactory.newRecipientStanzaWriter(recipient);
			return true;
		}
		catch (GeneralSecurityException | RuntimeException ex) {
			return false;
		}
	}

	static boolean isIdentity(String identity) {
		try {
			X25519RecipientStanzaReaderFactory.newRecipientStanzaReader(identity);
			return true;
		}
		catch (GeneralSecurityException | RuntimeException ex) {
			return false;
		}
	}

	/**
	 * An age file written to {@code out} as the result is written: closing the result writes its
	 * last chunk and leaves {@code out} open.
	 */
	static OutputStream encrypt(OutputStream out, List<String> recipients) throws IOException {
		try {
			List<RecipientStanzaWriter> writers = new ArrayList<>();
			for (String recipient : recipients) {
				writers.add(X25519RecipientStanzaWriterFactory.newRecipientStanzaWriter(recipient));
			}
			return Channels.newOutputStream(new StandardEncryptingChannelFactory()
				.newEncryptingChannel(Channels.newChannel(new KeepOpenOutputStream(out)), writers));
		}
		catch (GeneralSecurityException ex) {
			throw new IOException("age encryption failed: " + ex.getMessage(), ex);
		}
	}

	/**
	 * The content of the age file {@code in}; its header is read and its file key unwrapped here.
	 * @throws GeneralSecurityException when no identity unwraps the file key, or the header is damaged
	 */
	static InputStream decrypt(InputStream in, List<String> identities) throws IOException, GeneralSecurityException {
		List<RecipientStanzaReader> readers = new ArrayList<>();
		for (String identity : identities) {
			readers.add(X25519RecipientStanzaReaderFactory.newRecipientStanzaReader(identity));
		}
		return Channels.newInputStream(new StandardDecryptingChannelFactory().newDecryptingChannel(Channels.newChannel(in), readers));
	}

}
