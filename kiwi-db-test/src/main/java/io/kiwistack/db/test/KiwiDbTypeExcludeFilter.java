package io.kiwistack.db.test;

import java.util.Set;

import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.boot.test.context.filter.annotation.StandardAnnotationCustomizableTypeExcludeFilter;
import org.springframework.util.ClassUtils;

/**
 * {@link TypeExcludeFilter} for {@link KiwiDbTest @KiwiDbTest}: excludes every component except
 * Spring Data JDBC configuration, as {@code @DataJdbcTest} does.
 */
class KiwiDbTypeExcludeFilter extends StandardAnnotationCustomizableTypeExcludeFilter<KiwiDbTest> {

	private static final String ABSTRACT_JDBC_CONFIGURATION = "org.springframework.data.jdbc.repository.config.AbstractJdbcConfiguration";

	private static final Set<Class<?>> KNOWN_INCLUDES = knownIncludes();

	KiwiDbTypeExcludeFilter(Class<?> testClass) {
		super(testClass);
	}

	@Override
	protected Set<Class<?>> getKnownIncludes() {
		return KNOWN_INCLUDES;
	}

	private static Set<Class<?>> knownIncludes() {
		ClassLoader classLoader = KiwiDbTypeExcludeFilter.class.getClassLoader();
		if (!ClassUtils.isPresent(ABSTRACT_JDBC_CONFIGURATION, classLoader)) {
			return Set.of();
		}
		return Set.of(ClassUtils.resolveClassName(ABSTRACT_JDBC_CONFIGURATION, classLoader));
	}

}
