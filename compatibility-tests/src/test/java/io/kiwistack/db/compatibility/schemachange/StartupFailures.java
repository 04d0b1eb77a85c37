package io.kiwistack.db.compatibility.schemachange;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.ArgumentResolver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A context that fails to start, with the failure analysis Boot would print for it: the analyzers
 * of {@code META-INF/spring.factories}, as {@code SpringApplication} loads them.
 */
final class StartupFailures {

	private StartupFailures() {
	}

	static FailureAnalysis analysisOf(ApplicationContextRunner runner) {
		AtomicReference<ConfigurableApplicationContext> captured = new AtomicReference<>();
		AtomicReference<FailureAnalysis> analysis = new AtomicReference<>();
		runner.withInitializer(captured::set).run((context) -> {
			assertThat(context).hasFailed();
			analysis.set(analyze(context.getStartupFailure(), captured.get()));
		});
		assertThat(analysis.get()).as("a failure analysis").isNotNull();
		return analysis.get();
	}

	private static FailureAnalysis analyze(Throwable failure, ConfigurableApplicationContext context) {
		ArgumentResolver arguments = ArgumentResolver.of(BeanFactory.class, context.getBeanFactory())
			.and(Environment.class, context.getEnvironment());
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader
			.forDefaultResourceLocation(StartupFailures.class.getClassLoader())
			.load(FailureAnalyzer.class, arguments, (factoryType, implementationName, ex) -> {
				// an analyzer that can't be built in this setting is skipped, as Boot does
			});
		return analyzers.stream()
			.map((analyzer) -> analyzer.analyze(failure))
			.filter(Objects::nonNull)
			.findFirst()
			.orElse(null);
	}

}
