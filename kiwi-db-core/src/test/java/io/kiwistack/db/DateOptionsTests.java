package io.kiwistack.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import java.util.TimeZone;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver's date options ({@link KiwiDbSettings#dateClass()}, {@link KiwiDbSettings#datePrecision()},
 * {@link KiwiDbSettings#dateStringFormat()}) on real SQLite files: the writer stores dates that
 * way, and the readers read them back the same way.
 */
class DateOptionsTests {

	private static final Instant LEAP_DAY = Instant.parse("2024-02-29T23:59:58.500Z");

	private static final Calendar UTC = Calendar.getInstance(TimeZone.getTimeZone("UTC"));

	@TempDir
	Path dir;

	private final List<KiwiDataSource> opened = new ArrayList<>();

	@AfterEach
	void closeDataSources() throws SQLException {
		for (KiwiDataSource dataSource : this.opened) {
			dataSource.close();
		}
	}

	@Test
	void defaultsAreTheDriversEpochMillisecondsAndItsTextFormat() throws Exception {
		KiwiDbSettings settings = KiwiDbSettings.builder("app.db").build();
		assertThat(settings.dateClass()).isEqualTo(DateClass.INTEGER);
		assertThat(settings.datePrecision()).isEqualTo(DatePrecision.MILLISECONDS);
		assertThat(settings.dateStringFormat()).isEqualTo("yyyy-MM-dd HH:mm:ss.SSS");

		KiwiDataSource dataSource = open(UnaryOperator.identity());
		insertAt(dataSource, 1);
		assertThat(stored(dataSource, 1)).isEqualTo("integer 1709251198500");
		try (Connection reader = reader(dataSource)) {
			assertThat(timestampAt(reader, 1)).isEqualTo(Timestamp.from(LEAP_DAY));
		}
	}

	@Test
	void textDatesAreWrittenByTheWriterInTheFormatAndReadBackByAReader() throws Exception {
		KiwiDataSource dataSource = open((settings) -> settings.dateClass(DateClass.TEXT)
			.dateStringFormat("yyyy-MM-dd'T'HH:mm:ss.SSSXXX"));
		insertAt(dataSource, 1);
		assertThat(stored(dataSource, 1)).isEqualTo("text 2024-02-29T23:59:58.500Z");
		try (Connection reader = reader(dataSource)) {
			assertThat(timestampAt(reader, 1)).isEqualTo(Timestamp.from(LEAP_DAY));
		}
	}

	@Test
	void textWrittenBySqliteItselfIsReadInTheFormat() throws Exception {
		KiwiDataSource dataSource = open((settings) -> settings.dateStringFormat("yyyy-MM-dd'T'HH:mm:ss.SSSXXX"));
		execute(dataSource, "CREATE TABLE event (id INTEGER PRIMARY KEY, at)");
		execute(dataSource, "INSERT INTO event VALUES (1, strftime('%Y-%m-%dT%H:%M:%fZ', 1709251198.5, 'unixepoch'))");
		try (Connection reader = reader(dataSource)) {
			assertThat(timestampAt(reader, 1)).isEqualTo(Timestamp.from(LEAP_DAY));
		}
	}

	@Test
	void secondsPrecisionStoresAndReadsWholeSecondsSinceTheEpoch() throws Exception {
		KiwiDataSource dataSource = open((settings) -> settings.datePrecision(DatePrecision.SECONDS));
		insertAt(dataSource, 1);
		assertThat(stored(dataSource, 1)).isEqualTo("integer 1709251198");
		try (Connection reader = reader(dataSource)) {
			assertThat(timestampAt(reader, 1)).isEqualTo(Timestamp.from(LEAP_DAY.minusMillis(500)));
		}
	}

	@Test
	void realStoresAJulianDay() throws Exception {
		KiwiDataSource dataSource = open((settings) -> settings.dateClass(DateClass.REAL));
		insertAt(dataSource, 1);
		try (Connection writer = dataSource.getConnection(); Statement statement = writer.createStatement();
				ResultSet rows = statement.executeQuery(
						"SELECT typeof(at), strftime('%Y-%m-%dT%H:%M:%fZ', at) FROM event WHERE id = 1")) {
			rows.next();
			assertThat(rows.getString(1)).isEqualTo("real");
			assertThat(rows.getString(2)).isEqualTo("2024-02-29T23:59:58.500Z");
		}
	}

	@Test
	void aPatternTheDriverCannotUseIsRejectedBeforeAnyFileIsTouched() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> KiwiDbSettings.builder(this.dir.resolve("app.db").toString()).dateStringFormat("yyyy-bb"))
			.withMessageStartingWith("'yyyy-bb' is not a date format the driver can use (")
			.withMessageEndingWith("); use java.text.SimpleDateFormat's pattern letters");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> KiwiDbSettings.builder(this.dir.resolve("app.db").toString()).dateStringFormat(" "))
			.withMessage("The date string format must not be empty");
		assertThat(this.dir.resolve("app.db")).doesNotExist();
	}

	private KiwiDataSource open(UnaryOperator<KiwiDbSettings.Builder> customizer) throws SQLException {
		KiwiDataSource dataSource = KiwiDataSource
			.open(customizer.apply(KiwiDbSettings.builder(this.dir.resolve("app.db").toString())).build());
		this.opened.add(dataSource);
		return dataSource;
	}

	private static Connection reader(KiwiDataSource dataSource) throws SQLException {
		return dataSource.readOnlyDataSource().orElseThrow().getConnection();
	}

	private static void insertAt(KiwiDataSource dataSource, int id) throws SQLException {
		execute(dataSource, "CREATE TABLE IF NOT EXISTS event (id INTEGER PRIMARY KEY, at)");
		try (Connection writer = dataSource.getConnection();
				PreparedStatement insert = writer.prepareStatement("INSERT INTO event (id, at) VALUES (?, ?)")) {
			insert.setInt(1, id);
			// With a calendar in UTC, as Hibernate binds an Instant: the text does not depend on the
			// JVM's time zone.
			insert.setTimestamp(2, Timestamp.from(LEAP_DAY), UTC);
			insert.executeUpdate();
		}
	}

	private static String stored(KiwiDataSource dataSource, int id) throws SQLException {
		try (Connection writer = dataSource.getConnection();
				PreparedStatement select = writer.prepareStatement("SELECT typeof(at), at FROM event WHERE id = ?")) {
			select.setInt(1, id);
			try (ResultSet rows = select.executeQuery()) {
				rows.next();
				return rows.getString(1) + " " + rows.getString(2);
			}
		}
	}

	private static Timestamp timestampAt(Connection connection, int id) throws SQLException {
		try (PreparedStatement select = connection.prepareStatement("SELECT at FROM event WHERE id = ?")) {
			select.setInt(1, id);
			try (ResultSet rows = select.executeQuery()) {
				rows.next();
				return rows.getTimestamp(1, UTC);
			}
		}
	}

	private static void execute(KiwiDataSource dataSource, String sql) throws SQLException {
		try (Connection writer = dataSource.getConnection(); Statement statement = writer.createStatement()) {
			statement.execute(sql);
		}
	}

}
