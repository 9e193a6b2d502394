package org.celaut.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.celaut.node.Node;
import org.celaut.node.runtime.ContainerRuntime;
import org.celaut.node.runtime.docker.DockerRuntime;
import org.celaut.node.runtime.docker.DockerRuntimeConfig;
import org.celaut.node.store.InstanceRecord;
import org.celaut.proto.admin.InstanceInfo;
import org.celaut.proto.celaut.Refund;
import org.celaut.proto.celaut.TokenMessage;
import org.celaut.sdk.client.CelautException;
import org.celaut.sdk.client.InstanceEndedException;
import org.celaut.sdk.client.NodeClient;
import org.celaut.sdk.client.NotFoundException;
import org.celaut.sdk.client.RequestRejectedException;
import org.celaut.sdk.client.ServiceHandle;
import org.celaut.sdk.client.ServiceSource;
import org.celaut.sdk.client.StartOptions;
import org.celaut.sdk.internal.BeeClientCall;
import org.celaut.sdk.pack.PackResult;
import org.celaut.testkit.TestNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * StopService never answers a stop that stopped nothing as if it had, on a real node, real gRPC
 * and real Docker: a live instance is stopped and refunded; a token the node never had gets
 * NOT_FOUND; an instance that had already ended gets FAILED_PRECONDITION naming it, when it ended
 * and why (the reference answers Refund{0} to both; a status is a refusal every reference client
 * understands). The maintainer's stop by id (admin API) answers the same way, on loopback only.
 */
class StopServiceTruthTest {

  private static final Duration T = Duration.ofSeconds(30);
  private static final Pattern ENDED = Pattern.compile(
      "instance ([0-9a-f]{16}) had already ended at (\\S+): (.+); nothing was stopped");

  @RegisterExtension static final TestNodes nodes = new TestNodes();
  @TempDir static Path work;
  private static Node node;
  private static NodeClient client;
  private static ContainerRuntime docker;
  private static PackResult hello;

  @BeforeAll
  static void up() throws Exception {
    hello = TestNode.packHelloHttp(work);
    node = nodes.start(TestNode.config(work.resolve("node")));
    client = NodeClient.connect("127.0.0.1:" + node.port());
    docker = DockerRuntime.connect(DockerRuntimeConfig.defaults("e2e-observer"));
  }

  @AfterAll
  static void down() {
    client.close();
    node.close();
    docker.close();
  }

  @AfterEach
  void nothingLeft() throws Exception {
    node.instances().stopAll("test over");
    assertThat(docker.listOwned(node.nodeId())).as("containers left behind").isEmpty();
  }

  private static ServiceHandle start() throws Exception {
    return client.start(ServiceSource.fromFile(hello.output()), StartOptions.defaults());
  }

  /** StopService on the wire: the token at index 1, the Refund at index 1, or the call's status. */
  private static Refund stopOnTheWire(String token) throws Exception {
    try (BeeClientCall call = client.open("StopService", T)) {
      call.send(1, TokenMessage.newBuilder().setToken(token).build());
      call.halfClose();
      return call.await(1, Refund.class, T);
    }
  }

  private static Status wireRefusal(String token) {
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> stopOnTheWire(token));
    assertThat(t).as("StopService(" + token + ") must be refused").isInstanceOf(StatusRuntimeException.class);
    return ((StatusRuntimeException) t).getStatus();
  }

  @Test
  void aTokenTheNodeNeverHadIsNotFound() {
    for (String token : new String[] {"nonsense", "0".repeat(64)}) {
      Status s = wireRefusal(token);
      assertThat(s.getCode()).isEqualTo(Status.Code.NOT_FOUND);
      assertThat(s.getDescription()).isEqualTo("no instance on this node has that token; nothing was stopped");
      assertThatThrownBy(() -> client.stop(token))
          .isExactlyInstanceOf(NotFoundException.class)
          .hasMessage("stop: no instance on this node has that token; nothing was stopped");
    }
  }

  @Test
  void aLiveInstanceIsStoppedOnceAndThenTheNodeSaysItHadEnded() throws Exception {
    ServiceHandle h = start();
    InstanceRecord rec = node.instances().running(h.token());
    Instant before = Instant.now();
    assertThat(stopOnTheWire(h.token()).getAmount().getN()).isEqualTo("0");
    Instant after = Instant.now();
    assertThat(docker.inspect(rec.containerId().orElseThrow())).as("its container is gone").isEmpty();

    Status s = wireRefusal(h.token());
    assertThat(s.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    Matcher m = ENDED.matcher(s.getDescription());
    assertThat(m.matches()).as(s.getDescription()).isTrue();
    assertThat(m.group(1)).isEqualTo(rec.id());
    assertThat(Instant.parse(m.group(2))).isBetween(before.minusMillis(1), after.plusMillis(1));
    assertThat(m.group(3)).isEqualTo("stopped by its token holder");

    assertThatThrownBy(() -> client.stop(h.token()))
        .isInstanceOfSatisfying(InstanceEndedException.class,
            e -> assertThat(e.status().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION))
        .isInstanceOf(NotFoundException.class)
        .hasMessage("stop: " + s.getDescription());
    assertThatThrownBy(() -> client.stopAsync(h.token()).get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(InstanceEndedException.class);
  }

  @Test
  void concurrentStopsOfOneTokenStopItOnceAndTheOthersSaySoAfterwards() throws Exception {
    ServiceHandle h = start();
    InstanceRecord rec = node.instances().running(h.token());
    int callers = 8;
    java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(callers);
    java.util.List<java.util.concurrent.CompletableFuture<String>> outcomes = new java.util.ArrayList<>();
    for (int i = 0; i < callers; i++) {
      outcomes.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        try {
          together.await(30, TimeUnit.SECONDS);
          client.stop(h.token());
          return "stopped";
        } catch (InstanceEndedException e) {
          return "ended: " + e.getMessage();
        } catch (Exception e) {
          return "unexpected: " + e;
        }
      }));
    }
    java.util.List<String> seen = new java.util.ArrayList<>();
    for (var f : outcomes) {
      seen.add(f.get(60, TimeUnit.SECONDS));
    }
    // Exactly one call did the stop; every other one was told, after it, that the instance had ended.
    assertThat(seen).filteredOn("stopped"::equals).hasSize(1);
    assertThat(seen).filteredOn(o -> !o.equals("stopped")).hasSize(callers - 1)
        .allSatisfy(o -> assertThat(o).startsWith("ended: stop: instance " + rec.id() + " had already ended at ")
            .endsWith(": stopped by its token holder; nothing was stopped"));
    assertThat(docker.inspect(rec.containerId().orElseThrow())).isEmpty();
  }

  @Test
  void theIdAListingShowsIsNotATokenAndStopsNothing() throws Exception {
    ServiceHandle h = start();
    InstanceRecord rec = node.instances().running(h.token());

    assertThatThrownBy(() -> client.stop(rec.id())).isExactlyInstanceOf(NotFoundException.class);

    assertThat(client.listInstances(false)).extracting(InstanceInfo::getId).contains(rec.id());
    assertThat(docker.inspect(rec.containerId().orElseThrow())).as("still running")
        .hasValueSatisfying(c -> assertThat(c.running()).isTrue());
  }

  @Test
  void theMaintainerStopsByIdOnlyFromTheNodesOwnMachine() throws Exception {
    ServiceHandle h = start();
    InstanceRecord rec = node.instances().running(h.token());

    // The node also listens on its Docker network's gateway: a caller there is not on loopback.
    try (NodeClient notLoopback = NodeClient.connect(node.network().gatewayIp() + ":" + node.port())) {
      assertThatThrownBy(() -> notLoopback.stopInstanceById(rec.id()))
          .isInstanceOfSatisfying(CelautException.class,
              e -> assertThat(e.status().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED))
          .hasMessageContaining("only callers on this machine's loopback");
    }
    assertThat(node.instances().alive()).extracting(InstanceRecord::id).contains(rec.id());

    var stopped = client.stopInstanceById(rec.id());
    assertThat(stopped.getId()).isEqualTo(rec.id());
    assertThat(stopped.getDescendantIdsList()).isEmpty();
    assertThat(docker.inspect(rec.containerId().orElseThrow())).isEmpty();
    assertThat(client.listInstances(true)).filteredOn(i -> i.getId().equals(rec.id())).singleElement()
        .satisfies(i -> {
          assertThat(i.getState()).isEqualTo("ENDED");
          assertThat(i.getEndReason()).isEqualTo("stopped by the node's maintainer");
        });

    assertThatThrownBy(() -> client.stopInstanceById(rec.id()))
        .isInstanceOf(InstanceEndedException.class)
        .hasMessageMatching("stop instance " + rec.id() + ": instance " + rec.id()
            + " had already ended at \\S+: stopped by the node's maintainer; nothing was stopped");
    assertThatThrownBy(() -> client.stop(h.token()))
        .isInstanceOf(InstanceEndedException.class).hasMessageContaining("stopped by the node's maintainer");
    assertThatThrownBy(() -> client.stopInstanceById("0123456789abcdef"))
        .isExactlyInstanceOf(NotFoundException.class)
        .hasMessageContaining("no instance on this node has id 0123456789abcdef");
    assertThatThrownBy(() -> client.stopInstanceById("not an id"))
        .isInstanceOfSatisfying(RequestRejectedException.class,
            e -> assertThat(e.status().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT))
        .hasMessageContaining("is not an instance id");
  }
}
