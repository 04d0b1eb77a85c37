package io.kiwistack.db.compatibility.quartz;

import java.util.concurrent.atomic.AtomicInteger;

import org.quartz.impl.jdbcjobstore.HSQLDBDelegate;

/** A driver delegate an application configures itself: counts how often Quartz creates one. */
public class RecordingDelegate extends HSQLDBDelegate {

	static final AtomicInteger created = new AtomicInteger();

	public RecordingDelegate() {
		created.incrementAndGet();
	}

}
