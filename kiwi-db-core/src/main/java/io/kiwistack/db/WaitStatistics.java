package io.kiwistack.db;

import java.time.Duration;

/**
 * How often the writer connection was lent since the database opened, and how long borrowers
 * waited for it in all: the cost of having one writer, for metrics.
 *
 * @param acquisitions how many times it was lent
 * @param totalWait the time borrowers spent waiting, added up
 */
public record WaitStatistics(long acquisitions, Duration totalWait) {
}
