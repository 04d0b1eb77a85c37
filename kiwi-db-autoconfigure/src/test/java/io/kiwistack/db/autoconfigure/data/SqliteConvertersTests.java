package io.kiwistack.db.autoconfigure.data;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.stream.Stream;

import io.kiwistack.db.autoconfigure.data.SqliteConverters.InstantToText;
import io.kiwistack.db.autoconfigure.data.SqliteConverters.LocalDateTimeToText;
import io.kiwistack.db.autoconfigure.data.SqliteConverters.LocalDateToText;
import io.kiwistack.db.autoconfigure.data.SqliteConverters.NumberToBoolean;
import io.kiwistack.db.autoconfigure.data.SqliteConverters.TextToInstant;
import io.kiwistack.db.autoconfigure.data.SqliteConverters.TextToLocalDate;
import io.kiwistack.db.autoconfigure.data.SqliteConverters.TextToLocalDateTime;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SqliteConverters}.
 */
class SqliteConvertersTests {

	@Test
	void instantsAreWrittenAtFixedWidthSoThatTextOrderIsTimeOrder() {
		List<Instant> instants = List.of(Instant.parse("2024-01-01T00:00:00Z"),
				Instant.parse("2024-01-01T00:00:00.000000001Z"), Instant.parse("2024-01-01T00:00:00.5Z"),
				Instant.parse("2024-01-01T00:00:01Z"));

		List<String> texts = instants.stream().map(InstantToText.INSTANCE::convert).toList();

		assertThat(texts).isSorted().allSatisfy((text) -> assertThat(text).hasSize(30).endsWith("Z"));
		assertThat(texts.stream().map(TextToInstant.INSTANCE::convert)).containsExactlyElementsOf(instants);
	}

	@Test
	void instantsWrittenBySqliteOrWithAnOffsetAreRead() {
		assertThat(TextToInstant.INSTANCE.convert("2024-02-29 23:59:58"))
			.isEqualTo(Instant.parse("2024-02-29T23:59:58Z"));
		assertThat(TextToInstant.INSTANCE.convert("2024-02-29T23:59:58.123Z"))
			.isEqualTo(Instant.parse("2024-02-29T23:59:58.123Z"));
		assertThat(TextToInstant.INSTANCE.convert("2024-03-01T01:59:58+02:00"))
			.isEqualTo(Instant.parse("2024-02-29T23:59:58Z"));
	}

	@Test
	void localDateTimesAndDatesRoundTrip() {
		LocalDateTime dateTime = LocalDateTime.parse("2024-02-29T23:59:58.25");
		LocalDate date = LocalDate.parse("2024-02-29");

		assertThat(LocalDateTimeToText.INSTANCE.convert(dateTime)).isEqualTo("2024-02-29T23:59:58.250000000");
		assertThat(TextToLocalDateTime.INSTANCE.convert(LocalDateTimeToText.INSTANCE.convert(dateTime)))
			.isEqualTo(dateTime);
		assertThat(TextToLocalDateTime.INSTANCE.convert("2024-02-29 23:59:58"))
			.isEqualTo(LocalDateTime.parse("2024-02-29T23:59:58"));
		assertThat(LocalDateToText.INSTANCE.convert(date)).isEqualTo("2024-02-29");
		assertThat(TextToLocalDate.INSTANCE.convert("2024-02-29")).isEqualTo(date);
	}

	@Test
	void integersAreReadAsBooleans() {
		assertThat(Stream.of(0, 1, 1L, -1).map(NumberToBoolean.INSTANCE::convert)).containsExactly(false, true, true,
				true);
	}

}
