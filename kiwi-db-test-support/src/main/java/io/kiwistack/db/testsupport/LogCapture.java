package io.kiwistack.db.testsupport;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The records java.util.logging publishes while a test runs, as text. kiwi-db logs through
 * {@link System.Logger}, which goes to java.util.logging unless an application installs another
 * backend; so does SLF4J where the test class path bridges it there ({@code slf4j-jdk14}).
 * <p>
 * Each record is one string: the logger's name, the level, the formatted message, the parameters
 * when there are any, and the stack trace of the exception when there is one, so that a test can
 * look for a text anywhere a person reading the log would see it.
 * <p>
 * While it captures, the records go to the capture alone: not to the logger's other handlers, nor
 * to its parents' (the console). A test that provokes a warning on purpose asserts on it instead of
 * printing it; when the assertion fails, its message shows the records.
 *
 * <pre>
 * try (LogCapture log = LogCapture.of(Replicator.class.getName())) {
 *     ...
 *     assertThat(log.records()).anyMatch((record) -> record.contains("Starting replication generation"));
 * }
 * </pre>
 */
public final class LogCapture implements AutoCloseable {

	private final List<String> records = new ArrayList<>();

	private final Logger logger;

	private final Level levelBefore;

	private final boolean everyLevel;

	private final Handler[] handlersBefore;

	private final boolean useParentHandlersBefore;

	private final Handler handler = new Handler() {

		private final SimpleFormatter formatter = new SimpleFormatter();

		@Override
		public void publish(LogRecord record) {
			String text = format(record, this.formatter);
			synchronized (LogCapture.this.records) {
				LogCapture.this.records.add(text);
			}
		}

		@Override
		public void flush() {
		}

		@Override
		public void close() {
		}

	};

	private LogCapture(Logger logger, boolean everyLevel) {
		this.logger = logger;
		this.levelBefore = logger.getLevel();
		this.everyLevel = everyLevel;
		this.handler.setLevel(Level.ALL);
		this.handlersBefore = logger.getHandlers();
		this.useParentHandlersBefore = logger.getUseParentHandlers();
		if (everyLevel) {
			logger.setLevel(Level.ALL);
		}
		for (Handler other : this.handlersBefore) {
			logger.removeHandler(other);
		}
		logger.setUseParentHandlers(false);
		logger.addHandler(this.handler);
	}

	/**
	 * Captures what the logger {@code name} and the loggers below it publish, at the levels they
	 * are configured to log.
	 */
	public static LogCapture of(String name) {
		return new LogCapture(Logger.getLogger(name), false);
	}

	/**
	 * Captures every record of every logger, at every level: the root logger is set to
	 * {@link Level#ALL} until {@link #close()}. For a test that looks for what must never be
	 * logged, even at debug level.
	 */
	public static LogCapture everything() {
		return new LogCapture(Logger.getLogger(""), true);
	}

	/** The records so far, oldest first; still there after {@link #close()}. */
	public List<String> records() {
		synchronized (this.records) {
			return new ArrayList<>(this.records);
		}
	}

	/** Stops capturing and puts the logger's handlers and level back. */
	@Override
	public void close() {
		this.logger.removeHandler(this.handler);
		for (Handler other : this.handlersBefore) {
			this.logger.addHandler(other);
		}
		this.logger.setUseParentHandlers(this.useParentHandlersBefore);
		if (this.everyLevel) {
			this.logger.setLevel(this.levelBefore);
		}
	}

	private static String format(LogRecord record, SimpleFormatter formatter) {
		StringBuilder text = new StringBuilder();
		text.append(record.getLoggerName()).append(' ').append(record.getLevel()).append(' ');
		text.append(formatter.formatMessage(record));
		if (record.getParameters() != null) {
			text.append(" parameters ").append(Arrays.toString(record.getParameters()));
		}
		if (record.getThrown() != null) {
			StringWriter trace = new StringWriter();
			record.getThrown().printStackTrace(new PrintWriter(trace));
			text.append('\n').append(trace);
		}
		return text.toString();
	}

}
