package io.kiwistack.db.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where the real {@code litestream} 0.3.13 is: {@code -Dkiwi.bench.litestream=PATH}, or else
 * unpacked from the npm package {@code @flydotio/litestream-linux-x64} (which ships that release)
 * into {@code litestream/} beside the report's output on first use.
 */
final class LitestreamBinary {

	static final String PACKAGE = "@flydotio/litestream-linux-x64@1.0.1";

	static final String VERSION = "0.3.13";

	private LitestreamBinary() {
	}

	static synchronized Path locate(Path outputDirectory) throws IOException, InterruptedException {
		String given = System.getProperty("kiwi.bench.litestream");
		if (given != null) {
			return executable(Path.of(given), "-Dkiwi.bench.litestream");
		}
		Path home = outputDirectory.resolve("litestream").toAbsolutePath();
		Path unpacked = home.resolve("package").resolve("litestream");
		if (Files.isExecutable(unpacked)) {
			return unpacked;
		}
		Files.createDirectories(home);
		await(home, List.of("npm", "pack", PACKAGE, "--silent"), 300);
		Path tarball;
		try (var files = Files.list(home)) {
			tarball = files.filter((file) -> file.getFileName().toString().endsWith(".tgz"))
				.findFirst()
				.orElseThrow(() -> new IllegalStateException("npm pack " + PACKAGE + " left no .tgz in " + home));
		}
		await(home, List.of("tar", "xzf", tarball.getFileName().toString()), 60);
		return executable(unpacked, PACKAGE);
	}

	private static Path executable(Path path, String from) {
		if (!Files.isExecutable(path)) {
			throw new IllegalStateException("No executable litestream at " + path + " (from " + from + ")");
		}
		return path;
	}

	private static void await(Path directory, List<String> command, int seconds)
			throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).directory(directory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(directory.resolve("fetch.log").toFile())
			.start();
		if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IllegalStateException(command + " took longer than " + seconds + " s");
		}
		if (process.exitValue() != 0) {
			throw new IllegalStateException(command + " failed (" + process.exitValue() + "): "
					+ Files.readString(directory.resolve("fetch.log")));
		}
	}

}
