package io.kiwistack.db.test;

import java.util.List;

import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * {@link ContextCustomizerFactory} that gives each {@link KiwiDbTest @KiwiDbTest} context a
 * {@link TemporaryDatabaseContextCustomizer temporary database}.
 */
class TemporaryDatabaseContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		return TestContextAnnotationUtils.hasAnnotation(testClass, KiwiDbTest.class)
				? new TemporaryDatabaseContextCustomizer() : null;
	}

}
