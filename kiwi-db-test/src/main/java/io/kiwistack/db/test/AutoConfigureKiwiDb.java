package io.kiwistack.db.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.autoconfigure.jdbc.AutoConfigureDataSourceInitialization;

/**
 * {@link ImportAutoConfiguration Auto-configuration imports} for tests on kiwi-db: the database,
 * JDBC, transactions, migrations and Spring Data JDBC repositories. Most tests should use
 * {@link KiwiDbTest @KiwiDbTest} rather than this annotation.
 *
 * @see KiwiDbTest
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration
@AutoConfigureDataSourceInitialization
public @interface AutoConfigureKiwiDb {

}
