package io.kiwistack.db.replication;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real Litestream 0.3.13 binary, as the npm package {@code @flydotio/litestream-linux-x64}
 * ships it, fetched with {@code npm pack} into {@code target/} on first use.
 */
final class Litestream {

	static final String PACKAGE = "@flydotio/litestream-linux-x64@1.0.1";

	private static final Path HOME = Path.of("target", "litestream").toAbsolutePath();

	private Litestream() {
	}

	static synchronized Path binary() throws IOException, InterruptedException {
		Path binary = HOME.resolve("package").resolve("litestream");
		if (Files.isExecutable(binary)) {
			return binary;
		}
		Files.createDirectories(HOME);
		run(HOME, List.of("npm", "pack", PACKAGE, "--silent"), 300);
		try (var entries = Files.list(HOME)) {
			Path tarball = entries.filter((p) -> p.getFileName().toString().endsWith(".tgz"))
				.findFirst()
				.orElseThrow(() -> new IllegalStateException("npm pack " + PACKAGE + " produced no tarball in " + HOME));
			run(HOME, List.of("tar", "xzf", tarball.toString()), 60);
		}
		if (!Files.isExecutable(binary)) {
			throw new IllegalStateException("No executable litestream in " + PACKAGE + " at " + binary);
		}
		return binary;
	}

	/** Run litestream with {@code arguments}; returns its output, failing on a non-zero exit. */
	static String run(String... arguments) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		command.add(binary().toString());
		command.addAll(List.of(arguments));
		return run(HOME, command, 120);
	}

	/** Start litestream with {@code arguments} in the background. */
	static Process start(Path log, String... arguments) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		command.add(binary().toString());
		command.addAll(List.of(arguments));
		return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
	}

	private static String run(Path directory, List<String> command, long timeoutSeconds)
			throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
		byte[] output = process.getInputStream().readAllBytes();
		if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IllegalStateException(command + " did not finish in " + timeoutSeconds + " s");
		}
		String text = new String(output, StandardCharsets.UTF_8);
		if (process.exitValue() != 0) {
			throw new IllegalStateException(command + " exited " + process.exitValue() + ": " + text);
		}
		return text;
	}

}
