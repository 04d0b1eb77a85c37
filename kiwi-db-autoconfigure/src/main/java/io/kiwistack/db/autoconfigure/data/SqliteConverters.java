package io.kiwistack.db.autoconfigure.data;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import org.springframework.core.convert.converter.Converter;
import org.springframework.data.convert.ReadingConverter;
import org.springframework.data.convert.WritingConverter;

/**
 * Conversions between Java values and the way SQLite keeps them. SQLite has no boolean, date or
 * time types: booleans are integers, and times are ISO-8601 text, which SQLite's date and time
 * functions read and which sorts in time order as long as every value has the same width. The
 * driver would otherwise store a timestamp as epoch milliseconds and lose the sub-millisecond part.
 */
final class SqliteConverters {

	private static final DateTimeFormatter INSTANT = DateTimeFormatter
		.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'")
		.withZone(ZoneOffset.UTC);

	private static final DateTimeFormatter LOCAL_DATE_TIME = DateTimeFormatter
		.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS");

	private SqliteConverters() {
	}

	static List<Object> all() {
		return List.of(NumberToBoolean.INSTANCE, InstantToText.INSTANCE, TextToInstant.INSTANCE,
				LocalDateTimeToText.INSTANCE, TextToLocalDateTime.INSTANCE, LocalDateToText.INSTANCE,
				TextToLocalDate.INSTANCE);
	}

	/** SQLite's {@code YYYY-MM-DD HH:MM:SS} (as {@code CURRENT_TIMESTAMP} writes it) in ISO form. */
	private static String isoDateTime(String text) {
		return (text.length() > 10 && text.charAt(10) == ' ') ? text.substring(0, 10) + 'T' + text.substring(11)
				: text;
	}

	@ReadingConverter
	enum NumberToBoolean implements Converter<Number, Boolean> {

		INSTANCE;

		@Override
		public Boolean convert(Number source) {
			return source.longValue() != 0;
		}

	}

	@WritingConverter
	enum InstantToText implements Converter<Instant, String> {

		INSTANCE;

		@Override
		public String convert(Instant source) {
			return INSTANT.format(source);
		}

	}

	@ReadingConverter
	enum TextToInstant implements Converter<String, Instant> {

		INSTANCE;

		@Override
		public Instant convert(String source) {
			String iso = isoDateTime(source);
			boolean zoned = iso.endsWith("Z") || iso.endsWith("z") || iso.matches(".*[+-]\\d\\d:?\\d\\d$");
			return zoned ? DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(iso.toUpperCase(), Instant::from)
					: LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC);
		}

	}

	@WritingConverter
	enum LocalDateTimeToText implements Converter<LocalDateTime, String> {

		INSTANCE;

		@Override
		public String convert(LocalDateTime source) {
			return LOCAL_DATE_TIME.format(source);
		}

	}

	@ReadingConverter
	enum TextToLocalDateTime implements Converter<String, LocalDateTime> {

		INSTANCE;

		@Override
		public LocalDateTime convert(String source) {
			return LocalDateTime.parse(isoDateTime(source));
		}

	}

	@WritingConverter
	enum LocalDateToText implements Converter<LocalDate, String> {

		INSTANCE;

		@Override
		public String convert(LocalDate source) {
			return source.toString();
		}

	}

	@ReadingConverter
	enum TextToLocalDate implements Converter<String, LocalDate> {

		INSTANCE;

		@Override
		public LocalDate convert(String source) {
			return LocalDate.parse(source);
		}

	}

}
