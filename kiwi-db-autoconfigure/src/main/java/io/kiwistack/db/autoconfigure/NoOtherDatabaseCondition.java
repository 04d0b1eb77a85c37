package io.kiwistack.db.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Matches unless the application names a database of another kind through Boot's
 * {@code spring.datasource.url} (one that is not {@code jdbc:sqlite:}) or
 * {@code spring.datasource.jndi-name}: then Boot's own {@code DataSource} configuration uses it, as
 * the application asked. A {@code jdbc:sqlite:} URL matches, and {@link DataSourceUrlCheck} stops
 * startup for it.
 */
class NoOtherDatabaseCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		ConditionMessage.Builder message = ConditionMessage.forCondition("No other database configured");
		Environment environment = context.getEnvironment();
		String url = environment.getProperty("spring.datasource.url");
		if (StringUtils.hasText(url) && !DataSourceUrlCheck.isSqlite(url)) {
			// Only the scheme: the rest of a URL may carry credentials.
			return ConditionOutcome
				.noMatch(message.because("spring.datasource.url names another database (" + scheme(url) + "...)"));
		}
		if (StringUtils.hasText(environment.getProperty("spring.datasource.jndi-name"))) {
			return ConditionOutcome.noMatch(message.because("spring.datasource.jndi-name names a JNDI DataSource"));
		}
		return ConditionOutcome.match(message.because("neither spring.datasource.url nor jndi-name names one"));
	}

	private static String scheme(String url) {
		String trimmed = url.trim();
		int second = trimmed.indexOf(':', trimmed.indexOf(':') + 1);
		return (second > 0) ? trimmed.substring(0, second + 1) : "a URL that is not jdbc:sqlite:";
	}

}
