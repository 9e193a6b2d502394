package org.celaut.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.celaut.node.Node;
import org.celaut.proto.celaut.Configuration;
import org.celaut.proto.celaut.RecursionGuard;
import org.celaut.proto.celaut.ServiceInstance;
import org.celaut.protocol.Hashes;
import org.celaut.sdk.client.NodeClient;
import org.celaut.sdk.internal.BeeClientCall;
import org.celaut.testkit.TestNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference's recursion guard (StartService index 2) over real gRPC: malformed tokens and
 * spent hops are refused in the reference's words, and a tree this node is still answering is
 * refused until that call ends.
 */
class RecursionGuardEndToEndTest {

  @RegisterExtension static final TestNodes nodes = new TestNodes();

  private static final Duration T = Duration.ofSeconds(30);
  @TempDir static Path work;
  private static Node node;
  private static NodeClient client;

  @BeforeAll
  static void up() throws Exception {
    node = nodes.start(TestNode.config(work.resolve("node")));
    client = NodeClient.connect("127.0.0.1:" + node.port());
  }

  @AfterAll
  static void down() {
    client.close();
    node.close();
  }

  /** A start of a service nobody has, so an accepted guard shows as NOT_FOUND. */
  private static StatusRuntimeException startWith(RecursionGuard guard) throws Exception {
    try (BeeClientCall call = client.open("StartService", T)) {
      call.send(2, guard);
      call.send(3, Configuration.getDefaultInstance());
      call.send(4, Hashes.sha3Hash(Hashes.sha3("no such service".getBytes())));
      call.halfClose();
      try {
        ServiceInstance si = call.await(1, ServiceInstance.class, T);
        throw new AssertionError("started " + si);
      } catch (StatusRuntimeException e) {
        return e;
      }
    }
  }

  @Test
  void spentHopsAreRefused() throws Exception {
    StatusRuntimeException e = startWith(RecursionGuard.newBuilder().setToken("tree-0").setRemainingHops(0).build());
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(e.getStatus().getDescription()).startsWith("Recursion depth exhausted, recursion token: tree-0");
  }

  @Test
  void aMalformedTokenIsRefused() throws Exception {
    StatusRuntimeException e = startWith(RecursionGuard.newBuilder().setToken("bad token!").build());
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(e.getStatus().getDescription()).startsWith("Malformed recursion token");
  }

  @Test
  void aWellFormedGuardIsAccepted() throws Exception {
    StatusRuntimeException e = startWith(RecursionGuard.newBuilder().setToken("tree-ok").setRemainingHops(99).build());
    assertThat(e.getStatus().getCode()).as("past the guard, on to the service").isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void aTreeStillBeingAnsweredIsRefusedUntilThatCallEnds() throws Exception {
    RecursionGuard guard = RecursionGuard.newBuilder().setToken("tree-busy").setRemainingHops(5).build();
    try (BeeClientCall first = client.open("StartService", T)) {
      // The first request names its tree and then waits mid-request (it never sends the service).
      first.send(2, guard);
      first.send(3, Configuration.getDefaultInstance());
      AtomicReference<StatusRuntimeException> second = new AtomicReference<>();
      await().atMost(T).untilAsserted(() -> {
        second.set(startWith(guard));
        assertThat(second.get().getStatus().getDescription()).startsWith("Block recursion loop");
      });
      assertThat(second.get().getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
      assertThat(second.get().getStatus().getDescription()).contains("tree-busy");
      first.halfClose();
      try {
        first.await(1, ServiceInstance.class, T);
      } catch (StatusRuntimeException expected) {
        assertThat(expected.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      }
    }
    // The first call has ended: its tree is free again.
    await().atMost(T).untilAsserted(() ->
        assertThat(startWith(guard).getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }
}
