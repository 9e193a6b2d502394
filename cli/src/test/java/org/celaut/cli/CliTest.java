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
import java.util.List;
import org.celaut.node.Node;
import org.celaut.node.config.NodeConfig;
import org.celaut.testkit.HelloHttp;
import org.celaut.testkit.TestNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The celaut command as a person or a script uses it, against a real node on real Docker. Every
 * way a command can fail is here with its exit code (0 success, 1 the command failed, 2 bad
 * usage, 3 the node could not be reached) and its message.
 */
class CliTest {

  @RegisterExtension static final TestNodes nodes = new TestNodes();
  @TempDir static Path shared;
  @TempDir Path work;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Node node;
  private static String at;
  private static Path serviceFile;

  record Result(int code, String out, String err) {}

  static Result celaut(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(code, out.toString(), err.toString());
  }

  /** A copy of examples/hello-http with Debian's static busybox in its rootfs. */
  static Path example(Path into) throws Exception {
    return HelloHttp.copy(HelloHttp.checkout(), into, "hello-http");
  }

  @BeforeAll
  static void up() throws Exception {
    Result packed = celaut("pack", example(shared).toString(), "--json");
    assertThat(packed.code()).as(packed.err()).isZero();
    serviceFile = Path.of(JSON.readTree(packed.out()).get("file").asText());
    NodeConfig cfg = NodeConfig.defaults().withDataDir(shared.resolve("node")).withPort(0)
        .withNetworkName("celaut-e2e").withStopInstancesOnShutdown(true);
    node = nodes.start(cfg);
    at = "127.0.0.1:" + node.port();
  }

  @AfterAll
  static void down() {
    if (node != null) {
      node.close();
    }
  }

  static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort(); // closed again: nothing listens there
    }
  }

  /** A failure: its exit code, one message on stderr that starts with "celaut: ", no stack trace, nothing on stdout. */
  static void fails(Result r, int code, String... fragments) {
    assertThat(r.code()).as("exit code; stderr: " + r.err()).isEqualTo(code);
    assertThat(r.out()).as("stdout").isEmpty();
    assertThat(r.err()).startsWith("celaut: ").doesNotContain("\tat ").doesNotContain("Exception");
    for (String f : fragments) {
      assertThat(r.err()).contains(f);
    }
  }

  private static String token(Result started) throws Exception {
    assertThat(started.code()).as(started.err()).isZero();
    return JSON.readTree(started.out()).get("token").asText();
  }

  private static String onlyLiveId() throws Exception {
    JsonNode ls = JSON.readTree(celaut("ls", "--node", at, "--json").out());
    assertThat(ls).hasSize(1);
    return ls.get(0).get("id").asText();
  }

  @Test
  void packIsDeterministicAndPrintsJson() throws Exception {
    Path dir = example(work);
    Result a = celaut("pack", dir.toString(), "--json");
    assertThat(a.code()).as(a.err()).isZero();
    JsonNode doc = JSON.readTree(a.out());
    assertThat(doc.get("tag").asText()).isEqualTo("hello-http");
    assertThat(doc.get("id").asText()).hasSize(64);
    assertThat(Path.of(doc.get("file").asText())).exists();
    Result b = celaut("pack", dir.toString(), "-o", work.resolve("again.service").toString(), "--json");
    assertThat(JSON.readTree(b.out()).get("id").asText()).isEqualTo(doc.get("id").asText());
  }

  @Test
  void aBadProjectFailsWithItsReasonAndExitCode1() throws Exception {
    Path dir = Files.createDirectories(work.resolve("empty"));
    fails(celaut("pack", dir.toString()), 1, "service.json");
  }

  @Test
  void aServiceThatCannotBeWrittenFailsWith1SayingWhy() throws Exception {
    Path dir = example(work);
    Path inTheWay = Files.writeString(work.resolve("a-file"), "not a directory");
    Path target = inTheWay.resolve("x.service");
    fails(celaut("pack", dir.toString(), "-o", target.toString()), 1,
        "cannot write the service to " + target + ": a file is in the way: " + inTheWay);
  }

  @Test
  void usageErrorsExitWith2AndSayWhatWasWrong() throws Exception {
    String file = serviceFile.toString();
    Path project = example(work);
    Object[][] cases = {
        {List.of(), "celaut needs a command"},
        {List.of("frobnicate"), "Unmatched argument at index 0: 'frobnicate'"},
        {List.of("node"), "celaut node needs a command"},
        {List.of("start"), "Missing required parameter: '<service>'"},
        {List.of("start", file, "-e", "GREETING"), "-e/--env takes NAME=VALUE, got 'GREETING'"},
        {List.of("start", file, "-e", "=x"), "-e/--env takes NAME=VALUE, got '=x'"},
        {List.of("start", file, "--node", "garbage"), "--node takes HOST:PORT, e.g. 127.0.0.1:8090"},
        {List.of("ls", "--node", "127.0.0.1:99999"), "--node takes HOST:PORT"},
        {List.of("services", "--node", ":8090"), "--node takes HOST:PORT"},
        {List.of("start", file, "--timeout-seconds", "0"), "--timeout-seconds must be at least 1, got 0"},
        {List.of("start", file, "--timeout-seconds", "soon"), "'soon' is not a long"},
        {List.of("start", "nosuch.service"), "file nosuch.service does not exist"},
        {List.of("stop"), "give the token 'celaut start' printed, or --id <id>"},
        {List.of("stop", "t", "--id", "0123456789abcdef"), "give either a token or --id <id>, not both"},
        {List.of("stop", "--id", "3f2a"), "--id takes an instance id as 'celaut ls' shows it (16 hex characters), got '3f2a'"},
        {List.of("pack", work.resolve("nosuch").toString()), "nosuch does not exist: 'celaut pack' takes a service project directory"},
        {List.of("pack", file), "is not a directory"},
        {List.of("pack", project.toString(), "--block-threshold-bytes", "0"), "--block-threshold-bytes must be at least 1"},
        {List.of("pack", project.toString(), "--bee", "x.txt"), "--bee needs a file name ending in .bee, got x.txt"},
        {List.of("pack", project.toString(), "--registry", work.resolve("nosuch").toString()), "is not a directory"},
        {List.of("node", "run", "--data-dir", work.resolve("n").toString(), "--set", "max-chlid-depth=3"),
            "unknown configuration key(s) [max-chlid-depth] in flags"},
        {List.of("node", "run", "--data-dir", work.resolve("n").toString(), "--set", "ready-timeout-seconds=0"),
            "ready-timeout-seconds = '0'"},
        {List.of("node", "run", "--port", "abc"), "'abc' is not an int"},
        {List.of("node", "run", "--config", work.resolve("nosuch.properties").toString()), "cannot read the config file"},
    };
    for (Object[] c : cases) {
      @SuppressWarnings("unchecked")
      List<String> args = (List<String>) c[0];
      Result r = celaut(args.toArray(String[]::new));
      assertThat(r.code()).as("celaut " + args + ": " + r.err()).isEqualTo(2);
      assertThat(r.err()).as("celaut " + args).startsWith("celaut: ").contains((String) c[1]).doesNotContain("\tat ");
    }
  }

  @Test
  void startRefusesWhatIsNotAServiceBeforeUploadingAnything() throws Exception {
    int storedBefore = node.registry().list().size();
    Path readme = Files.writeString(work.resolve("README.md"), "# Celaut for Java\n\nA node, an SDK and a CLI.\n");
    fails(celaut("start", readme.toString(), "--node", at), 2,
        readme + " is not a Celaut service file: its first bytes are not a celaut.Service field (byte 0).",
        "'celaut pack DIR' writes one");
    fails(celaut("start", work.toString(), "--node", at), 2, work + " is not a Celaut service file: it is a directory");
    byte[] whole = Files.readAllBytes(serviceFile);
    Path cut = Files.write(work.resolve("cut.service"), java.util.Arrays.copyOf(whole, whole.length / 2));
    fails(celaut("start", cut.toString(), "--node", at), 2, cut + " is not a Celaut service file");
    assertThat(node.registry().list()).as("the node was sent nothing").hasSize(storedBefore);
    // Refused before connecting at all: with no node there, it is still a usage error, not exit 3.
    fails(celaut("start", readme.toString(), "--node", "127.0.0.1:" + closedPort()), 2, "is not a Celaut service file");
  }

  @Test
  void aStopThatStopsNothingExitsNonZeroWithTheNodesReason() throws Exception {
    fails(celaut("stop", "nonsense", "--node", at), 1, "stop: no instance on this node has that token; nothing was stopped");
    fails(celaut("stop", "0".repeat(64), "--node", at, "--json"), 1, "no instance on this node has that token");

    String token = token(celaut("start", serviceFile.toString(), "--node", at, "--json"));
    String id = onlyLiveId();
    fails(celaut("stop", id, "--node", at), 2,
        "'" + id + "' is the id 'celaut ls' shows for a running instance, not its token: nothing was stopped",
        "celaut stop --id " + id);
    assertThat(onlyLiveId()).as("still running").isEqualTo(id);

    Result stopped = celaut("stop", token, "--node", at, "--json");
    assertThat(stopped.code()).as(stopped.err()).isZero();
    JsonNode doc = JSON.readTree(stopped.out());
    assertThat(doc.get("stopped").asBoolean()).isTrue();
    assertThat(doc.get("refund").asText()).isEqualTo("0");

    fails(celaut("stop", token, "--node", at), 1,
        "stop: instance " + id + " had already ended at ", ": stopped by its token holder; nothing was stopped");
    fails(celaut("stop", "--id", id, "--node", at, "--json"), 1, "instance " + id + " had already ended at ");
    fails(celaut("stop", "--id", "0123456789abcdef", "--node", at), 1,
        "no instance on this node has id 0123456789abcdef");
  }

  @Test
  void theMaintainerStopsByIdOnTheNodesMachine() throws Exception {
    String token = token(celaut("start", serviceFile.toString(), "--node", at, "--json"));
    String id = onlyLiveId();
    Result r = celaut("stop", "--id", id.toUpperCase(), "--node", at);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("stopped instance " + id + System.lineSeparator());
    assertThat(JSON.readTree(celaut("ls", "--node", at, "--json").out())).isEmpty();
    fails(celaut("stop", token, "--node", at), 1, "stopped by the node's maintainer; nothing was stopped");
  }

  @Test
  void startingAServiceTheNodeLacksFailsWith1() {
    String id = "ab".repeat(32);
    fails(celaut("start", id, "--node", at), 1, "start " + id + ": ");
  }

  @Test
  void theAdminCommandsAnswerOnlyOnTheNodesMachine() {
    // The node also listens on its Docker network's gateway address, which is not loopback.
    String notLoopback = node.network().gatewayIp() + ":" + node.port();
    fails(celaut("ls", "--node", notLoopback), 1, "list instances: the admin API answers only callers on this machine's loopback");
    fails(celaut("services", "--node", notLoopback), 1, "only callers on this machine's loopback");
    fails(celaut("stop", "--id", "0123456789abcdef", "--node", notLoopback), 1, "only callers on this machine's loopback");
  }

  @Test
  void aNodeThatCannotStartExitsWith1() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      fails(celaut("node", "run", "--data-dir", work.resolve("n").toString(), "--port", String.valueOf(taken.getLocalPort()),
          "--network-name", "celaut-e2e"), 1,
          "cannot listen on 127.0.0.1:" + taken.getLocalPort(), "the port is already in use", "--port");
    }
  }

  @Test
  void anUnreachableNodeExitsWith3NamingTheAddressAndWhatToDo() throws Exception {
    String closed = "127.0.0.1:" + closedPort();
    List<List<String>> commands = List.of(
        List.of("ls"), List.of("services"), List.of("start", serviceFile.toString()), List.of("stop", "t"),
        List.of("stop", "--id", "0123456789abcdef"));
    for (List<String> cmd : commands) {
      String[] args = java.util.stream.Stream.concat(cmd.stream(), java.util.stream.Stream.of("--node", closed))
          .toArray(String[]::new);
      Result r = celaut(args);
      fails(r, 3, "cannot reach the node at " + closed + ": the connection was refused: nothing listens at that address",
          "(the address given by --node)", "Start a node with 'celaut node run', or name a running node with"
              + " --node HOST:PORT or CELAUT_NODE");
      assertThat(r.err()).as(String.join(" ", cmd)).doesNotContain("finishConnect").doesNotContain("io exception")
          .hasLineCount(1);
    }
    fails(celaut("ls", "--node", "nosuch.invalid:8090"), 3,
        "list instances: cannot reach the node at nosuch.invalid:8090: the host name does not resolve");
  }

  @Test
  void packStartListStopAgainstARealNode() throws Exception {
    Result started = celaut("start", serviceFile.toString(), "--node", at, "-e", "GREETING=hey", "--json");
    assertThat(started.code()).as(started.err()).isZero();
    JsonNode s = JSON.readTree(started.out());
    String token = s.get("token").asText();
    assertThat(s.get("slots").get(0).get("port").asInt()).isEqualTo(8080);
    assertThat(s.get("slots").get(0).get("addresses").get(0).asText()).startsWith("127.0.0.1:");

    JsonNode ls = JSON.readTree(celaut("ls", "--node", at, "--json").out());
    assertThat(ls).hasSize(1);
    assertThat(ls.get(0).get("tag").asText()).isEqualTo("hello-http");
    assertThat(ls.get(0).get("state").asText()).isEqualTo("RUNNING");
    assertThat(ls.get(0).has("parent")).isTrue();
    assertThat(ls.get(0).get("parent").isNull()).isTrue();
    assertThat(ls.toString()).doesNotContain(token);

    Result services = celaut("services", "--node", at);
    assertThat(services.out()).contains("hello-http").contains(s.get("service").asText());

    Result stopped = celaut("stop", token, "--node", at);
    assertThat(stopped.code()).isZero();
    assertThat(stopped.out()).isEqualTo("stopped the instance (refund 0 MU)" + System.lineSeparator());
    assertThat(JSON.readTree(celaut("ls", "--node", at, "--json").out())).isEmpty();
  }
}
