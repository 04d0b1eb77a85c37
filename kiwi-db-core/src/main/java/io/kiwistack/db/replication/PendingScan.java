package io.kiwistack.db.replication;

import java.io.IOException;

/**
 * Counts what is committed in the log but not shipped yet, from a shipping state read once, so
 * the figures belong to one position. Reads at most {@link #SCAN_LIMIT} bytes of the log, so that
 * asking stays cheap when a large backlog builds up: the figures are then a lower bound.
 */
final class PendingScan {

	static final int SCAN_LIMIT = 4 * 1024 * 1024;

	private PendingScan() {
	}

	static Pending of(WalFile wal, ShippingState state) {
		try {
			LogProgress shipped = (state instanceof ShippingState.Shipping shipping) ? shipping.log() : null;
			if (shipped == null || shipped.header() == null || shipped.offset() == 0) {
				byte[] whole = wal.read(0, SCAN_LIMIT);
				WalHeader current = WalHeader.parse(whole, 0, whole.length);
				if (current == null) {
					return new Pending(0, 0);
				}
				WalFrames.Scan scan = WalFrames.scan(current, current.checksum(), whole, WalHeader.SIZE,
						whole.length - WalHeader.SIZE);
				return new Pending(scan.committedLength(), scan.commits());
			}
			byte[] tail = wal.read(shipped.offset(), SCAN_LIMIT);
			WalFrames.Scan scan = WalFrames.scan(shipped.header(), shipped.checksum(), tail, 0, tail.length);
			return new Pending(scan.committedLength(), scan.commits());
		}
		catch (IOException ex) {
			return new Pending(0, 0);
		}
	}

	/**
	 * What is committed but not shipped.
	 *
	 * @param bytes log bytes
	 * @param transactions commits
	 */
	record Pending(long bytes, int transactions) {
	}

}
