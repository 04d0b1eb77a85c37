package io.kiwistack.db.autoconfigure.web;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import io.kiwistack.db.replication.PeerProtocol;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.util.AntPathMatcher;

/**
 * Which requests a read replica forwards to the primary: those of
 * {@code kiwi.db.replication.forward-methods}, except under {@code forward-exclude-paths}, the
 * actuator's base path and {@code /kiwi-db/}, which this node always answers itself.
 */
final class ForwardedRequests {

	private final Set<String> methods;

	private final List<String> excludedPatterns;

	private final String actuatorBasePath;

	private final AntPathMatcher matcher = new AntPathMatcher();

	/**
	 * @param actuatorBasePath the actuator's base path on this server, {@code null} when the
	 * actuator is elsewhere or mapped at the root
	 */
	ForwardedRequests(List<String> methods, List<String> excludedPatterns, String actuatorBasePath) {
		this.methods = methods.stream().map((method) -> method.strip().toUpperCase(Locale.ROOT))
			.collect(Collectors.toUnmodifiableSet());
		this.excludedPatterns = List.copyOf(excludedPatterns);
		this.actuatorBasePath = actuatorBasePath;
	}

	boolean forwards(HttpServletRequest request) {
		if (!this.methods.contains(request.getMethod().toUpperCase(Locale.ROOT))) {
			return false;
		}
		// Decided on the path the servlet container maps (decoded, with '..' resolved), so that no
		// spelling of an excluded path is forwarded.
		String path = request.getServletPath() + ((request.getPathInfo() != null) ? request.getPathInfo() : "");
		if (path.isEmpty()) {
			path = "/";
		}
		if (path.startsWith(PeerProtocol.PREFIX) || isUnder(path, this.actuatorBasePath)) {
			return false;
		}
		for (String pattern : this.excludedPatterns) {
			if (this.matcher.match(pattern, path)) {
				return false;
			}
		}
		return true;
	}

	private static boolean isUnder(String path, String base) {
		return base != null && (path.equals(base) || path.startsWith(base + "/"));
	}

}
