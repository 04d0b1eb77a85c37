package io.kiwistack.db.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import io.kiwistack.db.replication.PrimaryReplication;
import io.kiwistack.db.replication.ReplicaRestore;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * How costs grow with the database, by timed runs in the report's JVM at each size (10 MB, 100 MB
 * and 1 GB; 10 GB with {@code --large}; a few MB in smoke mode). A database of incompressible
 * 1 KiB rows is filled through a service context with Flyway, then:
 * <ul>
 * <li><b>startup</b>: a service context on the existing file, Flyway finding nothing to do (the
 * median of three starts, from {@code run()} until it is ready);</li>
 * <li><b>full snapshot</b>: the same start with replication on and an empty directory replica, until
 * its first sync has shipped the snapshot, less the startup;</li>
 * <li><b>restore</b> of the latest state from that replica, by kiwi-db ({@link ReplicaRestore}) and by
 * {@code litestream restore}, five of each in alternating order after a {@code sync} and a settle
 * ({@link RestoreComparison}), each the median as throughput of the database's bytes; every copy
 * must equal the primary's file;</li>
 * <li><b>a read replica's first start</b>: a service context in replica mode on a missing file,
 * until it is ready (it restores, then follows);</li>
 * <li><b>a clean restart's upload</b>: the primary stopped cleanly and started again, its engine
 * resuming the generation; the bytes the replica grew by until its first sync.</li>
 * </ul>
 */
final class SizeRuns {

	private static final int ROW_BYTES = 1024;

	private static final int ROWS_PER_TX = 1024;

	private static final int STARTS = 3;

	private static final long WARMUP_BYTES = 1_000_000L;

	/**
	 * Restores by each of kiwi-db and litestream at each size, in alternating order; the median
	 * counts (one in a smoke run, which proves only that the figures come out). Five, not three: on
	 * the 2-core virtual machines measured, a restore now and then took three times as long, most of
	 * it kernel time, whichever tool ran it (5.0 s against 1.4 s for {@code litestream restore} of
	 * 1.37 GB, 4.4 s of it system time), and with three runs one such run could decide the ratio.
	 */
	private static final int RESTORE_ROUNDS = 5;

	private SizeRuns() {
	}

	/** The sizes measured, in bytes: those of {@code --sizes} when given. */
	static List<Long> sizes(ReportOptions options) {
		long mb = 1_000_000L;
		if (options.sizesMegabytes() != null) {
			return options.sizesMegabytes().stream().map((megabytes) -> megabytes * mb).toList();
		}
		if (options.smoke()) {
			return List.of(1 * mb, 2 * mb);
		}
		List<Long> sizes = new ArrayList<>(List.of(10 * mb, 100 * mb, 1000 * mb));
		if (options.large()) {
			sizes.add(10_000 * mb);
		}
		return sizes;
	}

	static Result run(ReportOptions options, Path litestream, PrintStream progress)
			throws IOException, InterruptedException {
		// One small round first, its figures dropped: the first context start and the first restore
		// in this JVM load and compile what every later one finds ready.
		progress.println("sizes: a warmup round at " + megabytes(WARMUP_BYTES) + " ...");
		progress.flush();
		try (TempDatabaseDirectory warmup = TempDatabaseDirectory.create("size-warmup")) {
			measure(WARMUP_BYTES, warmup.path(), litestream, 1);
		}
		List<Size> sizes = new ArrayList<>();
		for (long bytes : sizes(options)) {
			TempDatabaseDirectory directory = TempDatabaseDirectory.create("size");
			try {
				// The database, its replica and two restored copies, with room to spare.
				long free = Files.getFileStore(directory.path()).getUsableSpace();
				if (free < bytes * 5) {
					progress.println("sizes: " + megabytes(bytes) + " skipped: " + megabytes(free)
							+ " free in the temporary directory, " + megabytes(bytes * 5) + " needed");
					sizes.add(Size.skipped(bytes));
					continue;
				}
				progress.println("sizes: " + megabytes(bytes) + " ...");
				progress.flush();
				sizes.add(measure(bytes, directory.path(), litestream, options.smoke() ? 1 : RESTORE_ROUNDS));
			}
			finally {
				directory.close();
			}
		}
		return new Result(sizes);
	}

	private static Size measure(long bytes, Path directory, Path litestream, int rounds) throws IOException, InterruptedException {
		Path database = directory.resolve("service.db");
		Path replica = directory.resolve("replica");
		try (ConfigurableApplicationContext context = start(database, null, false)) {
			fill(context.getBean(ItemStore.class), bytes);
		}
		long fileBytes = Files.size(database);

		double[] starts = new double[STARTS];
		for (int i = 0; i < STARTS; i++) {
			long before = System.nanoTime();
			start(database, null, false).close();
			starts[i] = millisSince(before);
		}
		Arrays.sort(starts);
		double startup = starts[STARTS / 2];

		long before = System.nanoTime();
		try (ConfigurableApplicationContext context = start(database, replica, false)) {
			context.getBean(PrimaryReplication.class).syncNow();
		}
		// The stop is not part of it: measured up to the shipped snapshot.
		double snapshotAndStart = millisSince(before);
		String primaryDigest = sha256(database);

		RestoreComparison.Result restores = RestoreComparison.run(replica, litestream, directory, primaryDigest, rounds);

		Path follower = directory.resolve("follower.db");
		before = System.nanoTime();
		start(follower, replica, true).close();
		double replicaStart = millisSince(before);

		// What the restart writes while it runs (its claim, anything it ships) and at its stop.
		Map<Path, FileTime> beforeStart = modificationTimes(replica);
		long restartUpload;
		Map<Path, FileTime> beforeStop;
		try (ConfigurableApplicationContext context = start(database, replica, false)) {
			context.getBean(PrimaryReplication.class).syncNow();
			restartUpload = bytesWrittenSince(replica, beforeStart);
			beforeStop = modificationTimes(replica);
		}
		restartUpload += bytesWrittenSince(replica, beforeStop);

		return new Size(bytes, fileBytes, startup, Math.max(0, snapshotAndStart - startup), restores, replicaStart,
				restartUpload);
	}

	/** A service context on {@code database}: Flyway on, replication to {@code replica} when given. */
	private static ConfigurableApplicationContext start(Path database, Path replica, boolean readReplica) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.application.name", "kiwi-db-size-runs");
		properties.put("logging.level.root", "WARN");
		properties.put("spring.autoconfigure.exclude",
				"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration");
		properties.put("spring.flyway.locations", "classpath:db/size");
		properties.put("kiwi.db.path", database.toString());
		if (replica != null) {
			properties.put("kiwi.db.replication.enabled", "true");
			properties.put("kiwi.db.replication.url", "file:" + replica);
			if (readReplica) {
				properties.put("kiwi.db.replication.mode", "replica");
			}
		}
		return new SpringApplicationBuilder(BenchApplication.class).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.registerShutdownHook(false)
			.properties(properties)
			.run();
	}

	private static void fill(ItemStore store, long bytes) {
		SplittableRandom random = new SplittableRandom(17);
		byte[][] rows = new byte[ROWS_PER_TX][ROW_BYTES];
		for (long written = 0; written < bytes; written += (long) ROWS_PER_TX * ROW_BYTES) {
			for (byte[] row : rows) {
				random.nextBytes(row);
			}
			store.insertPayloads(rows);
		}
	}

	static void requireSame(String expected, Path copy, String what) throws IOException {
		String actual = sha256(copy);
		if (!expected.equals(actual)) {
			throw new IllegalStateException(what + " gave " + copy + " with SHA-256 " + actual
					+ ", not the primary's " + expected);
		}
	}

	private static String sha256(Path file) throws IOException {
		try (InputStream in = Files.newInputStream(file)) {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			byte[] buffer = new byte[1 << 20];
			for (int n; (n = in.read(buffer)) > 0;) {
				digest.update(buffer, 0, n);
			}
			return HexFormat.of().formatHex(digest.digest());
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Map<Path, FileTime> modificationTimes(Path root) throws IOException {
		Map<Path, FileTime> times = new LinkedHashMap<>();
		try (Stream<Path> files = Files.walk(root)) {
			for (Path file : files.filter(Files::isRegularFile).toList()) {
				times.put(file, Files.getLastModifiedTime(file));
			}
		}
		return times;
	}

	/**
	 * The bytes of every object written since {@code before} was taken: new ones and replaced ones
	 * (a directory replica writes a temporary file and renames it, so a replaced object has a new
	 * modification time).
	 */
	private static long bytesWrittenSince(Path root, Map<Path, FileTime> before) throws IOException {
		long written = 0;
		for (Map.Entry<Path, FileTime> now : modificationTimes(root).entrySet()) {
			if (!now.getValue().equals(before.get(now.getKey()))) {
				written += Files.size(now.getKey());
			}
		}
		return written;
	}

	private static double millisSince(long startNanos) {
		return (System.nanoTime() - startNanos) / 1e6;
	}

	static String megabytes(long bytes) {
		return (bytes >= 1_000_000_000L && bytes % 1_000_000_000L == 0) ? (bytes / 1_000_000_000L) + " GB"
				: String.format(Locale.ROOT, "%,d MB", bytes / 1_000_000L);
	}

	/**
	 * One size's figures, times in milliseconds; {@code fileBytes} is 0 when it was skipped for want
	 * of disk.
	 */
	record Size(long bytes, long fileBytes, double startupMillis, double snapshotMillis,
			RestoreComparison.Result restores, double replicaFirstStartMillis, long restartUploadBytes) {

		static Size skipped(long bytes) {
			return new Size(bytes, 0, Double.NaN, Double.NaN,
					new RestoreComparison.Result(Double.NaN, Double.NaN, List.of(), List.of()), Double.NaN, -1);
		}

		/** kiwi-db's restore: the median of its runs, NaN when none ran. */
		double kiwiRestoreMillis() {
			return this.restores.kiwiMedian();
		}

		/** {@code litestream restore}'s: the median of its runs, NaN when none ran. */
		double litestreamRestoreMillis() {
			return this.restores.litestreamMedian();
		}

		boolean measured() {
			return this.fileBytes > 0;
		}

		/** Restore throughput in MB/s of the database file. */
		double throughput(double millis) {
			return this.fileBytes / 1e6 / (millis / 1e3);
		}

		String describe() {
			if (!measured()) {
				return "skipped (not enough free disk)";
			}
			return String.format(Locale.ROOT,
					"startup %.0f ms; full snapshot %.0f ms; restore kiwi-db %.0f ms (%.0f MB/s), litestream %.0f ms "
							+ "(%.0f MB/s) (medians, alternating order: kiwi-db %s, litestream %s; untimed first runs "
							+ "%.0f / %.0f ms); read replica's first "
							+ "start %.0f ms; clean restart writes %,d bytes to the replica",
					this.startupMillis, this.snapshotMillis, kiwiRestoreMillis(), throughput(kiwiRestoreMillis()),
					litestreamRestoreMillis(), throughput(litestreamRestoreMillis()),
					RestoreComparison.Result.runs(this.restores.kiwiMillis()),
					RestoreComparison.Result.runs(this.restores.litestreamMillis()),
					this.restores.kiwiFirstMillis(), this.restores.litestreamFirstMillis(),
					this.replicaFirstStartMillis, this.restartUploadBytes);
		}

	}

	/** Every size, smallest first. */
	record Result(List<Size> sizes) {

		/** Startup growth from the smallest size to 1 GB (or the largest measured below 10 GB). */
		double startupGrowth() {
			List<Size> measured = this.sizes.stream().filter(Size::measured).filter((s) -> s.bytes() <= 1_000_000_000L).toList();
			if (measured.size() < 2) {
				return Double.NaN;
			}
			return measured.get(measured.size() - 1).startupMillis() / measured.get(0).startupMillis();
		}

		List<TimedTarget> checks(List<Long> wanted) {
			List<TimedTarget> checks = new ArrayList<>();
			double growth = startupGrowth();
			checks.add(new TimedTarget(startupLabel(wanted),
					Double.isNaN(growth) ? "n/a" : String.format(Locale.ROOT, "%.2fx", growth), "<= 1.20x",
					!Double.isNaN(growth) && growth <= 1.2));
			for (Size size : this.sizes) {
				double ratio = size.measured() ? size.litestreamRestoreMillis() / size.kiwiRestoreMillis() : Double.NaN;
				checks.add(new TimedTarget(restoreLabel(size.bytes()),
						Double.isNaN(ratio) ? "n/a" : String.format(Locale.ROOT, "%.2fx", ratio), ">= 1.00x",
						!Double.isNaN(ratio) && ratio >= 1.0));
			}
			long largest = this.sizes.stream().filter(Size::measured).mapToLong(Size::restartUploadBytes).max().orElse(-1);
			boolean all = this.sizes.stream().allMatch(Size::measured);
			checks.add(new TimedTarget(RESTART_LABEL, (largest >= 0) ? String.format(Locale.ROOT, "%,d B", largest) : "n/a",
					"< 1,000,000 B", all && largest >= 0 && largest < 1_000_000));
			return checks;
		}

	}

	static final String RESTART_LABEL = "clean restart upload, largest at any size";

	static String startupLabel(List<Long> sizes) {
		long last = sizes.stream().filter((s) -> s <= 1_000_000_000L).mapToLong(Long::longValue).max().orElse(0);
		return "startup growth " + megabytes(sizes.get(0)) + " -> " + megabytes(last);
	}

	static String restoreLabel(long bytes) {
		return "restore at " + megabytes(bytes) + ": kiwi-db / litestream throughput";
	}

	/** The targets' labels for these sizes, in the order {@link Result#checks} gives them. */
	static List<String> targetLabels(List<Long> sizes) {
		List<String> labels = new ArrayList<>();
		labels.add(startupLabel(sizes));
		for (long size : sizes) {
			labels.add(restoreLabel(size));
		}
		labels.add(RESTART_LABEL);
		return labels;
	}

}
