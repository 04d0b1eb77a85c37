package io.kiwistack.db.autoconfigure.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PropertySourceDescriptor;
import org.springframework.core.io.support.ResourcePatternResolver;
import org.springframework.core.io.support.ResourcePatternUtils;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.support.TestPropertySourceUtils;

/**
 * Gives a test context a database of its own, the way Boot gives each test an embedded database:
 * {@code kiwi.db.path} points at a new file in a new temporary directory unless the test set the
 * path itself, and replication is off unless the test turns it on, so that a test never reads or
 * changes the application's database or its replica. Both are added just below the test's own
 * properties, above the application's configuration. The directory is deleted after every other
 * bean of the context has been destroyed, the database included.
 */
class TemporaryDatabaseContextCustomizer implements ContextCustomizer {

	static final String PROPERTY_SOURCE_NAME = "kiwiDbTemporaryDatabase";

	static final String PATH_PROPERTY = "kiwi.db.path";

	static final String REPLICATION_PROPERTY = "kiwi.db.replication.enabled";

	private static final Set<String> TEST_PROPERTY_SOURCE_NAMES = Set.of(
			TestPropertySourceUtils.INLINED_PROPERTIES_PROPERTY_SOURCE_NAME, "Dynamic Test Properties",
			SimpleCommandLinePropertySource.COMMAND_LINE_PROPERTY_SOURCE_NAME);

	@Override
	public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
		MutablePropertySources sources = context.getEnvironment().getPropertySources();
		Set<String> testSourceNames = testSourceNames(context, mergedConfig);
		List<PropertySource<?>> testSources = sources.stream()
			.filter((source) -> testSourceNames.contains(source.getName()))
			.toList();
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put(REPLICATION_PROPERTY, "false");
		if (testSources.stream().noneMatch((source) -> source.containsProperty(PATH_PROPERTY))) {
			TemporaryDatabase database = TemporaryDatabase.create();
			registerForDeletion(context.getBeanFactory(), database);
			properties.put(PATH_PROPERTY, database.file().toString());
		}
		MapPropertySource temporary = new MapPropertySource(PROPERTY_SOURCE_NAME, properties);
		if (testSources.isEmpty()) {
			sources.addFirst(temporary);
		}
		else {
			sources.addAfter(testSources.get(testSources.size() - 1).getName(), temporary);
		}
	}

	/**
	 * The names of the property sources the test declared: inlined properties, dynamic
	 * properties, arguments and {@code @TestPropertySource} files.
	 */
	private static Set<String> testSourceNames(ConfigurableApplicationContext context,
			MergedContextConfiguration mergedConfig) {
		Set<String> names = new HashSet<>(TEST_PROPERTY_SOURCE_NAMES);
		ResourcePatternResolver resolver = ResourcePatternUtils.getResourcePatternResolver(context);
		for (PropertySourceDescriptor descriptor : mergedConfig.getPropertySourceDescriptors()) {
			if (descriptor.name() != null) {
				names.add(descriptor.name());
				continue;
			}
			for (String location : descriptor.locations()) {
				// Spring names a file's property source after the resource it read.
				for (Resource resource : resources(resolver, context.getEnvironment().resolvePlaceholders(location))) {
					names.add(resource.getDescription());
				}
			}
		}
		return names;
	}

	private static Resource[] resources(ResourcePatternResolver resolver, String location) {
		try {
			return resolver.getResources(location);
		}
		catch (IOException ex) {
			return new Resource[0];
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
				// rwx------ on POSIX, as kiwi-db makes every directory of its own.
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
			try (Stream<Path> paths = Files.walk(this.directory)) {
				for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
					Files.deleteIfExists(path);
				}
			}
		}

	}

}
