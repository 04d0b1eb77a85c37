package io.kiwistack.db.autoconfigure;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.PropertySourceOrigin;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.convert.ConversionFailedException;
import org.springframework.util.ClassUtils;
import org.springframework.util.unit.DataSize;

/**
 * Explains a {@code kiwi.db.*} property whose value is not one of its type: the property, where it
 * is set, the values it takes in the spelling the documentation uses, and, for a misspelt word,
 * the value it most likely meant. Ordered before Boot's {@code BindFailureAnalyzer}, which names
 * the type's Java constants and no likely value.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class PropertyValueFailureAnalyzer extends AbstractFailureAnalyzer<BindException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, BindException cause) {
		ConfigurationProperty property = cause.getProperty();
		ConversionFailedException conversion = findCause(cause, ConversionFailedException.class);
		if (property == null || conversion == null || !property.getName().toString().startsWith("kiwi.db.")) {
			return null;
		}
		String name = property.getName().toString();
		String value = String.valueOf(property.getValue()).trim();
		Class<?> type = ClassUtils.resolvePrimitiveIfNecessary(conversion.getTargetType().getType());
		String origin = origin(property);
		List<String> words = words(type);
		if (!words.isEmpty()) {
			String description = "Property " + name + " is '" + value + "'" + origin + ", which is not one of its values: "
					+ String.join(", ", words) + ".";
			String didYouMean = NearestName.among(value, words).map((word) -> "Did you mean '" + word + "'? ").orElse("");
			return new FailureAnalysis(description, didYouMean + "Set " + name + " to one of: "
					+ String.join(", ", words) + ".", cause);
		}
		String expected = expected(type);
		if (expected == null) {
			return null;
		}
		String description = "Property " + name + " is '" + value + "'" + origin + ", which is not " + expected + ".";
		return new FailureAnalysis(description, "Set " + name + " to " + expected + ".", cause);
	}

	/** Where the value was set, as Boot's own analyses say it: the file and line when known. */
	private static String origin(ConfigurationProperty property) {
		Origin origin = property.getOrigin();
		if (origin instanceof PropertySourceOrigin propertySource && propertySource.getOrigin() != null) {
			origin = propertySource.getOrigin();
		}
		return (origin != null) ? " (originating from '" + origin + "')" : "";
	}

	/** The words a property of {@code type} takes, as the documentation spells them; empty for a type of no fixed words. */
	private static List<String> words(Class<?> type) {
		if (type == Boolean.class) {
			return List.of("true", "false");
		}
		if (type.isEnum()) {
			return Arrays.stream(type.getEnumConstants())
				.map((constant) -> ((Enum<?>) constant).name().toLowerCase(Locale.ROOT).replace('_', '-'))
				.toList();
		}
		return List.of();
	}

	private static String expected(Class<?> type) {
		if (type == Duration.class) {
			return "a duration: a number and a unit (ms, s, m, h, d), for example 500ms or 5s, or ISO-8601 such as PT5S";
		}
		if (type == DataSize.class) {
			return "a size: a number and a unit (B, KB, MB, GB, TB), for example 64MB";
		}
		if (type == Integer.class || type == Long.class) {
			return "a whole number, for example 4";
		}
		return null;
	}

}
