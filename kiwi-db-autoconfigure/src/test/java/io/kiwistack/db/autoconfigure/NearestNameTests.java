package io.kiwistack.db.autoconfigure;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link NearestName}: a slip of the keyboard finds the name meant; a different word finds none.
 */
class NearestNameTests {

	private static final List<String> JOURNAL_MODES = List.of("delete", "truncate", "persist", "memory", "wal", "off");

	@Test
	void aLetterTooManyFindsTheNameMeant() {
		assertThat(NearestName.among("wall", JOURNAL_MODES)).contains("wal");
	}

	@Test
	void twoSwappedLettersCountAsOneSlip() {
		assertThat(NearestName.distance("nromal", "normal")).isEqualTo(1);
		assertThat(NearestName.among("nromal", List.of("off", "normal", "full", "extra"))).contains("normal");
	}

	@Test
	void caseIsIgnored() {
		assertThat(NearestName.among("WALL", JOURNAL_MODES)).contains("wal");
	}

	@Test
	void aDifferentWordFindsNothing() {
		assertThat(NearestName.among("sometimes", List.of("off", "normal", "full", "extra"))).isEmpty();
		assertThat(NearestName.among("no_such_pragma", List.of("cache_size", "journal_mode", "page_size"))).isEmpty();
	}

	@Test
	void aShortWordAllowsOneSlipOnly() {
		assertThat(NearestName.among("of", List.of("off"))).contains("off");
		assertThat(NearestName.among("xy", List.of("off"))).isEmpty();
	}

	@Test
	void ofNamesEquallyNearTheFirstAlphabeticallyIsTaken() {
		assertThat(NearestName.among("fill", List.of("full", "fall"))).contains("fall");
	}

}
