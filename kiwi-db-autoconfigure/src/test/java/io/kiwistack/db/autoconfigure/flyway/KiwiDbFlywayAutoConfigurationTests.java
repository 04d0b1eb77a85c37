package io.kiwistack.db.autoconfigure.flyway;

import java.nio.file.Path;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import io.kiwistack.db.autoconfigure.migration.SchemaChangeDataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link KiwiDbFlywayAutoConfiguration}.
 */
class KiwiDbFlywayAutoConfigurationTests {

	@TempDir
	Path dir;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class, KiwiDbFlywayAutoConfiguration.class,
				DataSourceAutoConfiguration.class, FlywayAutoConfiguration.class));

	@Test
	void flywayMigratesThroughTheSchemaChangeDataSourceWithTheCheckAfterTheApplicationsCallbacks() {
		this.runner.withPropertyValues("kiwi.db.path=" + this.dir.resolve("app.db"))
			.withBean("applicationCallback", Callback.class, ApplicationCallback::new)
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(SchemaChangeFlywayCustomizer.class);
				Flyway flyway = context.getBean(Flyway.class);
				assertThat(flyway.getConfiguration().getDataSource()).isInstanceOf(SchemaChangeDataSource.class);
				assertThat(flyway.getConfiguration().getCallbacks()).hasSize(2)
					.satisfies((callbacks) -> assertThat(callbacks[0]).isInstanceOf(ApplicationCallback.class))
					.satisfies((callbacks) -> assertThat(callbacks[1]).isInstanceOf(ForeignKeyCheckCallback.class));
			});
	}

	@Test
	void anApplicationsOwnDataSourceIsLeftAlone() {
		SQLiteDataSource own = new SQLiteDataSource();
		own.setUrl("jdbc:sqlite:" + this.dir.resolve("own.db"));
		this.runner.withBean(SQLiteDataSource.class, () -> own).run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(SchemaChangeFlywayCustomizer.class);
			Flyway flyway = context.getBean(Flyway.class);
			assertThat(flyway.getConfiguration().getDataSource()).isSameAs(own);
			assertThat(flyway.getConfiguration().getCallbacks()).isEmpty();
		});
	}

	@Test
	void aFlywayForAnotherDataSourceIsLeftAlone() {
		SQLiteDataSource other = new SQLiteDataSource();
		other.setUrl("jdbc:sqlite:" + this.dir.resolve("other.db"));
		org.flywaydb.core.api.configuration.FluentConfiguration configuration = Flyway.configure().dataSource(other);
		new SchemaChangeFlywayCustomizer().customize(configuration);
		assertThat(configuration.getDataSource()).isSameAs(other);
		assertThat(configuration.getCallbacks()).isEmpty();
	}

	static class ApplicationCallback implements Callback {

		@Override
		public boolean supports(Event event, Context context) {
			return false;
		}

		@Override
		public boolean canHandleInTransaction(Event event, Context context) {
			return true;
		}

		@Override
		public void handle(Event event, Context context) {
		}

		@Override
		public String getCallbackName() {
			return "application";
		}

	}

}
