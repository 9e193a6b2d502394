package org.celaut.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node in its own JVM, as a maintainer runs it ({@code celaut node run}), for tests about
 * crashes: {@link #kill9} is a real SIGKILL, with no shutdown hook and no chance to clean up.
 * Its output goes to a log file the failure messages quote.
 */
final class NodeProcess implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("celaut node (\\S+) listening on \\S+:(\\d+)");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Process process;
  private final Path log;
  private final String nodeId;
  private final int port;

  private NodeProcess(Process process, Path log, String nodeId, int port) {
    this.process = process;
    this.log = log;
    this.nodeId = nodeId;
    this.port = port;
  }

  /** Starts {@code celaut node run} on {@code dataDir} (a free port, the e2e network) and waits until it listens. */
  static NodeProcess start(Path dataDir, Path log, String... settings) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m",
        "-cp", System.getProperty("java.class.path"),
        "org.celaut.cli.Main", "node", "run",
        "--data-dir", dataDir.toString(),
        "--port", "0",
        "--network-name", TestNode.NETWORK));
    String hosts = System.getProperty("jdk.net.hosts.file");
    if (hosts != null) { // the tests' name resolution (testdata/hosts): no DNS query leaves the machine
      cmd.add(1, "-Djdk.net.hosts.file=" + hosts);
    }
    for (String s : settings) {
      cmd.add("--set");
      cmd.add(s);
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    CompletableFuture<Matcher> listening = new CompletableFuture<>();
    Thread pump = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
          PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8,
              StandardOpenOption.CREATE, StandardOpenOption.APPEND), true)) {
        for (String line; (line = in.readLine()) != null; ) {
          out.println(line);
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            listening.complete(m);
          }
        }
      } catch (IOException e) {
        listening.completeExceptionally(new UncheckedIOException(e));
      }
      listening.completeExceptionally(new IllegalStateException("the node exited before it listened"));
    }, "node-process-output");
    pump.setDaemon(true);
    pump.start();
    try {
      Matcher m = listening.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      return new NodeProcess(p, log, m.group(1), Integer.parseInt(m.group(2)));
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      p.destroyForcibly().waitFor();
      throw new IllegalStateException("the node process did not start: " + e.getMessage() + "; its output:\n"
          + Files.readString(log), e);
    }
  }

  String nodeId() {
    return nodeId;
  }

  int port() {
    return port;
  }

  String address() {
    return "127.0.0.1:" + port;
  }

  long pid() {
    return process.pid();
  }

  /** SIGKILL, and waits until the process is gone. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  String output() throws IOException {
    return Files.readString(log);
  }

  /** SIGTERM (a graceful stop), then SIGKILL if it takes too long. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }
}
