package org.celaut.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.celaut.sdk.pack.PackResult;
import org.celaut.testkit.HelloHttp;
import org.celaut.sdk.pack.ServicePacker;

/** What the benchmarks share: the example service, Docker, readiness, processes, statistics. */
final class BenchSupport {

  /** The slot hello-http serves on. */
  static final int SLOT = 8080;
  /** Label on every container the benchmarks start themselves (the floors), for cleaning up. */
  static final String BENCH_LABEL = "org.celaut.bench";

  private BenchSupport() {}

  /** The repository root (benchmarks run from it: they use examples/ and bin/celaut). */
  static Path repository() {
    Path root = Path.of("").toAbsolutePath();
    if (!Files.isDirectory(root.resolve("examples/hello-http")) || !Files.isRegularFile(root.resolve("bin/celaut"))) {
      throw new IllegalStateException("run the benchmarks from the repository root (examples/hello-http and bin/celaut"
          + " not found in " + root + ")");
    }
    return root;
  }

  /**
   * Packs a copy of {@code examples/hello-http} (with Debian's static busybox, as
   * examples/hello-http/prepare.sh does) into {@code work}; the checkout is not touched.
   */
  static PackResult packHelloHttp(Path work) throws Exception {
    return HelloHttp.pack(repository(), work);
  }

  /**
   * The image the node runs its instances from, read off one of its containers (call it while an
   * instance runs). Not looked up by tag or label: a node uses an image of the service that is
   * already on the engine, whoever built it.
   */
  static String imageOfRunningInstance(String nodeId) throws IOException, InterruptedException {
    String out = docker("ps", "--filter", "label=org.celaut.node=" + nodeId, "--format", "{{.Image}}").strip();
    return out.lines().findFirst()
        .orElseThrow(() -> new IllegalStateException("node " + nodeId + " runs no container"));
  }

  /** Runs {@code docker ARGS...}; its output, or an IOException with it if it failed. */
  static String docker(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add("docker");
    Collections.addAll(cmd, args);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + out.strip());
    }
    return out;
  }

  /** Removes every container this benchmark run labelled (the floors' containers). */
  static void removeBenchContainers(String runId) {
    try {
      String ids = docker("ps", "-aq", "--filter", "label=" + BENCH_LABEL + "=" + runId).strip();
      if (!ids.isEmpty()) {
        List<String> rm = new ArrayList<>(List.of("rm", "-f"));
        rm.addAll(ids.lines().toList());
        docker(rm.toArray(String[]::new));
      }
    } catch (IOException | InterruptedException e) {
      System.err.println("bench: could not remove the containers labelled " + BENCH_LABEL + "=" + runId + ": " + e.getMessage());
    }
  }

  /**
   * Removes what a node (stopped by now) left in Docker, found by its node-id label: containers,
   * its network, the images it built. {@code where} says where to look if that fails.
   */
  static void removeNodeLeftovers(String nodeId, String where) {
    String label = "label=org.celaut.node=" + nodeId;
    removeListed("containers", List.of("ps", "-aq", "--filter", label), List.of("rm", "-f"), where);
    removeListed("networks", List.of("network", "ls", "-q", "--filter", label), List.of("network", "rm"), where);
    removeListed("images", List.of("images", "-q", "--filter", label), List.of("rmi", "-f"), where);
  }

  private static void removeListed(String what, List<String> list, List<String> remove, String where) {
    try {
      String ids = docker(list.toArray(String[]::new)).strip();
      if (!ids.isEmpty()) {
        List<String> rm = new ArrayList<>(remove);
        ids.lines().distinct().forEach(rm::add);
        docker(rm.toArray(String[]::new));
      }
    } catch (IOException | InterruptedException e) {
      System.err.println("bench: could not remove the node's " + what + " (" + String.join(" ", list) + "): "
          + e.getMessage() + "; see " + where);
    }
  }

  /** A container the floor started, and the loopback port its slot is published on. */
  record Published(String containerId, int port, Timed run) {}

  /**
   * {@code docker run -d -p 127.0.0.1:PORT:8080 IMAGE}, labelled with this run's id, on a port free
   * right now. Docker keeps its own list of ports it handed out and frees them a little after a
   * container is removed, so a port the kernel calls free can still be "already allocated": then
   * it tries another port (the failed attempt's time stays in the figure; it is rare).
   */
  static Published dockerRunPublished(String image, String runId) throws IOException, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      int port = freePort();
      Timed run = timed(List.of("docker", "run", "-d", "--label", BENCH_LABEL + "=" + runId,
          "-p", "127.0.0.1:" + port + ":" + SLOT, "--entrypoint", "/bin/service", image), Path.of("."));
      if (run.exitCode() == 0) {
        return new Published(run.out().strip(), port, run);
      }
      String created = run.out().strip(); // docker created the container before the port failed
      if (!created.isEmpty()) {
        timed(List.of("docker", "rm", "-f", created), Path.of("."));
      }
      if (!run.err().contains("already allocated") || attempt == 5) {
        throw new IOException("docker run failed: " + run.err().strip());
      }
    }
  }

  /** A TCP port free on the loopback right now. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * Sends {@code GET /} until an HTTP status line comes back, polling every millisecond. A bare
   * TCP connect is not enough: Docker's port proxy accepts connections on the published port
   * before the service inside listens. Both sides of every comparison use this same check.
   *
   * @return how many attempts it took
   */
  static int awaitHttp(InetSocketAddress a, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int attempts = 0;
    while (System.nanoTime() < deadline) {
      attempts++;
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(a.getHostString(), a.getPort()), 200);
        s.setSoTimeout(1000);
        s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        byte[] head = s.getInputStream().readNBytes(7);
        if (new String(head, StandardCharsets.US_ASCII).equals("HTTP/1.")) {
          return attempts;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(1);
    }
    throw new IllegalStateException(a + " never answered within " + timeout);
  }

  /** What one run of a command cost. */
  record Timed(int exitCode, String out, String err, long wallNanos, long cpuNanos) {}

  private static final Pattern TIMES = Pattern.compile("(\\d+)m([\\d.]+)s (\\d+)m([\\d.]+)s");

  /**
   * Runs {@code cmd} as a process and measures its wall time (here, from start to exit) and CPU
   * time (user + system of the command and its children, as bash's {@code times} reports them).
   * Every command is wrapped alike — {@code bash -c '"$@"; times'} — so the wrapper's few
   * milliseconds fall on both sides of a comparison.
   */
  static Timed timed(List<String> cmd, Path dir) throws IOException, InterruptedException {
    List<String> wrapped = new ArrayList<>(List.of("bash", "-c", "\"$@\"; rc=$?; times >&2; exit $rc", "bash"));
    wrapped.addAll(cmd);
    ProcessBuilder pb = new ProcessBuilder(wrapped).directory(dir.toFile());
    long t0 = System.nanoTime();
    Process p = pb.start();
    // Small outputs only (a listing, a token): read both after exit would risk a full pipe, so
    // read them while it runs.
    var err = new java.util.concurrent.CompletableFuture<String>();
    Thread drain = new Thread(() -> {
      try {
        err.complete(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        err.complete("");
      }
    });
    drain.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = p.waitFor();
    long wall = System.nanoTime() - t0;
    drain.join();
    String errText = err.join();
    // The last line of stderr is `times`: the shell's own user/sys, then its children's.
    List<String> lines = errText.lines().toList();
    long cpu = -1;
    String rest = errText;
    if (lines.size() >= 2) {
      Matcher m = TIMES.matcher(lines.get(lines.size() - 1));
      if (m.matches()) {
        cpu = seconds(m.group(1), m.group(2)) + seconds(m.group(3), m.group(4));
        rest = String.join("\n", lines.subList(0, lines.size() - 2));
      }
    }
    return new Timed(code, out, rest, wall, cpu);
  }

  private static long seconds(String minutes, String secs) {
    return (long) ((Long.parseLong(minutes) * 60 + Double.parseDouble(secs)) * 1e9);
  }

  static double median(List<Long> xs) {
    List<Long> s = new ArrayList<>(xs);
    Collections.sort(s);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2.0;
  }

  static double millis(double nanos) {
    return nanos / 1e6;
  }

  /**
   * Whether {@code bin/celaut} runs client commands from the class-data-sharing archive the build
   * made: without it (a jar rebuilt with {@code -Dcelaut.cds.skip=true}, another JDK, a moved
   * checkout) every client command is several times slower, and a figure means little.
   */
  static String cliArchiveState() throws IOException, InterruptedException {
    Path repo = repository();
    // A directory, not a file made beforehand: the JVM's log rotation would keep the old file as .0.
    Path dir = Files.createTempDirectory("celaut-bench-classload");
    Path log = dir.resolve("class-load.log");
    try {
      ProcessBuilder pb = new ProcessBuilder(repo.resolve("bin/celaut").toString(), "--version")
          .directory(repo.toFile()).redirectErrorStream(true);
      String opts = System.getenv().getOrDefault("CELAUT_JAVA_OPTS", "");
      pb.environment().put("CELAUT_JAVA_OPTS", (opts + " -Xlog:class+load=info:file=" + log).strip());
      Process p = pb.start();
      p.getInputStream().readAllBytes();
      p.waitFor();
      boolean used = Files.exists(log) && Files.readString(log).lines()
          .anyMatch(l -> l.contains(" org.celaut.cli.Main source: shared objects file"));
      return used ? "used" : "NOT used (missing, stale or made elsewhere: rebuild with ./mvnw -q package -DskipTests)";
    } finally {
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  /** The 1-minute load average, for the record: timings taken under load are noisy. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }
}
