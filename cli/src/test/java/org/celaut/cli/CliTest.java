package org.celaut.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.celaut.node.Node;
import org.celaut.node.config.NodeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The celaut command as a person or a script uses it, against a real node on real Docker. */
class CliTest {

  @RegisterExtension static final TestNodes nodes = new TestNodes();

  @TempDir Path work;
  private final ObjectMapper json = new ObjectMapper();

  record Result(int code, String out, String err) {}

  private static Result celaut(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(code, out.toString(), err.toString());
  }

  private Path example() throws Exception {
    Path src = Path.of(System.getProperty("celaut.project.dir", "..")).resolve("examples/hello-http");
    Path copy = work.resolve("hello-http");
    try (var walk = Files.walk(src)) {
      for (Path p : walk.toList()) {
        String rel = src.relativize(p).toString();
        if (rel.startsWith(".service/build") || rel.equals("rootfs/bin/busybox")) {
          continue;
        }
        Path to = copy.resolve(rel);
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    Files.copy(Path.of("/bin/busybox"), copy.resolve("rootfs/bin/busybox"));
    return copy;
  }

  @Test
  void packIsDeterministicAndPrintsJson() throws Exception {
    Path dir = example();
    Result a = celaut("pack", dir.toString(), "--json");
    assertThat(a.code()).as(a.err()).isZero();
    JsonNode doc = json.readTree(a.out());
    assertThat(doc.get("tag").asText()).isEqualTo("hello-http");
    assertThat(doc.get("id").asText()).hasSize(64);
    assertThat(Path.of(doc.get("file").asText())).exists();
    Result b = celaut("pack", dir.toString(), "-o", work.resolve("again.service").toString(), "--json");
    assertThat(json.readTree(b.out()).get("id").asText()).isEqualTo(doc.get("id").asText());
  }

  @Test
  void aBadProjectFailsWithItsReasonAndExitCode1() throws Exception {
    Path dir = work.resolve("empty");
    Files.createDirectories(dir);
    Result r = celaut("pack", dir.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).startsWith("celaut: ").contains("service.json");
    assertThat(r.err()).doesNotContain("\tat ");
  }

  @Test
  void anUnreachableNodeExitsWith3() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    Result r = celaut("ls", "--node", "127.0.0.1:" + port);
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err()).contains("list instances");
  }

  @Test
  void startRefusesSomethingThatIsNeitherAFileNorAnId() {
    Result r = celaut("start", "no-such-thing");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("neither a service file nor a 64-hex service id");
  }

  @Test
  void nodeRunRefusesAnUnknownSettingNamingIt() {
    Result r = celaut("node", "run", "--data-dir", work.resolve("n").toString(), "--set", "max-chlid-depth=3");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("[max-chlid-depth]").contains("flags");
  }

  @Test
  void nodeRunRefusesABadSettingValue() {
    Result r = celaut("node", "run", "--data-dir", work.resolve("n").toString(), "--set", "ready-timeout-seconds=0");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("ready-timeout-seconds = '0'");
  }

  @Test
  void usageErrorsExitWith2() {
    assertThat(celaut("start").code()).isEqualTo(2);
    assertThat(celaut("frobnicate").code()).isEqualTo(2);
  }

  @Test
  void packStartListStopAgainstARealNode() throws Exception {
    Path dir = example();
    Path file = Path.of(json.readTree(celaut("pack", dir.toString(), "--json").out()).get("file").asText());
    NodeConfig cfg = NodeConfig.defaults().withDataDir(work.resolve("node")).withPort(0)
        .withNetworkName("celaut-e2e").withStopInstancesOnShutdown(true);
    try (Node node = nodes.start(cfg)) {
      String at = "127.0.0.1:" + node.port();
      Result started = celaut("start", file.toString(), "--node", at, "-e", "GREETING=hey", "--json");
      assertThat(started.code()).as(started.err()).isZero();
      JsonNode s = json.readTree(started.out());
      String token = s.get("token").asText();
      assertThat(s.get("slots").get(0).get("port").asInt()).isEqualTo(8080);
      assertThat(s.get("slots").get(0).get("addresses").get(0).asText()).startsWith("127.0.0.1:");

      JsonNode ls = json.readTree(celaut("ls", "--node", at, "--json").out());
      assertThat(ls).hasSize(1);
      assertThat(ls.get(0).get("tag").asText()).isEqualTo("hello-http");
      assertThat(ls.get(0).get("state").asText()).isEqualTo("RUNNING");
      assertThat(ls.toString()).doesNotContain(token);

      Result services = celaut("services", "--node", at);
      assertThat(services.out()).contains("hello-http").contains(s.get("service").asText());

      Result stopped = celaut("stop", token, "--node", at);
      assertThat(stopped.code()).isZero();
      assertThat(stopped.out()).contains("stopped");
      assertThat(json.readTree(celaut("ls", "--node", at, "--json").out())).isEmpty();
    }
  }
}
