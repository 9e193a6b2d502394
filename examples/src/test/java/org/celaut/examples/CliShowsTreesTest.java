package org.celaut.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.celaut.cli.Main;
import org.celaut.node.Node;
import org.celaut.node.config.NodeConfigLoader;
import org.celaut.node.runtime.ContainerRuntime;
import org.celaut.node.runtime.docker.DockerRuntime;
import org.celaut.node.runtime.docker.DockerRuntimeConfig;
import org.celaut.node.store.InstanceRecord;
import org.celaut.sdk.client.NodeClient;
import org.celaut.sdk.client.ServiceHandle;
import org.celaut.sdk.client.ServiceSource;
import org.celaut.sdk.pack.PackResult;
import org.celaut.testkit.TestNodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The celaut command on a tree of instances (a relay service and the child it started through
 * its node, {@link RelayServices}), real node, real Docker: {@code ls} shows the child under its
 * parent and gives every instance its parent in JSON; {@code stop --id} stops the parent with
 * its child and says so; the child's token then stops nothing, and the command says why.
 */
class CliShowsTreesTest {

  @TempDir Path work;
  @RegisterExtension static final TestNodes nodes = new TestNodes();
  private final ObjectMapper json = new ObjectMapper();

  record Result(int code, String out, String err) {}

  private static Result celaut(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void lsShowsChildrenUnderTheirParentAndStopByIdTakesTheWholeTree() throws Exception {
    PackResult relayA = RelayServices.pack(work, "relay-a");
    PackResult relayB = RelayServices.pack(work, "relay-b");
    Map<String, String> flags = new HashMap<>();
    flags.put("data-dir", work.resolve("node").toString());
    flags.put("port", "0");
    flags.put("network-name", TestNode.NETWORK);
    flags.put("stop-instances-on-shutdown", "true");
    try (Node node = nodes.start(NodeConfigLoader.load(Map.of(), Map.of(), flags));
        NodeClient client = NodeClient.connect("127.0.0.1:" + node.port());
        ContainerRuntime docker = DockerRuntime.connect(DockerRuntimeConfig.defaults("e2e-observer"))) {
      String at = "127.0.0.1:" + node.port();
      ServiceHandle a = client.start(ServiceSource.fromFile(relayA.output()), RelayServices.towards(node));
      ServiceHandle b;
      InetSocketAddress relay = a.address(RelayServices.RELAY_PORT);
      try (NodeClient fromA = NodeClient.connect(relay.getHostString() + ":" + relay.getPort())) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
            .until(() -> fromA.peerInfo() != null);
        b = fromA.start(ServiceSource.fromFile(relayB.output()), RelayServices.towards(node));
      }
      InstanceRecord ra = node.instances().running(a.token());
      InstanceRecord rb = node.instances().running(b.token());
      // A root started after the child, so that list order alone would not put the child under its parent.
      ServiceHandle c = client.start(ServiceSource.fromFile(relayB.output()), RelayServices.towards(node));
      InstanceRecord rc = node.instances().running(c.token());

      Result ls = celaut("ls", "--node", at);
      assertThat(ls.code()).as(ls.err()).isZero();
      List<String> lines = ls.out().lines().toList();
      assertThat(lines).hasSize(4);
      assertThat(lines.get(0)).startsWith("ID ");
      assertThat(lines.get(1)).startsWith(ra.id() + " ").contains("relay-a");
      assertThat(lines.get(2)).startsWith(" \\_ " + rb.id() + " ").contains("relay-b");
      assertThat(lines.get(3)).startsWith(rc.id() + " ");
      assertThat(lines).allSatisfy(l -> assertThat(l.indexOf("relay-")).isIn(-1, lines.get(1).indexOf("relay-a")));

      JsonNode docs = json.readTree(celaut("ls", "--node", at, "--json").out());
      Map<String, String> parents = new HashMap<>();
      docs.forEach(d -> parents.put(d.get("id").asText(), d.get("parent").isNull() ? null : d.get("parent").asText()));
      assertThat(parents).hasSize(3).containsEntry(ra.id(), null).containsEntry(rb.id(), ra.id())
          .containsEntry(rc.id(), null);

      Result stopped = celaut("stop", "--id", ra.id(), "--node", at, "--json");
      assertThat(stopped.code()).as(stopped.err()).isZero();
      JsonNode s = json.readTree(stopped.out());
      assertThat(s.get("stopped").asBoolean()).isTrue();
      assertThat(s.get("id").asText()).isEqualTo(ra.id());
      assertThat(s.get("descendants")).extracting(JsonNode::asText).containsExactly(rb.id());
      assertThat(docker.inspect(ra.containerId().orElseThrow())).isEmpty();
      assertThat(docker.inspect(rb.containerId().orElseThrow())).isEmpty();

      Result again = celaut("stop", b.token(), "--node", at);
      assertThat(again.code()).isEqualTo(1);
      assertThat(again.out()).isEmpty();
      assertThat(again.err()).startsWith("celaut: stop: instance " + rb.id() + " had already ended at ")
          .contains(": its ancestor " + ra.id() + " was stopped; nothing was stopped");

      Result text = celaut("stop", c.token(), "--node", at);
      assertThat(text.code()).as(text.err()).isZero();
      assertThat(text.out()).isEqualTo("stopped the instance (refund 0 MU)" + System.lineSeparator());
      assertThat(docker.listOwned(node.nodeId())).isEmpty();
    }
  }
}
