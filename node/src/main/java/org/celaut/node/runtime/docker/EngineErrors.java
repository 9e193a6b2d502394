package org.celaut.node.runtime.docker;

import com.github.dockerjava.api.exception.DockerException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.celaut.node.runtime.RuntimeFailure;
import org.celaut.node.runtime.RuntimeFailure.Kind;

/**
 * Turns what docker-java throws into {@link RuntimeFailure}s whose kind says whose fault it is and
 * whose message a maintainer can act on.
 */
final class EngineErrors {
  /** Engine texts that mean "this node is out of something now", lower case. */
  private static final List<String> EXHAUSTION =
      List.of(
          "port is already allocated",
          "address already in use",
          "cannot allocate memory",
          "out of memory",
          "no space left on device",
          "too many open files",
          "resource temporarily unavailable",
          "no available ipv4 addresses",
          "could not find an available, non-overlapping");

  /** Start-time texts that mean the entrypoint cannot be run, lower case. */
  private static final List<String> NOT_EXECUTABLE =
      List.of(
          "no such file or directory", "exec format error", "permission denied", "not a directory");

  private static final Pattern MESSAGE_FIELD =
      Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

  private final String dockerHost;

  EngineErrors(String dockerHost) {
    this.dockerHost = dockerHost;
  }

  /** A failure while doing {@code action} (a phrase like "creating the container"). */
  RuntimeFailure failure(String action, RuntimeException e) {
    if (e instanceof DockerException docker) {
      String text = engineText(docker);
      if (docker.getHttpStatus() == 404) {
        return new RuntimeFailure(Kind.NOT_FOUND, action + ": " + text, e);
      }
      if (isExhaustion(text)) {
        return new RuntimeFailure(
            Kind.RESOURCES_EXHAUSTED, action + ": the node is out of resources: " + text, e);
      }
      return new RuntimeFailure(Kind.ENGINE_ERROR, action + ": the Docker engine said: " + text, e);
    }
    IOException io = ioCause(e);
    if (io instanceof SocketTimeoutException) {
      return new RuntimeFailure(
          Kind.ENGINE_UNAVAILABLE,
          action
              + ": the Docker engine at "
              + dockerHost
              + " did not answer in time; it may be overloaded or hung",
          e);
    }
    if (io != null) {
      return new RuntimeFailure(
          Kind.ENGINE_UNAVAILABLE,
          action
              + ": cannot reach the Docker engine at "
              + dockerHost
              + ": is dockerd running? ("
              + io
              + ")",
          e);
    }
    return new RuntimeFailure(Kind.ENGINE_ERROR, action + ": " + e, e);
  }

  /**
   * A failure of the start call itself: an entrypoint the engine cannot execute is the service's
   * fault, anything else is classified as usual.
   */
  RuntimeFailure startFailure(String entrypoint, RuntimeException e) {
    if (e instanceof DockerException docker) {
      String text = engineText(docker);
      String lower = text.toLowerCase(Locale.ROOT);
      boolean aboutExec =
          lower.contains("exec") || lower.contains(entrypoint.toLowerCase(Locale.ROOT));
      if (aboutExec && NOT_EXECUTABLE.stream().anyMatch(lower::contains)) {
        return new RuntimeFailure(
            Kind.SERVICE_INVALID,
            "the service's entrypoint " + entrypoint + " cannot be executed: " + text,
            e);
      }
    }
    return failure("starting the container", e);
  }

  static boolean isExhaustion(String engineText) {
    String lower = engineText.toLowerCase(Locale.ROOT);
    return EXHAUSTION.stream().anyMatch(lower::contains);
  }

  /**
   * The engine's own words: docker-java's message is {@code Status 500: {"message":"…"}}; the JSON
   * wrapper helps nobody reading a log.
   */
  static String engineText(DockerException e) {
    String raw = e.getMessage() == null ? "" : e.getMessage();
    Matcher m = MESSAGE_FIELD.matcher(raw);
    if (m.find()) {
      return unescapeJson(m.group(1)).strip();
    }
    return raw.replaceFirst("^Status \\d+: ", "").strip();
  }

  private static String unescapeJson(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\' || i + 1 >= s.length()) {
        out.append(c);
        continue;
      }
      char next = s.charAt(++i);
      switch (next) {
        case 'n' -> out.append('\n');
        case 't' -> out.append('\t');
        case 'r' -> out.append('\r');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'u' -> {
          try {
            out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
            i += 4;
          } catch (RuntimeException notHex) {
            out.append("\\u");
          }
        }
        default -> out.append(next); // \" \\ \/
      }
    }
    return out.toString();
  }

  private static IOException ioCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IOException io) {
        return io;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }
}
