package org.celaut.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * A real node, started the way a maintainer starts one — {@code bin/celaut node run}, so with the
 * JVM options that script gives the node — on a free port, a data directory and a Docker network
 * of its own, stopping its instances when it stops. {@link #close()} stops it and removes
 * whatever it left in Docker (containers, network and images labelled with its node id).
 */
final class NodeProcess implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("celaut node (\\S+) listening on (\\S+):(\\d+)");

  private final Process process;
  private final String nodeId;
  private final int port;
  private final String network;
  private final Path log;

  private NodeProcess(Process process, String nodeId, int port, String network, Path log) {
    this.process = process;
    this.nodeId = nodeId;
    this.port = port;
    this.network = network;
    this.log = log;
  }

  /** Starts a node with its data in {@code work}/node; its output goes to {@code work}/node.log. */
  static NodeProcess start(Path work, String runId) throws IOException, InterruptedException {
    Path repo = BenchSupport.repository();
    String network = "celaut-bench-" + runId;
    Path log = work.resolve("node.log");
    List<String> cmd = new ArrayList<>(List.of(repo.resolve("bin/celaut").toString(), "node", "run",
        "--data-dir", work.resolve("node").toString(), "--port", "0", "--network-name", network,
        "--stop-instances-on-shutdown"));
    Process p = new ProcessBuilder(cmd).directory(repo.toFile()).redirectErrorStream(true).start();
    // The script execs java, so this pid is the node's JVM.
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<Matcher> ready = new CompletableFuture<>();
    Thread pump = new Thread(() -> {
      try (var w = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
        for (String line; (line = out.readLine()) != null; ) {
          w.write(line);
          w.newLine();
          w.flush();
          Matcher m = LISTENING.matcher(line);
          if (!ready.isDone() && m.find()) {
            ready.complete(m);
          }
        }
      } catch (IOException e) {
        // the node went away; ready fails below if it never started
      }
      ready.completeExceptionally(new IllegalStateException("the node exited before it listened; see " + log));
    }, "bench-node-log");
    pump.setDaemon(true);
    pump.start();
    try {
      Matcher m = ready.get(120, TimeUnit.SECONDS);
      return new NodeProcess(p, m.group(1), Integer.parseInt(m.group(3)), network, log);
    } catch (Exception e) {
      p.destroyForcibly();
      throw new IllegalStateException("the node did not start: " + e.getMessage() + " (log: " + log + ")", e);
    }
  }

  String address() {
    return "127.0.0.1:" + port;
  }

  String nodeId() {
    return nodeId;
  }

  String network() {
    return network;
  }

  long pid() {
    return process.pid();
  }

  /** The node JVM's command line, from /proc (which JVM options bin/celaut gave it). */
  String commandLine() throws IOException {
    return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid()), "cmdline")), StandardCharsets.UTF_8)
        .replace('\0', ' ').strip();
  }

  /** Resident set size of the node's JVM, from /proc. */
  long rssBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
      }
    }
    throw new IOException("no VmRSS in /proc/" + pid() + "/status");
  }

  /** The node's memory as it is, and its heap after a full collection. */
  record Memory(long heapCommitted, long rss, long heapUsedAfterGc) {}

  /**
   * Heap committed and RSS as they are (what the node holds from the system while it works),
   * then the heap in use after a full collection (what it really keeps): over JMX and /proc.
   */
  Memory memory() throws Exception {
    try (JMXConnector c = jmx()) {
      MBeanServerConnection mbs = c.getMBeanServerConnection();
      MemoryMXBean mem = java.lang.management.ManagementFactory.newPlatformMXBeanProxy(mbs,
          java.lang.management.ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
      long committed = mem.getHeapMemoryUsage().getCommitted();
      long rss = rssBytes();
      mem.gc();
      MemoryUsage after = mem.getHeapMemoryUsage();
      return new Memory(committed, rss, after.getUsed());
    }
  }

  /** What {@code jcmd PID COMMAND} prints, from its second line (the first names the pid). */
  String jcmd(String command, int maxLines) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("jcmd", Long.toString(pid()), command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out.lines().skip(1).limit(maxLines).reduce("", (a, b) -> a + b + "\n");
  }

  /** Live threads of the node's JVM, from /proc. */
  long threads() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
      if (line.startsWith("Threads:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return -1;
  }

  private JMXConnector jmx() throws Exception {
    com.sun.tools.attach.VirtualMachine vm = com.sun.tools.attach.VirtualMachine.attach(Long.toString(pid()));
    try {
      String url = vm.startLocalManagementAgent();
      return JMXConnectorFactory.connect(new JMXServiceURL(url));
    } finally {
      vm.detach();
    }
  }

  /**
   * Stops the node (SIGTERM: it stops its instances), then removes anything labelled with its
   * node id that is still there: containers, its network, the images it built.
   */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    BenchSupport.removeNodeLeftovers(nodeId, log.toString());
  }
}
