package io.kiwistack.db.benchmarks;

import java.io.IOException;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * One node of the failover run, in a JVM of its own that {@link ForkedNode} forks and kills with
 * {@code SIGKILL}: {@link ClusterApplication} on Tomcat, with {@link NodeReplicationController}
 * for its role, configured by its {@code --name=value} arguments as any Boot service is, its peer
 * secret from the environment. It ends when the report's JVM does, however that ends: it holds
 * the read end of a pipe the report never writes to, and halts when the pipe closes.
 */
public final class ClusterNodeMain {

	private ClusterNodeMain() {
	}

	public static void main(String[] args) {
		haltWhenTheParentIsGone();
		new SpringApplicationBuilder(ClusterApplication.class, NodeReplicationController.class)
			.web(WebApplicationType.SERVLET)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.run(args);
	}

	/**
	 * A report killed with {@code SIGKILL} runs no shutdown hook that could kill its nodes; the
	 * kernel closes its end of the standard input pipe all the same.
	 */
	private static void haltWhenTheParentIsGone() {
		Thread watch = new Thread(() -> {
			try {
				while (System.in.read() != -1) {
					// Nothing is ever written; read until the end.
				}
			}
			catch (IOException ex) {
				// A broken pipe is a gone parent too.
			}
			Runtime.getRuntime().halt(1);
		}, "parent-watch");
		watch.setDaemon(true);
		watch.start();
	}

}
