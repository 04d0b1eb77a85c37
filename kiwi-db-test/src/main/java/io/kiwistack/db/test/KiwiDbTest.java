package io.kiwistack.db.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.autoconfigure.OverrideAutoConfiguration;
import org.springframework.boot.test.context.filter.annotation.TypeExcludeFilters;
import org.springframework.context.annotation.ComponentScan.Filter;
import org.springframework.core.annotation.AliasFor;
import org.springframework.core.env.Environment;
import org.springframework.test.context.BootstrapWith;
import org.springframework.test.context.junit.jupiter.SpringExtension;
import org.springframework.transaction.annotation.Transactional;

/**
 * Annotation for a test of a service's database code on kiwi-db, the database it runs on in
 * production: never swapped for an in-memory H2.
 * <p>
 * Only the database is configured: kiwi-db's {@code DataSource}, {@code JdbcTemplate},
 * {@code JdbcClient}, the transaction manager, Flyway (or Liquibase) migrations and, with Spring Data
 * JDBC on the class path, its repositories. Component scanning skips the application's components,
 * so no web layer or service beans are created; {@code @Import} the ones a test needs.
 * <p>
 * Each test context gets a fresh database file in a new temporary directory, deleted when the
 * context closes. Contexts are cached and shared as usual, so test classes with the same
 * configuration share one database. A {@code kiwi.db.path} set in {@link #properties()},
 * {@code @TestPropertySource(properties = ...)} or a {@code @DynamicPropertySource} is used instead.
 * Replication is off unless a test turns it on.
 * <p>
 * Tests are transactional and roll back at the end of each test. The test's transaction holds
 * kiwi-db's single writer connection until then: code that writes from another thread waits for it
 * and times out, so run such tests with
 * {@code @Transactional(propagation = Propagation.NOT_SUPPORTED)}.
 *
 * @see AutoConfigureKiwiDb
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@BootstrapWith(KiwiDbTestContextBootstrapper.class)
@ExtendWith(SpringExtension.class)
@OverrideAutoConfiguration(enabled = false)
@TypeExcludeFilters(KiwiDbTypeExcludeFilter.class)
@Transactional
@AutoConfigureKiwiDb
@ImportAutoConfiguration
public @interface KiwiDbTest {

	/**
	 * Properties in form {@literal key=value} that should be added to the Spring
	 * {@link Environment} before the test runs.
	 * @return the properties to add
	 */
	String[] properties() default {};

	/**
	 * Whether default filtering should be used with {@link SpringBootApplication @SpringBootApplication}.
	 * By default no beans are included, except Spring Data JDBC's {@code AbstractJdbcConfiguration}
	 * subclasses.
	 * @see #includeFilters()
	 * @see #excludeFilters()
	 * @return if default filters should be used
	 */
	boolean useDefaultFilters() default true;

	/**
	 * A set of include filters which can be used to add otherwise filtered beans to the application
	 * context.
	 * @return include filters to apply
	 */
	Filter[] includeFilters() default {};

	/**
	 * A set of exclude filters which can be used to filter beans that would otherwise be added to the
	 * application context.
	 * @return exclude filters to apply
	 */
	Filter[] excludeFilters() default {};

	/**
	 * Auto-configuration exclusions that should be applied for this test.
	 * @return auto-configuration exclusions to apply
	 */
	@AliasFor(annotation = ImportAutoConfiguration.class, attribute = "exclude")
	Class<?>[] excludeAutoConfiguration() default {};

}
