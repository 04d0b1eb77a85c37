package io.kiwistack.db.replication;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rounds on the beat: each starts a period after the one before started, not after it ended, and
 * the beats missed while a round overran are skipped, not run back to back.
 */
class EngineThreadTests {

	private static final long PERIOD_MILLIS = 100;

	@Test
	void roundsStartOnTheClockWhateverEachTakes() throws Exception {
		List<Long> starts = run(10, (round) -> 40);
		// After each round's 40 ms a fixed delay would start the tenth at 9 x 140 = 1,260 ms.
		assertThat(starts.get(9) - starts.get(0)).as("the tenth start after the first (ms), of %s", starts)
			.isBetween(9 * PERIOD_MILLIS - 20, 9 * PERIOD_MILLIS + 120);
	}

	@Test
	void aRoundThatOverranSkipsTheBeatsItMissed() throws Exception {
		List<Long> starts = run(5, (round) -> (round == 1) ? 350 : 0);
		for (int i = 1; i < starts.size(); i++) {
			assertThat(starts.get(i) - starts.get(i - 1)).as("the gap before round %d (ms), of %s", i, starts)
				.isGreaterThanOrEqualTo(PERIOD_MILLIS / 2);
		}
		// Round 1 ended 350 ms after it began, past the beats at 200 and 300: the next started
		// at once after it, and the one after on the beat of 400.
		assertThat(starts.get(2) - starts.get(1)).as("round 2 after round 1's 350 ms (ms), of %s", starts)
			.isBetween(340L, 460L);
	}

	/** Start times in ms, from the first, of {@code rounds} rounds, each busy for {@code busy} of its number. */
	private static List<Long> run(int rounds, java.util.function.IntUnaryOperator busy) throws Exception {
		List<Long> starts = new CopyOnWriteArrayList<>();
		CountDownLatch done = new CountDownLatch(rounds);
		EngineThread thread = new EngineThread("engine-thread-test");
		try {
			thread.onTheBeat(Duration.ofMillis(PERIOD_MILLIS), Duration.ZERO, () -> {
				if (starts.size() >= rounds) {
					return;
				}
				starts.add(System.nanoTime() / 1_000_000);
				try {
					Thread.sleep(busy.applyAsInt(starts.size() - 1));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				done.countDown();
			});
			assertThat(done.await(10, TimeUnit.SECONDS)).as("%d rounds within 10 s", rounds).isTrue();
		}
		finally {
			thread.stop();
		}
		long first = starts.get(0);
		return starts.stream().map((start) -> start - first).toList();
	}

}
