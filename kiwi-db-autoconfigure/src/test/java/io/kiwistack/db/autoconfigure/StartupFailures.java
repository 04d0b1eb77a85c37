package io.kiwistack.db.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.ArgumentResolver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starts a context that must fail and returns the failure analysis Boot would print for it, from
 * every {@link FailureAnalyzer} on the class path (Boot's and kiwi-db's) in Boot's order, after
 * checking that nothing under a directory was created or changed.
 */
public final class StartupFailures {

	private StartupFailures() {
	}

	/**
	 * Run the context with {@code properties}, assert that it failed (with a cause of
	 * {@code expectedCause} in the chain, when given), that it has a failure analysis, and that
	 * nothing under {@code untouched} was created or changed; return the analysis.
	 */
	public static FailureAnalysis analysisOf(ApplicationContextRunner runner, Path untouched,
			Class<? extends Throwable> expectedCause, String... properties) {
		Map<String, String> before = snapshot(untouched);
		AtomicReference<ConfigurableApplicationContext> captured = new AtomicReference<>();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		AtomicReference<FailureAnalysis> analysis = new AtomicReference<>();
		runner.withInitializer(captured::set).withPropertyValues(properties).run((context) -> {
			assertThat(context).hasFailed();
			failure.set(context.getStartupFailure());
			analysis.set(analyze(context.getStartupFailure(), captured.get()));
		});
		assertThat(snapshot(untouched)).as("files under %s", untouched).isEqualTo(before);
		if (expectedCause != null) {
			assertThat(causeChain(failure.get())).anyMatch(expectedCause::isInstance);
		}
		assertThat(analysis.get()).as("failure analysis of %s", failure.get()).isNotNull();
		return analysis.get();
	}

	private static List<Throwable> causeChain(Throwable failure) {
		List<Throwable> chain = new ArrayList<>();
		for (Throwable candidate = failure; candidate != null && !chain.contains(candidate); candidate = candidate
			.getCause()) {
			chain.add(candidate);
		}
		return chain;
	}

	private static FailureAnalysis analyze(Throwable failure, ConfigurableApplicationContext context) {
		ArgumentResolver arguments = ArgumentResolver.of(BeanFactory.class, context.getBeanFactory())
			.and(Environment.class, context.getEnvironment());
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader
			.forDefaultResourceLocation(StartupFailures.class.getClassLoader())
			.load(FailureAnalyzer.class, arguments, (factoryType, implementationName, ex) -> {
				// an analyzer that can't be built in this setting is skipped, as Boot does
			});
		return analyzers.stream().map((analyzer) -> analyzer.analyze(failure)).filter(Objects::nonNull).findFirst()
			.orElse(null);
	}

	/**
	 * Every path under {@code root} (not {@code root} itself) with its type, size, modification time
	 * and, for files, a SHA-256 of the content.
	 */
	private static Map<String, String> snapshot(Path root) {
		Map<String, String> entries = new TreeMap<>();
		try (Stream<Path> paths = Files.walk(root)) {
			for (Path path : paths.filter((candidate) -> !candidate.equals(root)).toList()) {
				BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
				String entry = (attributes.isDirectory() ? "dir" : "file size=" + attributes.size() + " sha256="
						+ sha256(path)) + " modified=" + attributes.lastModifiedTime().toMillis() + " perms="
						+ PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
				entries.put(root.relativize(path).toString(), entry);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return entries;
	}

	/** The SHA-256 of {@code file}'s content, in hex. */
	public static String sha256(Path file) throws IOException {
		try (InputStream in = Files.newInputStream(file)) {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			byte[] buffer = new byte[8192];
			for (int read = in.read(buffer); read != -1; read = in.read(buffer)) {
				digest.update(buffer, 0, read);
			}
			return HexFormat.of().formatHex(digest.digest());
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
