package io.kiwistack.db.autoconfigure;

import io.kiwistack.db.KiwiDbSettings;

/**
 * Callback for a bean that takes part in opening the auto-configured kiwi-db database, before its
 * {@link KiwiDbDataSource} opens it: it may change the settings the database opens with, and then
 * make the database file ready for them. Replication is one: it opens a read replica read-only,
 * and restores a missing file from the replica. Customizers are applied in their
 * {@link org.springframework.core.Ordered order}.
 * <p>
 * It lets the features built on the database shape its opening without the database's
 * auto-configuration knowing about them.
 */
@FunctionalInterface
public interface KiwiDbSettingsCustomizer {

	/**
	 * Change the settings the database opens with, after {@code kiwi.db.*} have been applied.
	 * @param settings the settings, not yet built
	 */
	void customize(KiwiDbSettings.Builder settings);

	/**
	 * Make the database file ready, once the settings are final and just before the database opens:
	 * for example create or restore it. Leftover temporary files beside it have been removed by
	 * then. An exception stops startup before the database opens.
	 * @param settings the settings the database opens with
	 */
	default void beforeOpen(KiwiDbSettings settings) {
	}

	/**
	 * The settings the database opens with, once its file is ready: those given, unless what made
	 * the file ready decided only then how it opens (a node in replication's {@code auto} mode
	 * learns whether it is the primary or follows from the replica's claim).
	 * @param settings the settings after every customizer's {@link #customize}
	 */
	default KiwiDbSettings settingsToOpen(KiwiDbSettings settings) {
		return settings;
	}

}
