package io.kiwistack.work;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Debian's {@code sqlite3} command-line shell, an independent reader of the database file. It is a
 * prerequisite of the build (see the README); tests fail, not skip, without it.
 */
final class Sqlite3Cli {

	private Sqlite3Cli() {
	}

	/**
	 * Runs SQL against a database file and returns what the shell printed, trimmed.
	 * @param database the database file
	 * @param sql one or more statements
	 * @return the output, rows one per line, columns separated by {@code |}
	 */
	static String run(Path database, String sql) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(executable().toString(), "-batch", "-bail", database.toString(), sql)
			.redirectErrorStream(true)
			.start();
		byte[] output = process.getInputStream().readAllBytes();
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("sqlite3 finished").isTrue();
		String text = new String(output, StandardCharsets.UTF_8);
		assertThat(process.exitValue()).as("sqlite3 exit status, output: %s", text).isZero();
		return text.trim();
	}

	private static Path executable() {
		String path = System.getenv().getOrDefault("PATH", "");
		return Stream.concat(Stream.of(path.split(File.pathSeparator)), Stream.of("/usr/bin"))
			.filter((dir) -> !dir.isEmpty())
			.map((dir) -> Path.of(dir, "sqlite3"))
			.filter(Files::isExecutable)
			.findFirst()
			.orElseGet(() -> fail("The sqlite3 command-line shell is required by these tests but was found "
					+ "neither on PATH nor at /usr/bin/sqlite3. Install it (Debian/Ubuntu: apt-get install sqlite3)."));
	}

}
