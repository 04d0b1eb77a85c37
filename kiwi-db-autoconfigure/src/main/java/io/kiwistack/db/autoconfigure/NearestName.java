package io.kiwistack.db.autoconfigure;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The known name a misspelt one most likely meant, for the "did you mean" of a failure analysis:
 * the nearest by edit distance (a letter added, dropped or changed, or two neighbours swapped),
 * ignoring case, and only when it is near enough to be a slip of the keyboard.
 */
final class NearestName {

	private NearestName() {
	}

	/**
	 * The name in {@code known} nearest to {@code typed}, empty when none is within a third of its
	 * length (at least one edit, at most three); of names equally near, the first in alphabetical
	 * order.
	 */
	static Optional<String> among(String typed, Collection<String> known) {
		String lowerTyped = typed.toLowerCase(Locale.ROOT);
		int best = Math.max(1, Math.min(3, lowerTyped.length() / 3)) + 1;
		String nearest = null;
		for (String candidate : new TreeSet<>(known)) {
			int distance = distance(lowerTyped, candidate.toLowerCase(Locale.ROOT));
			if (distance < best) {
				best = distance;
				nearest = candidate;
			}
		}
		return Optional.ofNullable(nearest);
	}

	/** The optimal string alignment distance: Levenshtein's, where swapping two neighbours is one edit. */
	static int distance(String a, String b) {
		int[][] d = new int[a.length() + 1][b.length() + 1];
		for (int i = 0; i <= a.length(); i++) {
			d[i][0] = i;
		}
		for (int j = 0; j <= b.length(); j++) {
			d[0][j] = j;
		}
		for (int i = 1; i <= a.length(); i++) {
			for (int j = 1; j <= b.length(); j++) {
				int cost = (a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1;
				d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
				if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
					d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
				}
			}
		}
		return d[a.length()][b.length()];
	}

}
