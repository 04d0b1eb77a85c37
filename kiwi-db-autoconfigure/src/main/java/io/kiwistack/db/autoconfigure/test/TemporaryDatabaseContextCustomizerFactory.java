package io.kiwistack.db.autoconfigure.test;

import java.util.List;

import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.util.ClassUtils;

/**
 * {@link ContextCustomizerFactory} that gives every Spring test context (a
 * {@code @SpringBootTest}, one of Boot's slices, {@code @KiwiDbTest}) a
 * {@link TemporaryDatabaseContextCustomizer temporary database}. Registered in
 * {@code META-INF/spring.factories}, so only the Spring TestContext framework loads it; an
 * application without spring-test never does.
 */
class TemporaryDatabaseContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		// Without the SQLite driver kiwi-db configures no database, so there is none to replace.
		return ClassUtils.isPresent("org.sqlite.JDBC", testClass.getClassLoader())
				? new TemporaryDatabaseContextCustomizer() : null;
	}

}
