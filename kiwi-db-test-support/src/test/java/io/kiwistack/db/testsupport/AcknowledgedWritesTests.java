package io.kiwistack.db.testsupport;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * What {@link AcknowledgedWrites} answers, in particular which prefix of numbered writes was
 * acknowledged by a given time, the figure a crash test holds a restore to.
 */
class AcknowledgedWritesTests {

	@Test
	void theLastAcknowledgedBeforeIsTheEndOfTheRunOfIdsFromOneAcknowledgedByThen() throws Exception {
		AcknowledgedWrites<Void> writes = new AcknowledgedWrites<>();
		assertThat(writes.lastAcknowledgedBefore(System.nanoTime())).isZero();
		writes.acknowledge(1, null);
		writes.acknowledge(2, null);
		writes.acknowledge(4, null);
		long afterFour = System.nanoTime();
		Thread.sleep(2);
		writes.acknowledge(3, null);
		assertThat(writes.lastAcknowledgedBefore(afterFour)).as("3 came after, so 4 does not count").isEqualTo(2);
		assertThat(writes.lastAcknowledgedBefore(System.nanoTime())).isEqualTo(4);
		assertThat(writes.lastAcknowledgedBefore(writes.acknowledgedAt(1) - 1)).isZero();
		assertThat(writes.count()).isEqualTo(4);
		assertThatIllegalArgumentException().isThrownBy(() -> writes.acknowledgedAt(5));
	}

	@Test
	void acknowledgedRefusedAndUnansweredWritesAreKeptApart() {
		AcknowledgedWrites<String> writes = new AcknowledgedWrites<>();
		writes.acknowledge(7, "seven");
		writes.acknowledge(3, "three");
		writes.reject("eight -> 503");
		writes.noAnswer();
		writes.noAnswer();
		assertThat(writes.acknowledged()).containsExactly(entry(3L, "three"), entry(7L, "seven"));
		assertThat(writes.rejected()).containsExactly("eight -> 503");
		assertThat(writes.unanswered()).isEqualTo(2);
	}

	private static java.util.Map.Entry<Long, String> entry(long id, String value) {
		return java.util.Map.entry(id, value);
	}

}
