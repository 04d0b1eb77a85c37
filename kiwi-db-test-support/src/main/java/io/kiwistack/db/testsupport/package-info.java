/**
 * What the tests of kiwi-db's modules share, free of kiwi-db itself: the {@code sqlite3} shell
 * ({@link io.kiwistack.db.testsupport.Sqlite3Shell}), commands run to their end
 * ({@link io.kiwistack.db.testsupport.Command}), child JVMs to kill with {@code SIGKILL} or pause
 * with {@code SIGSTOP} ({@link io.kiwistack.db.testsupport.ChildJvm}), java.util.logging capture
 * ({@link io.kiwistack.db.testsupport.LogCapture}), an S3 server in the test's JVM
 * ({@link io.kiwistack.db.testsupport.S3ProxyExtension}), the record of acknowledged writes a
 * durability test checks a restore against ({@link io.kiwistack.db.testsupport.AcknowledgedWrites})
 * and the samples' HTTP client ({@link io.kiwistack.db.testsupport.JsonHttpClient}). Not published.
 */
package io.kiwistack.db.testsupport;
