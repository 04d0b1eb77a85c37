package io.kiwistack.db.autoconfigure;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionEvaluationReport;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches unless the application excludes Boot's {@code DataSourceAutoConfiguration}
 * ({@code @SpringBootApplication(exclude = ...)}, {@code @EnableAutoConfiguration(exclude = ...)},
 * {@code @ImportAutoConfiguration(exclude = ...)} or {@code spring.autoconfigure.exclude}): an
 * application or test that does so means to run without a database. Boot's auto-configuration
 * import selectors record the exclusions in the {@link ConditionEvaluationReport} before any
 * auto-configuration's conditions are evaluated.
 */
class DataSourceAutoConfigurationNotExcludedCondition extends SpringBootCondition {

	static final String DATA_SOURCE_AUTO_CONFIGURATION = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration";

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		ConditionMessage.Builder message = ConditionMessage.forCondition("DataSourceAutoConfiguration not excluded");
		ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
		if (beanFactory != null
				&& ConditionEvaluationReport.get(beanFactory).getExclusions().contains(DATA_SOURCE_AUTO_CONFIGURATION)) {
			return ConditionOutcome.noMatch(message.because("the application excludes it, to run without a database"));
		}
		return ConditionOutcome.match(message.because("it is not excluded"));
	}

}
