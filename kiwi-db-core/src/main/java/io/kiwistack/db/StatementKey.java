package io.kiwistack.db;

/**
 * What makes two prepared statements interchangeable in a {@link StatementCache}: the same SQL,
 * and the same answer to whether the caller wants generated keys back.
 */
record StatementKey(String sql, boolean returnsGeneratedKeys) {
}
