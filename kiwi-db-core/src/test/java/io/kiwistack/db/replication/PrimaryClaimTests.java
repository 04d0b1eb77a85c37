package io.kiwistack.db.replication;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.kiwistack.db.WriteFence;
import io.kiwistack.db.testsupport.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import io.kiwistack.db.replication.file.FileReplicaClient;

/**
 * The primary claim on its clocks, without a replicator around it: two nodes on one replica
 * directory, each with its own {@link WriteFence} and a {@link TestClock}, moved by hand through a
 * claim's validity, its renewal and its expiry. Nothing here waits in real time.
 */
class PrimaryClaimTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	/** How long a claim is valid for its holder: the timeout less the safety margin. */
	private static final Duration VALID = TIMEOUT.minus(PrimaryLease.safetyMargin(TIMEOUT));

	@TempDir
	Path dir;

	private final TestClock clock = TestClock.startingNow();

	private final List<String> deposedReasons = new ArrayList<>();

	@Test
	void onlyATestClockIsItsOwnMonotonicClock() {
		assertThat(PrimaryLease.MonotonicClock.of(Clock.systemUTC())).isSameAs(PrimaryLease.MonotonicClock.SYSTEM);
		assertThat(PrimaryLease.MonotonicClock.of(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC)))
			.as("a fixed clock: validity is still measured in real time")
			.isSameAs(PrimaryLease.MonotonicClock.SYSTEM);
		assertThat(PrimaryLease.MonotonicClock.of(this.clock)).isSameAs(this.clock);
	}

	/**
	 * The production path, with a short claim: the fence closes the validity after the claim was
	 * sent, on {@link System#nanoTime()}.
	 */
	@Test
	void onTheSystemClockTheFenceClosesTheValidityAfterTheClaimWasSent() throws Exception {
		Duration timeout = Duration.ofMillis(600);
		Duration valid = timeout.minus(PrimaryLease.safetyMargin(timeout));
		WriteFence fence = new WriteFence();
		PrimaryClaim claim = new PrimaryClaim(client(), timeout, Clock.systemUTC(), UUID.randomUUID().toString(), fence,
				this.deposedReasons::add);
		long before = System.nanoTime();
		claim.take();
		String refusalRightAfter = fence.refusal();
		if (System.nanoTime() - before < valid.toNanos()) {
			assertThat(refusalRightAfter).as("the fence right after the claim").isNull();
		}
		while (System.nanoTime() - before <= valid.toNanos()) {
			Thread.sleep(10);
		}
		assertThat(fence.refusal()).as("the fence once the validity has passed").contains("within 500 ms");
	}

	@Test
	void theFenceClosesTheMomentTheClaimsValidityEndsOnTheClockAndOpensAtTheNextRenewal() throws Exception {
		WriteFence fence = new WriteFence();
		PrimaryClaim claim = claim(this.clock, fence);
		claim.take();
		// Real time does not count: the clock stands still, and so does the claim.
		Thread.sleep(50);
		assertThat(fence.refusal()).isNull();
		this.clock.advance(VALID);
		assertThat(fence.refusal()).as("at the end of the validity").isNull();
		this.clock.advance(Duration.ofNanos(1));
		assertThat(fence.refusal()).as("a nanosecond past it").contains("could not renew its primary claim")
			.contains("within " + VALID.toMillis() + " ms");
		assertThatExceptionOfType(ReplicaException.class).isThrownBy(claim::checkStillPrimary)
			.withMessageContaining("could not renew");

		claim.renewIfDue();
		assertThat(fence.refusal()).as("renewed").isNull();
		this.clock.advance(VALID);
		assertThat(fence.refusal()).isNull();
		this.clock.advance(Duration.ofMillis(1));
		assertThat(fence.refusal()).isNotNull();
		assertThat(this.deposedReasons).isEmpty();
	}

	@Test
	void aRenewalFallsDueAfterAThirdOfTheTimeoutAndMovesTheValidityOn() throws Exception {
		WriteFence fence = new WriteFence();
		PrimaryClaim claim = claim(this.clock, fence);
		claim.take();
		String first = read().version();
		this.clock.advance(TIMEOUT.dividedBy(3).minusMillis(1));
		claim.renewIfDue();
		assertThat(read().version()).as("before a third of the timeout").isEqualTo(first);
		this.clock.advance(Duration.ofMillis(1));
		claim.renewIfDue();
		assertThat(read().version()).as("at a third of the timeout").isNotEqualTo(first);
		// Valid for VALID from the renewal, which came a third of the timeout after the claim.
		this.clock.advance(VALID);
		assertThat(fence.refusal()).isNull();
		this.clock.advance(Duration.ofNanos(1));
		assertThat(fence.refusal()).isNotNull();
	}

	/**
	 * A node that stopped renewing (crashed, say) holds the replica until its claim expires, on the
	 * other node's clock; then the other takes it over, and the first is deposed at its next
	 * renewal, its fence closed for good however its clock moves.
	 */
	@Test
	void anExpiredClaimIsTakenOverAndItsHolderIsDeposedForGood() throws Exception {
		WriteFence firstFence = new WriteFence();
		PrimaryClaim first = claim(this.clock, firstFence);
		first.take();
		TestClock otherClock = TestClock.startingNow();
		otherClock.advanceTo(this.clock.instant());
		WriteFence secondFence = new WriteFence();
		PrimaryClaim second = new PrimaryClaim(client(), TIMEOUT, otherClock, UUID.randomUUID().toString(), secondFence,
				this.deposedReasons::add);
		Instant expiry = this.clock.instant().plus(TIMEOUT);
		assertThatExceptionOfType(ReplicaLeaseHeldException.class).isThrownBy(second::take)
			.satisfies((ex) -> assertThat(ex.expiresAt()).isEqualTo(expiry));
		otherClock.advanceTo(expiry.minusMillis(1));
		assertThatExceptionOfType(ReplicaLeaseHeldException.class).isThrownBy(second::take);
		otherClock.advanceTo(expiry);
		second.take();
		assertThat(secondFence.refusal()).isNull();

		this.clock.advance(TIMEOUT.dividedBy(3));
		try (LogCapture log = LogCapture.of(PrimaryClaim.class.getName())) {
			assertThatExceptionOfType(PrimaryClaimLostException.class).isThrownBy(first::renewIfDue)
				.withMessageContaining("lost the primary claim");
			assertThat(log.records()).singleElement().asString().contains("SEVERE This node lost the primary claim");
		}
		assertThat(first.deposed()).isTrue();
		assertThat(this.deposedReasons).singleElement().asString().contains("lost the primary claim");
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(firstFence.refusal()).as("the deposed node's fence, after its clock moved").contains("lost the primary claim");
		// The deposed node neither releases nor touches the claim that is the other's now.
		first.release();
		assertThat(secondFence.refusal()).isNull();
		assertThat(read()).isNotNull();
	}

	@Test
	void aReleasedClaimIsDeletedAndNoLongerMovesTheFence() throws Exception {
		WriteFence fence = new WriteFence();
		PrimaryClaim claim = claim(this.clock, fence);
		claim.take();
		claim.release();
		assertThat(read()).as("the claim, released").isNull();
		// Another owner of the fence (a replicator started again on the same database) sets it now.
		fence.allowUntil(System.nanoTime() - 1, "the next claim's");
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(fence.refusal()).as("the fence, after the clock moved").isEqualTo("the next claim's");
	}

	private PrimaryClaim claim(Clock clock, WriteFence fence) {
		return new PrimaryClaim(client(), TIMEOUT, clock, UUID.randomUUID().toString(), fence, this.deposedReasons::add);
	}

	private FileReplicaClient client() {
		return new FileReplicaClient(this.dir.resolve("replica"));
	}

	private VersionedObject read() throws Exception {
		return client().readVersioned(PrimaryLease.PATH);
	}

}
