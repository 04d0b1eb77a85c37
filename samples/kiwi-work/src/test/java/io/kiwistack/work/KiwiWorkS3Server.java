package io.kiwistack.work;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kiwistack.db.testsupport.ChildJvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A real S3 API server for Kiwi Work's tests: S3Proxy with atomic conditional writes
 * ({@code io.kiwistack.db.testsupport.S3ServerMain}) in a JVM of its own, on the class path the
 * test-support module's build wrote ({@code s3-server.classpath}), since S3Proxy must stay off this
 * module's test class path, which every forked Kiwi Work gets. It serves one bucket, with
 * S3Proxy's test keys, until closed; its output goes to a log file.
 */
final class KiwiWorkS3Server implements AutoCloseable {

	/** The keys and region the server accepts: those of {@code S3ProxyExtension}. */
	static final String ACCESS_KEY = "kiwi-access-key";

	static final String SECRET_KEY = "kiwi-SECRET-do-not-leak-123";

	static final String REGION = "us-east-1";

	/** The environment variable Spring Boot binds to {@code kiwi.db.replication.s3.secret-access-key}. */
	static final String SECRET_KEY_VARIABLE = "KIWI_DB_REPLICATION_S3_SECRETACCESSKEY";

	private static final String MAIN_CLASS = "io.kiwistack.db.testsupport.S3ServerMain";

	private static final Pattern SERVING = Pattern.compile("S3 server at http://127\\.0\\.0\\.1:(\\d+) bucket (\\S+)");

	private final Process process;

	private final Path log;

	private final int port;

	private final String bucket;

	private KiwiWorkS3Server(Process process, Path log, int port, String bucket) {
		this.process = process;
		this.log = log;
		this.port = port;
		this.bucket = bucket;
	}

	/** Forks the server and waits until it serves, at most 60 s. */
	static KiwiWorkS3Server start(Path log) throws IOException, InterruptedException {
		String classPath = testSupportClasses() + java.io.File.pathSeparator + s3ServerClassPath();
		Files.createDirectories(log.toAbsolutePath().getParent());
		String java = ProcessHandle.current()
			.info()
			.command()
			.orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
		Process process = new ProcessBuilder(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", classPath,
				MAIN_CLASS))
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (System.nanoTime() < deadline) {
			Matcher serving = SERVING.matcher(Files.readString(log, StandardCharsets.UTF_8));
			if (serving.find()) {
				return new KiwiWorkS3Server(process, log, Integer.parseInt(serving.group(1)), serving.group(2));
			}
			if (!process.isAlive()) {
				fail("The S3 server exited with %d before it served; log %s:%n%s", process.exitValue(), log,
						Files.readString(log, StandardCharsets.UTF_8));
			}
			Thread.sleep(100);
		}
		process.destroyForcibly();
		return fail("The S3 server did not serve within 60 s; log %s:%n%s", log,
				Files.readString(log, StandardCharsets.UTF_8));
	}

	/** Where the test-support module's classes are: a directory in a reactor build, else its jar. */
	private static String testSupportClasses() {
		try {
			return Path.of(ChildJvm.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String s3ServerClassPath() throws IOException {
		try (InputStream in = ChildJvm.class.getResourceAsStream("s3-server.classpath")) {
			assertThat(in).as("s3-server.classpath beside %s, written by kiwi-db-test-support's build", ChildJvm.class)
				.isNotNull();
			return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
		}
	}

	/** The port it serves at, on 127.0.0.1. */
	int port() {
		return this.port;
	}

	/** The bucket it serves. */
	String bucket() {
		return this.bucket;
	}

	/** Its log, for a failure message. */
	Optional<String> logText() {
		try {
			return Optional.of(Files.readString(this.log, StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			return Optional.empty();
		}
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroyForcibly();
		this.process.waitFor(10, TimeUnit.SECONDS);
	}

}
