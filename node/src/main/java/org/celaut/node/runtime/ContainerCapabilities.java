package org.celaut.node.runtime;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which Linux capabilities an instance's container keeps. Every container starts with all of
 * them dropped; this is the one place that decides what is given back.
 *
 * <p><b>Why a node-wide list and not the service's.</b> The Celaut wire schema has no field in
 * which a service declares capabilities or privileges: {@code Service.Container} carries
 * architecture, filesystem, entrypoint, resources and config path, {@code Container.Init.xattrs}
 * is "not read today", and {@code Service.Network} names peer domains, not host powers. Reading a
 * privilege out of a field the reference does not define would let any uploader grant itself
 * powers on a stranger's machine. So what a service "declares it needs" is, today, nothing, and
 * what it gets is what the node maintainer allows every instance: {@link #DEFAULT_KEPT} unless the
 * configuration key {@value #CONFIG_KEY} says otherwise.
 *
 * <p><b>Why {@code NET_BIND_SERVICE} and nothing else.</b> A service is one process tree serving
 * its API ports, often as uid 0 (the example {@code hello-http} runs busybox httpd as root). It
 * needs no capability for that on an engine that opens low ports to unprivileged processes
 * (Docker 20.10 sets {@code net.ipv4.ip_unprivileged_port_start=0} in a container), but older
 * engines do not, and a service whose API port is 80 must still be able to listen on it. Root
 * without the other capabilities still owns the files of its image (they belong to uid 0), so
 * reading, writing and executing them works; what goes is changing owners, bypassing permission
 * bits, raw sockets, mknod, setuid/setgid transitions, killing processes of other users and the
 * rest of Docker's defaults, none of which a Celaut service has a declared reason to use.
 */
public final class ContainerCapabilities {

  /** The configuration key that overrides the kept set. */
  public static final String CONFIG_KEY = "container-capabilities";

  /** Kept when the node is not configured otherwise. */
  public static final Set<String> DEFAULT_KEPT = Set.of("NET_BIND_SERVICE");

  /** The capabilities of capabilities(7) that Docker can add, without their {@code CAP_} prefix. */
  public static final Set<String> KNOWN =
      Set.of(
          "AUDIT_CONTROL", "AUDIT_READ", "AUDIT_WRITE", "BLOCK_SUSPEND", "BPF",
          "CHECKPOINT_RESTORE", "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID",
          "IPC_LOCK", "IPC_OWNER", "KILL", "LEASE", "LINUX_IMMUTABLE", "MAC_ADMIN",
          "MAC_OVERRIDE", "MKNOD", "NET_ADMIN", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_RAW",
          "PERFMON", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_ADMIN", "SYS_BOOT",
          "SYS_CHROOT", "SYSLOG", "SYS_MODULE", "SYS_NICE", "SYS_PACCT", "SYS_PTRACE",
          "SYS_RAWIO", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "WAKE_ALARM");

  private ContainerCapabilities() {}

  /**
   * Parses a comma-separated list ({@code NET_BIND_SERVICE,CHOWN}; case and a {@code CAP_} prefix
   * are ignored; empty keeps none).
   *
   * @throws IllegalArgumentException naming a capability Linux does not have
   */
  public static Set<String> parse(String csv) {
    Set<String> out = new TreeSet<>();
    for (String raw : csv.split(",")) {
      String name = raw.trim().toUpperCase(Locale.ROOT);
      if (name.isEmpty()) {
        continue;
      }
      if (name.startsWith("CAP_")) {
        name = name.substring(4);
      }
      if (!KNOWN.contains(name)) {
        throw new IllegalArgumentException(
            "'" + raw.trim() + "' is not a Linux capability; known: " + new TreeSet<>(KNOWN));
      }
      out.add(name);
    }
    return Set.copyOf(out);
  }

  /** Checks a set already split into names (as {@link #parse} leaves them). */
  public static Set<String> check(Set<String> names) {
    return parse(String.join(",", names));
  }
}
