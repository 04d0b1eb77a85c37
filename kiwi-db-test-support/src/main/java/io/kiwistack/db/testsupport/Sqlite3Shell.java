package io.kiwistack.db.testsupport;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Debian's {@code sqlite3} command-line shell, an independent reader of a database file: another
 * process, another SQLite build, none of kiwi-db's code. It is a prerequisite of the build (see the
 * README); a test that needs it fails, not skips, without it.
 */
public final class Sqlite3Shell {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private Sqlite3Shell() {
	}

	/**
	 * Runs SQL against a database file and returns what the shell printed, trimmed; fails the test
	 * unless the shell exits with status 0 within 30 s.
	 * @param database the database file
	 * @param sql one or more statements
	 * @return the output, rows one per line, columns separated by {@code |}
	 */
	public static String run(Path database, String sql) throws IOException, InterruptedException {
		Command shell = Command.run(TIMEOUT, executable().toString(), "-batch", "-bail", database.toString(), sql);
		assertThat(shell.finished()).as("sqlite3 finished").isTrue();
		assertThat(shell.exitStatus()).as("sqlite3 exit status, output: %s", shell.output()).isZero();
		return shell.output().trim();
	}

	/**
	 * Starts the shell on a database file and leaves it running, standard error merged into its
	 * output: with SQL after the file it runs that and exits; without, it reads statements from
	 * its input, so that a test can keep a transaction open in another process.
	 * @param database the database file
	 * @param arguments what follows the file on the command line, such as SQL
	 * @return the running shell
	 */
	public static Process start(Path database, String... arguments) throws IOException {
		List<String> command = new ArrayList<>(List.of(executable().toString(), database.toString()));
		command.addAll(List.of(arguments));
		return new ProcessBuilder(command).redirectErrorStream(true).start();
	}

	/**
	 * The rows the shell printed for a query of two columns, the first an integer, such as
	 * {@code SELECT id, title FROM tasks}: the second column by the first. Blank lines are skipped.
	 * @param rows what {@link #run} returned
	 * @return the second column (everything after the first {@code |}) by the first
	 */
	public static Map<Long, String> byFirstColumn(String rows) {
		return rows.lines()
			.filter((row) -> !row.isEmpty())
			.map((row) -> row.split("\\|", 2))
			.collect(Collectors.toMap((columns) -> Long.parseLong(columns[0]), (columns) -> columns[1]));
	}

	/**
	 * The shell: the first {@code sqlite3} on {@code PATH}, else {@code /usr/bin/sqlite3}; fails
	 * the test, saying how to install it, when neither is there.
	 */
	public static Path executable() {
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
