package org.celaut.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The celaut command as its own process, as a shell runs it (the module's classes and
 * dependencies, which the shaded jar packs): what it prints on its own streams, reads from its
 * environment, and what its exit code is.
 */
class CelautProcessTest {

  /** ISO-8601 with milliseconds and an offset, as simplelogger.properties writes it. */
  private static final Pattern TIMESTAMPED = Pattern.compile(
      "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(Z|[+-]\\d{2}:\\d{2}) .*");

  @TempDir Path work;

  private static ProcessBuilder celaut(String... args) {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    String hosts = System.getProperty("jdk.net.hosts.file");
    if (hosts != null) { // the tests' name resolution (testdata/hosts): no DNS query leaves the machine
      cmd.add(1, "-Djdk.net.hosts.file=" + hosts);
    }
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove(NodeAddress.ENV);
    return pb;
  }

  record Ran(int code, String out, String err) {}

  private static Ran run(ProcessBuilder pb) throws Exception {
    Process p = pb.start();
    p.getOutputStream().close();
    var out = p.getInputStream().readAllBytes();
    var err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Ran(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
  }

  @Test
  void theNodesLogLinesStartWithATimestamp() throws Exception {
    ProcessBuilder pb = celaut("node", "run", "--data-dir", work.resolve("node").toString(), "--port", "0",
        "--network-name", "celaut-e2e", "--stop-instances-on-shutdown");
    Path out = work.resolve("out.txt");
    pb.redirectOutput(out.toFile());
    Process p = pb.start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
      for (String l = err.readLine(); l != null; l = err.readLine()) {
        lines.add(l);
        if (l.contains("node started")) {
          break;
        }
      }
      assertThat(lines).as("the node started").anyMatch(l -> l.contains("node started"));
      p.toHandle().destroy(); // SIGTERM: a graceful stop, which logs too (Process.destroy would close our pipes)
      for (String l = err.readLine(); l != null; l = err.readLine()) {
        lines.add(l);
      }
    } finally {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(lines).anyMatch(l -> l.contains("node stopped"));
    assertThat(lines).allSatisfy(l -> assertThat(l).matches(TIMESTAMPED));
    assertThat(Files.readString(out)).startsWith("celaut node ").contains(" listening on 127.0.0.1:");
  }

  @Test
  void aHostNameThatDoesNotResolveIsOneLineWithoutAStackTrace() throws Exception {
    Ran r = run(celaut("ls", "--node", "nosuch.invalid:8090"));
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("celaut: list instances: cannot reach the node at nosuch.invalid:8090: the host name"
        + " does not resolve (the address given by --node). Start a node with 'celaut node run', or name a running"
        + " node with --node HOST:PORT or CELAUT_NODE" + System.lineSeparator());
  }

  @Test
  void theNodeAddressComesFromCelautNodeWhenNoFlagGivesIt() throws Exception {
    ProcessBuilder garbage = celaut("ls");
    garbage.environment().put(NodeAddress.ENV, "garbage");
    Ran g = run(garbage);
    assertThat(g.code()).isEqualTo(2);
    assertThat(g.err()).isEqualTo("celaut: CELAUT_NODE takes HOST:PORT, e.g. 127.0.0.1:8090 (an IPv6 host in"
        + " brackets: [::1]:8090), got 'garbage'" + System.lineSeparator());

    int port = CliTest.closedPort();
    ProcessBuilder closed = celaut("stop", "sometoken");
    closed.environment().put(NodeAddress.ENV, "127.0.0.1:" + port);
    Ran c = run(closed);
    assertThat(c.code()).isEqualTo(3);
    assertThat(c.err()).startsWith("celaut: stop: cannot reach the node at 127.0.0.1:" + port + ": ")
        .contains("(the address from CELAUT_NODE)").hasLineCount(1);

    ProcessBuilder flagWins = celaut("ls", "--node", "127.0.0.1:" + port);
    flagWins.environment().put(NodeAddress.ENV, "garbage");
    Ran f = run(flagWins);
    assertThat(f.code()).isEqualTo(3);
    assertThat(f.err()).contains("(the address given by --node)");
  }

}
