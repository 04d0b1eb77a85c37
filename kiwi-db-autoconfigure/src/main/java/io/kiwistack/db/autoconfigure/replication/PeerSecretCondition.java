package io.kiwistack.db.autoconfigure.replication;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Matches when {@code kiwi.db.replication.peer-secret} is set to something other than blanks, as
 * {@link ReplicationPropertiesMapper#peers} reads it. The outcome's message never shows the value.
 */
class PeerSecretCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		return StringUtils.hasText(context.getEnvironment().getProperty("kiwi.db.replication.peer-secret"))
				? ConditionOutcome.match("kiwi.db.replication.peer-secret is set")
				: ConditionOutcome.noMatch("kiwi.db.replication.peer-secret is not set");
	}

}
