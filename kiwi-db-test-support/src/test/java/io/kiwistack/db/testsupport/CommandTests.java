package io.kiwistack.db.testsupport;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Command} reports output, exit status and a failure one can read, and a command that
 * outlives its timeout is killed rather than waited for.
 */
class CommandTests {

	@Test
	void aCommandThatSucceedsHasItsOutputAndNoFailure() throws Exception {
		Command echo = Command.run(Duration.ofSeconds(10), "sh", "-c", "echo out; echo err >&2");
		assertThat(echo.succeeded()).isTrue();
		assertThat(echo.failure()).isNull();
		assertThat(echo.output()).contains("out\n", "err\n");
	}

	@Test
	void aCommandThatFailsSaysHowInItsFailure() throws Exception {
		Command failing = Command.run(Duration.ofSeconds(10), "sh", "-c", "echo nope; exit 3");
		assertThat(failing.succeeded()).isFalse();
		assertThat(failing.exitStatus()).isEqualTo(3);
		assertThat(failing.failure()).isEqualTo("'sh -c echo nope; exit 3' failed with exit status 3: nope");
	}

	@Test
	void aCommandStillRunningAfterItsTimeoutIsKilled() throws Exception {
		long start = System.nanoTime();
		Command sleeping = Command.run(Duration.ofMillis(200), "sleep", "30");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
		assertThat(sleeping.finished()).isFalse();
		assertThat(sleeping.exitStatus()).isEqualTo(-1);
		assertThat(sleeping.failure()).isEqualTo("'sleep 30' did not finish within 0 s");
	}

}
