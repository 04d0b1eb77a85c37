package io.kiwistack.db.compatibility.exceptions;

import java.nio.file.Path;
import java.sql.SQLIntegrityConstraintViolationException;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mybatis.spring.annotation.MapperScan;
import org.mybatis.spring.boot.autoconfigure.MybatisAutoConfiguration;
import org.sqlite.SQLiteException;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A MyBatis mapper on kiwi-db through mybatis-spring-boot-starter: MyBatis-Spring hands the
 * driver's exception to Spring's translator, which reads the SQLState kiwi-db gave it.
 */
class MyBatisExceptionTranslationTests {

	@TempDir
	Path dir;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
				JdbcClientAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
				TransactionAutoConfiguration.class, MybatisAutoConfiguration.class))
		.withUserConfiguration(Mappers.class);

	@Test
	void aMapperInsertOfADuplicateIsADuplicateKeyException() {
		this.runner.withPropertyValues("kiwi.db.path=" + this.dir.resolve("mybatis.db")).run((context) -> {
			Orchard.create(context.getBean(JdbcClient.class));
			KiwiMapper kiwis = context.getBean(KiwiMapper.class);

			assertThatExceptionOfType(DuplicateKeyException.class).as("the existing id")
				.isThrownBy(() -> kiwis.insert(1, "Gold", 90, null))
				.withRootCauseInstanceOf(SQLiteException.class)
				.withMessageContaining("UNIQUE constraint failed: kiwi.id")
				.satisfies((ex) -> assertThat(ex.getCause()).isInstanceOf(SQLIntegrityConstraintViolationException.class));
			assertThatExceptionOfType(DuplicateKeyException.class).as("the existing name")
				.isThrownBy(() -> kiwis.insert(2, "Hayward", 90, null))
				.withMessageContaining("UNIQUE constraint failed: kiwi.name");
			assertThatExceptionOfType(DataIntegrityViolationException.class).as("an unknown orchard")
				.isThrownBy(() -> kiwis.insert(2, "Gold", 90, 99L))
				.isExactlyInstanceOf(DataIntegrityViolationException.class)
				.withMessageContaining("FOREIGN KEY constraint failed");

			assertThat(kiwis.insert(2, "Gold", 90, 1L)).isEqualTo(1);
			assertThat(kiwis.count()).isEqualTo(2);
		});
	}

	@Mapper
	interface KiwiMapper {

		@Insert("INSERT INTO kiwi (id, name, weight, orchard_id) VALUES (#{id}, #{name}, #{weight}, #{orchardId})")
		int insert(@Param("id") long id, @Param("name") String name, @Param("weight") int weight,
				@Param("orchardId") Long orchardId);

		@Select("SELECT count(*) FROM kiwi")
		long count();

	}

	@Configuration(proxyBeanMethods = false)
	@MapperScan(basePackageClasses = KiwiMapper.class, annotationClass = Mapper.class)
	static class Mappers {

	}

}
