package io.kiwistack.db.autoconfigure;

import java.nio.file.Path;

import io.kiwistack.db.JournalMode;
import io.kiwistack.db.autoconfigure.replication.KiwiDbReplicationAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A {@code kiwi.db.*} value that is not one of its property's type stops startup with an analysis
 * that names the property, the values it takes, and for a misspelt word the one it most likely
 * meant; nothing is created.
 */
@ExtendWith(OutputCaptureExtension.class)
class PropertyValueFailureAnalysisTests {

	private static final String FROM_TEST = " (originating from '\"%s\" from property source \"test\"')";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class, DataSourceAutoConfiguration.class,
				KiwiDbReplicationAutoConfiguration.class));

	@TempDir
	Path tempDir;

	@Test
	void whenJournalModeIsMisspeltThenTheAnalysisListsTheModesAndTheOneMeant() {
		FailureAnalysis analysis = analysisOf("kiwi.db.journal-mode=wall");
		assertThat(analysis.getDescription()).isEqualTo("Property kiwi.db.journal-mode is 'wall'"
				+ FROM_TEST.formatted("kiwi.db.journal-mode")
				+ ", which is not one of its values: delete, truncate, persist, memory, wal, off.");
		assertThat(analysis.getAction()).isEqualTo(
				"Did you mean 'wal'? Set kiwi.db.journal-mode to one of: delete, truncate, persist, memory, wal, off.");
	}

	@Test
	void whenSynchronousIsAnotherWordThenTheAnalysisListsTheLevelsWithoutAGuess() {
		FailureAnalysis analysis = analysisOf("kiwi.db.synchronous=sometimes");
		assertThat(analysis.getDescription()).startsWith("Property kiwi.db.synchronous is 'sometimes'")
			.endsWith(", which is not one of its values: off, normal, full, extra.");
		assertThat(analysis.getAction()).isEqualTo("Set kiwi.db.synchronous to one of: off, normal, full, extra.");
	}

	@Test
	void whenSynchronousHasTwoLettersSwappedThenTheAnalysisSaysWhichWasMeant() {
		assertThat(analysisOf("kiwi.db.synchronous=nromal").getAction()).startsWith("Did you mean 'normal'? ");
	}

	@Test
	void whenTheDateClassIsMisspeltThenTheAnalysisSaysWhichWasMeant() {
		assertThat(analysisOf("kiwi.db.driver.date-class=txt").getAction())
			.isEqualTo("Did you mean 'text'? Set kiwi.db.driver.date-class to one of: integer, text, real.");
	}

	@Test
	void whenABooleanIsMisspeltThenTheAnalysisSaysWhichWasMeant() {
		FailureAnalysis analysis = analysisOf("kiwi.db.foreign-keys=ture");
		assertThat(analysis.getDescription()).startsWith("Property kiwi.db.foreign-keys is 'ture'");
		assertThat(analysis.getAction()).isEqualTo("Did you mean 'true'? Set kiwi.db.foreign-keys to one of: true, false.");
	}

	@Test
	void whenTheRestoreModeIsMisspeltThenTheAnalysisUsesTheDocumentedSpelling() {
		FailureAnalysis analysis = analysisOf("kiwi.db.replication.enabled=true",
				"kiwi.db.replication.url=file:" + this.tempDir.resolve("replica"), "kiwi.db.replication.restore=if-mising");
		assertThat(analysis.getDescription()).startsWith("Property kiwi.db.replication.restore is 'if-mising'")
			.endsWith(", which is not one of its values: if-missing, never.");
		assertThat(analysis.getAction())
			.isEqualTo("Did you mean 'if-missing'? Set kiwi.db.replication.restore to one of: if-missing, never.");
	}

	@Test
	void whenTheReplicationModeIsMisspeltThenTheAnalysisSaysWhichWasMeant() {
		FailureAnalysis analysis = analysisOf("kiwi.db.replication.enabled=true",
				"kiwi.db.replication.url=file:" + this.tempDir.resolve("replica"), "kiwi.db.replication.mode=primay");
		assertThat(analysis.getAction())
			.isEqualTo("Did you mean 'primary'? Set kiwi.db.replication.mode to one of: primary, replica, auto.");
	}

	@Test
	void whenADurationIsNotOneThenTheAnalysisShowsHowToWriteOne() {
		FailureAnalysis analysis = analysisOf("kiwi.db.busy-timeout=5 seconds");
		assertThat(analysis.getDescription()).isEqualTo("Property kiwi.db.busy-timeout is '5 seconds'"
				+ FROM_TEST.formatted("kiwi.db.busy-timeout") + ", which is not a duration: a number and a unit (ms, "
				+ "s, m, h, d), for example 500ms or 5s, or ISO-8601 such as PT5S.");
		assertThat(analysis.getAction()).isEqualTo("Set kiwi.db.busy-timeout to a duration: a number and a unit (ms, "
				+ "s, m, h, d), for example 500ms or 5s, or ISO-8601 such as PT5S.");
	}

	@Test
	void whenAReplicationDurationIsNotOneThenTheAnalysisShowsHowToWriteOne() {
		FailureAnalysis analysis = analysisOf("kiwi.db.replication.enabled=true",
				"kiwi.db.replication.url=file:" + this.tempDir.resolve("replica"), "kiwi.db.replication.sync-interval=often");
		assertThat(analysis.getDescription()).startsWith("Property kiwi.db.replication.sync-interval is 'often'")
			.endsWith(", which is not a duration: a number and a unit (ms, s, m, h, d), for example 500ms or 5s, or "
					+ "ISO-8601 such as PT5S.");
	}

	@Test
	void whenASizeIsNotOneThenTheAnalysisShowsHowToWriteOne() {
		FailureAnalysis analysis = analysisOf("kiwi.db.replication.enabled=true",
				"kiwi.db.replication.url=file:" + this.tempDir.resolve("replica"), "kiwi.db.replication.max-wal-size=lots");
		assertThat(analysis.getAction()).isEqualTo(
				"Set kiwi.db.replication.max-wal-size to a size: a number and a unit (B, KB, MB, GB, TB), for example 64MB.");
	}

	@Test
	void whenACountIsNotANumberThenTheAnalysisSaysSo() {
		FailureAnalysis analysis = analysisOf("kiwi.db.pool.readers=four");
		assertThat(analysis.getDescription()).startsWith("Property kiwi.db.pool.readers is 'four'")
			.endsWith(", which is not a whole number, for example 4.");
	}

	@Test
	void aServiceStartedWithAMisspeltJournalModePrintsTheAnalysisWithTheFileAndLine(CapturedOutput output) {
		SpringApplication application = new SpringApplication(MinimalService.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatExceptionOfType(BeanCreationException.class).isThrownBy(() -> application.run(
				"--spring.config.location=classpath:test/misspelt-journal-mode.properties",
				"--kiwi.db.path=" + this.tempDir.resolve("app.db"), "--spring.main.banner-mode=off"));
		assertThat(output).contains(String.format("APPLICATION FAILED TO START%n***************************%n%n"
				+ "Description:%n%nProperty kiwi.db.journal-mode is 'wall' (originating from 'class path resource "
				+ "[test/misspelt-journal-mode.properties] - 2:22'), which is not one of its values: delete, truncate, "
				+ "persist, memory, wal, off.%n%nAction:%n%nDid you mean 'wal'? Set kiwi.db.journal-mode to one of: "
				+ "delete, truncate, persist, memory, wal, off.%n"));
		assertThat(this.tempDir).isEmptyDirectory();
	}

	@Test
	void aValueOfAnotherPropertyIsLeftToBootsOwnAnalysis() {
		FailureAnalysis analysis = StartupFailures.analysisOf(
				this.runner.withPropertyValues("kiwi.db.path=" + this.tempDir.resolve("app.db"))
					.withUserConfiguration(OtherProperties.Config.class),
				this.tempDir, BindException.class, "other.mode=wall");
		assertThat(analysis.getDescription()).startsWith("Failed to bind properties under 'other.mode'");
	}

	private FailureAnalysis analysisOf(String... properties) {
		String[] all = new String[properties.length + 1];
		all[0] = "kiwi.db.path=" + this.tempDir.resolve("app.db");
		System.arraycopy(properties, 0, all, 1, properties.length);
		return StartupFailures.analysisOf(this.runner, this.tempDir, BindException.class, all);
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ KiwiDbAutoConfiguration.class, DataSourceAutoConfiguration.class })
	static class MinimalService {

	}

	@ConfigurationProperties("other")
	static class OtherProperties {

		private JournalMode mode;

		public JournalMode getMode() {
			return this.mode;
		}

		public void setMode(JournalMode mode) {
			this.mode = mode;
		}

		@Configuration(proxyBeanMethods = false)
		@EnableConfigurationProperties(OtherProperties.class)
		static class Config {

		}

	}

}
