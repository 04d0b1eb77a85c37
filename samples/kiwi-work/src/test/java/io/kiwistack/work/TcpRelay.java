package io.kiwistack.work;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay on 127.0.0.1: every connection to its {@link #port()} is forwarded, byte for byte
 * both ways, to a target port, so that a test can cut one process off from a server others still
 * reach. {@link #cut()} resets every relayed connection at once and, until {@link #heal()}, resets
 * each new one as soon as it is accepted (an {@code RST}, as a connection refused by a firewall;
 * the listening port stays bound, so that no other socket can take it meanwhile).
 */
final class TcpRelay implements AutoCloseable {

	private final ServerSocket server;

	private final int target;

	private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

	private final AtomicInteger accepted = new AtomicInteger();

	private final AtomicInteger reset = new AtomicInteger();

	private final Thread acceptor;

	private volatile boolean cut;

	private volatile boolean closed;

	private TcpRelay(ServerSocket server, int target, String name) {
		this.server = server;
		this.target = target;
		this.acceptor = new Thread(this::accept, "relay " + name + " :" + server.getLocalPort() + " -> :" + target);
		this.acceptor.setDaemon(true);
	}

	/** A relay from a port the system picks to {@code 127.0.0.1:target}, relaying from now on. */
	static TcpRelay start(String name, int target) throws IOException {
		ServerSocket server = new ServerSocket();
		server.setReuseAddress(true);
		server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
		TcpRelay relay = new TcpRelay(server, target, name);
		relay.acceptor.start();
		return relay;
	}

	/** The port it listens on, at 127.0.0.1. */
	int port() {
		return this.server.getLocalPort();
	}

	/** Resets every connection it relays and every new one, until {@link #heal()}. */
	void cut() {
		this.cut = true;
		for (Socket socket : this.sockets) {
			resetQuietly(socket);
		}
	}

	/** Relays new connections again. */
	void heal() {
		this.cut = false;
	}

	boolean isCut() {
		return this.cut;
	}

	/** How many connections it accepted, and how many it reset while cut: for a test's report. */
	String counts() {
		return this.accepted.get() + " connections accepted, " + this.reset.get() + " reset";
	}

	private void accept() {
		while (!this.closed) {
			Socket client;
			try {
				client = this.server.accept();
			}
			catch (IOException ex) {
				return;
			}
			this.accepted.incrementAndGet();
			if (this.cut) {
				resetQuietly(client);
				continue;
			}
			Socket upstream = new Socket();
			try {
				client.setTcpNoDelay(true);
				upstream.setTcpNoDelay(true);
				upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.target), 2_000);
			}
			catch (IOException ex) {
				resetQuietly(client);
				resetQuietly(upstream);
				continue;
			}
			this.sockets.add(client);
			this.sockets.add(upstream);
			if (this.cut) {
				// Cut between the accept and the connect: cut() may not have seen these two.
				resetQuietly(client);
				resetQuietly(upstream);
				continue;
			}
			AtomicInteger open = new AtomicInteger(2);
			pump(client, upstream, open);
			pump(upstream, client, open);
		}
	}

	/**
	 * Copies from {@code from} to {@code to} on a thread of its own until {@code from} ends, then
	 * ends {@code to}'s output; once both directions ended ({@code open} counts them down), closes
	 * both sockets. An error, or a cut, ends both directions at once.
	 */
	private void pump(Socket from, Socket to, AtomicInteger open) {
		Thread thread = new Thread(() -> {
			byte[] buffer = new byte[16 * 1024];
			boolean clean = false;
			try {
				InputStream in = from.getInputStream();
				OutputStream out = to.getOutputStream();
				for (int read = in.read(buffer); read >= 0 && !this.cut; read = in.read(buffer)) {
					out.write(buffer, 0, read);
					out.flush();
				}
				if (!this.cut) {
					to.shutdownOutput();
					clean = true;
				}
			}
			catch (IOException ex) {
				// The other side went, or cut() reset the connection: end both sides below.
			}
			if (this.cut) {
				resetQuietly(from);
				resetQuietly(to);
			}
			else if (!clean || open.decrementAndGet() == 0) {
				closeQuietly(from);
				closeQuietly(to);
			}
		}, Thread.currentThread().getName() + " pump");
		thread.setDaemon(true);
		thread.start();
	}

	private void resetQuietly(Socket socket) {
		try {
			if (!socket.isClosed()) {
				socket.setSoLinger(true, 0);
				this.reset.incrementAndGet();
			}
		}
		catch (IOException ex) {
			// Closed meanwhile.
		}
		closeQuietly(socket);
	}

	private void closeQuietly(Socket socket) {
		this.sockets.remove(socket);
		try {
			socket.close();
		}
		catch (IOException ex) {
			// Nothing left to do.
		}
	}

	@Override
	public void close() {
		this.closed = true;
		try {
			this.server.close();
		}
		catch (IOException ex) {
			// Nothing left to do.
		}
		for (Socket socket : this.sockets) {
			closeQuietly(socket);
		}
	}

}
