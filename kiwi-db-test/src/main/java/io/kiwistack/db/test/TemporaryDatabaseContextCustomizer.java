package io.kiwistack.db.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.support.TestPropertySourceUtils;

/**
 * Points {@code kiwi.db.path} at a new file in a new temporary directory, unless the test set the
 * path itself, and switches replication off, so that a test never touches the application's
 * database or its replica. The directory is deleted after every other bean of the context has been
 * destroyed, the database included.
 */
class TemporaryDatabaseContextCustomizer implements ContextCustomizer {

	static final String PROPERTY_SOURCE_NAME = "kiwiDbTemporaryDatabase";

	private static final Set<String> TEST_PROPERTY_SOURCE_NAMES = Set
		.of(TestPropertySourceUtils.INLINED_PROPERTIES_PROPERTY_SOURCE_NAME, "Dynamic Test Properties");

	private static final String PATH_PROPERTY = "kiwi.db.path";

	@Override
	public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
		MutablePropertySources sources = context.getEnvironment().getPropertySources();
		List<PropertySource<?>> testSources = sources.stream()
			.filter((source) -> TEST_PROPERTY_SOURCE_NAMES.contains(source.getName()))
			.toList();
		if (testSources.stream().anyMatch((source) -> source.containsProperty(PATH_PROPERTY))) {
			return;
		}
		TemporaryDatabase database = TemporaryDatabase.create();
		registerForDeletion(context.getBeanFactory(), database);
		MapPropertySource temporary = new MapPropertySource(PROPERTY_SOURCE_NAME,
				Map.of(PATH_PROPERTY, database.file().toString(), "kiwi.db.replication.enabled", "false"));
		if (testSources.isEmpty()) {
			sources.addFirst(temporary);
		}
		else {
			sources.addAfter(testSources.get(testSources.size() - 1).getName(), temporary);
		}
	}

	private static void registerForDeletion(ConfigurableListableBeanFactory beanFactory, TemporaryDatabase database) {
		beanFactory.registerSingleton(PROPERTY_SOURCE_NAME, database);
		// Disposable beans are destroyed in reverse order of registration: this one, registered
		// before the context refreshes, goes after the data source has closed the file.
		((DefaultSingletonBeanRegistry) beanFactory).registerDisposableBean(PROPERTY_SOURCE_NAME, database);
	}

	@Override
	public boolean equals(Object other) {
		return other != null && other.getClass() == getClass();
	}

	@Override
	public int hashCode() {
		return getClass().hashCode();
	}

	/**
	 * A temporary directory holding one test context's database file.
	 *
	 * @param directory the directory, deleted with everything in it on {@link #destroy()}
	 */
	record TemporaryDatabase(Path directory) implements DisposableBean {

		static TemporaryDatabase create() {
			try {
				return new TemporaryDatabase(Files.createTempDirectory("kiwi-db-test-"));
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not create a temporary directory for the test database", ex);
			}
		}

		Path file() {
			return this.directory.resolve("test.db");
		}

		@Override
		public void destroy() throws IOException {
			if (!Files.exists(this.directory)) {
				return;
			}
			try (Stream<Path> files = Files.list(this.directory)) {
				for (Path file : (Iterable<Path>) files::iterator) {
					Files.deleteIfExists(file);
				}
			}
			Files.deleteIfExists(this.directory);
		}

	}

}
