package org.celaut.node.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds a {@link NodeConfig} from layers, each overriding the one before: defaults, a properties
 * file, environment variables ({@code CELAUT_} + the key in upper case with dots and dashes as
 * underscores, e.g. {@code CELAUT_DATA_DIR}), then flags. A pure function of its inputs: the
 * caller reads the file and the environment, so tests pass plain maps.
 *
 * <p>Keys: {@code data-dir}, {@code bind-host}, {@code port}, {@code advertised-host}, {@code
 * docker-host}, {@code network-name}, {@code default-mem-limit-bytes}, {@code max-service-bytes},
 * {@code max-message-bytes}, {@code start-timeout-seconds}, {@code shutdown-grace-seconds}, {@code
 * stop-instances-on-shutdown}, {@code max-child-depth}, {@code max-children-per-instance}, {@code
 * max-total-mem-bytes}, {@code max-recursion-hops}, {@code ready-timeout-seconds}, {@code pids-limit},
 * {@code default-cpus}, {@code container-log-max-bytes}, {@code container-log-files}, {@code
 * container-capabilities}, {@code disk-budget-bytes}, {@code max-concurrent-calls}, {@code
 * max-calls-per-caller}, {@code input-timeout-seconds}. An unknown key in the file or the flags is an error (a typo must
 * not silently fall back to a default); unknown {@code CELAUT_} variables are ignored because the
 * CLI shares that prefix.
 */
public final class NodeConfigLoader {

  /** Every key this loader understands. */
  public static final Set<String> KEYS =
      Set.of(
          "data-dir",
          "bind-host",
          "port",
          "advertised-host",
          "docker-host",
          "network-name",
          "default-mem-limit-bytes",
          "max-service-bytes",
          "max-message-bytes",
          "start-timeout-seconds",
          "shutdown-grace-seconds",
          "stop-instances-on-shutdown",
          "max-child-depth",
          "max-children-per-instance",
          "max-total-mem-bytes",
          "max-recursion-hops",
          "ready-timeout-seconds",
          "pids-limit",
          "default-cpus",
          "container-log-max-bytes",
          "container-log-files",
          "container-capabilities",
          "disk-budget-bytes",
          "max-concurrent-calls",
          "max-calls-per-caller",
          "input-timeout-seconds");

  private NodeConfigLoader() {}

  /** Reads a properties file (keys as above); a missing file is an error naming the path. */
  public static Map<String, String> readFile(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String k : p.stringPropertyNames()) {
      out.put(k.trim(), p.getProperty(k).trim());
    }
    return out;
  }

  /** Picks this loader's keys out of an environment map. */
  public static Map<String, String> fromEnvironment(Map<String, String> env) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String key : KEYS) {
      String var = "CELAUT_" + key.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
      String v = env.get(var);
      if (v != null && !v.isBlank()) {
        out.put(key, v.trim());
      }
    }
    return out;
  }

  /**
   * Layers {@code file}, then {@code env} (already filtered by {@link #fromEnvironment}), then
   * {@code flags} over the defaults. Throws {@link IllegalArgumentException} naming the key and
   * the layer for an unknown key or a bad value.
   */
  public static NodeConfig load(
      Map<String, String> file, Map<String, String> env, Map<String, String> flags) {
    Map<String, String> merged = new LinkedHashMap<>();
    Map<String, String> origin = new LinkedHashMap<>();
    layer(merged, origin, file, "config file");
    layer(merged, origin, env, "environment");
    layer(merged, origin, flags, "flags");
    NodeConfig d = NodeConfig.defaults();
    Values v = new Values(merged, origin);
    Path dataDir = Path.of(v.string("data-dir", d.dataDir().toString()));
    String bindHost = v.string("bind-host", d.bindHost());
    return new NodeConfig(
        dataDir,
        bindHost,
        v.integer("port", d.port(), 0, 65535),
        v.string("advertised-host", bindHost.equals("0.0.0.0") ? "127.0.0.1" : bindHost),
        v.string("docker-host", d.dockerHost()),
        v.string("network-name", d.networkName()),
        v.bytes("default-mem-limit-bytes", d.defaultMemLimitBytes()),
        v.bytes("max-service-bytes", d.maxServiceBytes()),
        v.bytes("max-message-bytes", d.maxMessageBytes()),
        Duration.ofSeconds(v.integer("start-timeout-seconds", (int) d.startTimeout().toSeconds(), 1, 3600)),
        Duration.ofSeconds(v.integer("shutdown-grace-seconds", (int) d.shutdownGrace().toSeconds(), 0, 3600)),
        v.bool("stop-instances-on-shutdown", d.stopInstancesOnShutdown()),
        v.integer("max-child-depth", d.maxChildDepth(), 0, 1000),
        v.integer("max-children-per-instance", d.maxChildrenPerInstance(), 0, 100_000),
        v.bytes("max-total-mem-bytes", d.maxTotalMemBytes()),
        v.integer("max-recursion-hops", d.maxRecursionHops(), 1, 1000),
        Duration.ofSeconds(v.integer("ready-timeout-seconds", (int) d.readyTimeout().toSeconds(), 1, 3600)),
        v.integer("pids-limit", (int) d.pidsLimit(), 1, 4_194_304),
        v.decimal("default-cpus", d.defaultCpus(), 0.01, 1024),
        v.bytes("container-log-max-bytes", d.containerLogMaxBytes()),
        v.integer("container-log-files", d.containerLogFiles(), 1, 100),
        v.capabilities("container-capabilities", d.containerCapabilities()),
        v.budget("disk-budget-bytes", d.diskBudgetBytes()),
        v.integer("max-concurrent-calls", d.maxConcurrentCalls(), 1, 100_000),
        v.integer("max-calls-per-caller", d.maxCallsPerCaller(), 1, 100_000),
        Duration.ofSeconds(v.integer("input-timeout-seconds", (int) d.inputTimeout().toSeconds(), 1, 3600)));
  }

  private static void layer(
      Map<String, String> merged, Map<String, String> origin, Map<String, String> layer, String name) {
    Set<String> unknown = new TreeSet<>();
    for (Map.Entry<String, String> e : layer.entrySet()) {
      if (!KEYS.contains(e.getKey())) {
        unknown.add(e.getKey());
        continue;
      }
      merged.put(e.getKey(), e.getValue());
      origin.put(e.getKey(), name);
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown configuration key(s) " + unknown + " in " + name + "; known keys: " + new TreeSet<>(KEYS));
    }
  }

  private record Values(Map<String, String> merged, Map<String, String> origin) {
    String string(String key, String dflt) {
      String s = merged.get(key);
      return s == null ? dflt : s;
    }

    int integer(String key, int dflt, int min, int max) {
      String s = merged.get(key);
      if (s == null) {
        return dflt;
      }
      try {
        int n = Integer.parseInt(s);
        if (n < min || n > max) {
          throw bad(key, s, "a whole number from " + min + " to " + max);
        }
        return n;
      } catch (NumberFormatException e) {
        throw bad(key, s, "a whole number from " + min + " to " + max);
      }
    }

    long bytes(String key, long dflt) {
      String s = merged.get(key);
      if (s == null) {
        return dflt;
      }
      try {
        long n = parseBytes(s);
        if (n <= 0) {
          throw bad(key, s, "a positive size");
        }
        return n;
      } catch (NumberFormatException e) {
        throw bad(key, s, "a size in bytes, optionally with a KiB/MiB/GiB suffix");
      }
    }

    double decimal(String key, double dflt, double min, double max) {
      String s = merged.get(key);
      if (s == null) {
        return dflt;
      }
      try {
        double n = Double.parseDouble(s);
        if (!(n >= min && n <= max)) {
          throw bad(key, s, "a number from " + min + " to " + max);
        }
        return n;
      } catch (NumberFormatException e) {
        throw bad(key, s, "a number from " + min + " to " + max + " (e.g. 1.5)");
      }
    }

    /** A size, or 0 / none / unlimited for no budget. */
    long budget(String key, long dflt) {
      String s = merged.get(key);
      if (s == null) {
        return dflt;
      }
      String t = s.trim().toLowerCase(Locale.ROOT);
      if (t.equals("0") || t.equals("none") || t.equals("unlimited")) {
        return 0;
      }
      return bytes(key, dflt);
    }

    Set<String> capabilities(String key, Set<String> dflt) {
      String s = merged.get(key);
      if (s == null) {
        return dflt;
      }
      try {
        return org.celaut.node.runtime.ContainerCapabilities.parse(s);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            key + " = '" + s + "' (from " + origin.get(key) + "): " + e.getMessage());
      }
    }

    boolean bool(String key, boolean dflt) {
      String s = merged.get(key);
      if (s == null) {
        return dflt;
      }
      return switch (s.toLowerCase(Locale.ROOT)) {
        case "true", "yes", "1", "on" -> true;
        case "false", "no", "0", "off" -> false;
        default -> throw bad(key, s, "true or false");
      };
    }

    IllegalArgumentException bad(String key, String value, String expected) {
      return new IllegalArgumentException(
          key + " = '" + value + "' (from " + origin.get(key) + ") is not " + expected);
    }
  }

  /** Parses {@code 123}, {@code 64KiB}, {@code 256MiB}, {@code 4GiB} (also KB/MB/GB as binary). */
  static long parseBytes(String s) {
    String t = s.trim().toUpperCase(Locale.ROOT).replace(" ", "");
    long mult = 1;
    for (String[] suffix :
        new String[][] {{"KIB", "10"}, {"MIB", "20"}, {"GIB", "30"}, {"KB", "10"}, {"MB", "20"}, {"GB", "30"}, {"K", "10"}, {"M", "20"}, {"G", "30"}}) {
      if (t.endsWith(suffix[0])) {
        mult = 1L << Integer.parseInt(suffix[1]);
        t = t.substring(0, t.length() - suffix[0].length());
        break;
      }
    }
    return Math.multiplyExact(Long.parseLong(t), mult);
  }
}
