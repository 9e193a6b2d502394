package org.celaut.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.celaut.node.Node;
import org.celaut.node.runtime.ContainerRuntime;
import org.celaut.node.runtime.docker.DockerRuntime;
import org.celaut.node.runtime.docker.DockerRuntimeConfig;
import org.celaut.proto.buffer.Buffer;
import org.celaut.proto.celaut.Configuration;
import org.celaut.proto.celaut.Service;
import org.celaut.proto.celaut.ServiceInstance;
import org.celaut.protocol.Hashes;
import org.celaut.protocol.bee.BeeEncoder;
import org.celaut.sdk.client.NodeClient;
import org.celaut.sdk.client.NotFoundException;
import org.celaut.sdk.client.RequestRejectedException;
import org.celaut.sdk.client.ServiceSource;
import org.celaut.sdk.client.StartOptions;
import org.celaut.sdk.internal.BeeClientCall;
import org.celaut.testkit.TestNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad request gets a clear gRPC status, and the node keeps serving with nothing stored,
 * spooled or left running.
 */
class GatewayBadInputTest {

  @RegisterExtension static final TestNodes nodes = new TestNodes();

  private static final Duration T = Duration.ofSeconds(30);
  /** Small, so an oversized service is cheap to send, yet above a busybox service (2 MB). */
  private static final long MAX_SERVICE_BYTES = 3L << 20;
  /** Short, so a service that never opens its port fails quickly. */
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(3);

  @TempDir static Path work;
  private static Node node;
  private static NodeClient client;
  private static ContainerRuntime docker;

  @BeforeAll
  static void up() throws Exception {
    node = nodes.start(TestNode.config(work.resolve("node")).toBuilder()
        .maxServiceBytes(MAX_SERVICE_BYTES)
        .readyTimeout(READY_TIMEOUT)
        .build());
    client = NodeClient.connect("127.0.0.1:" + node.port());
    docker = DockerRuntime.connect(DockerRuntimeConfig.defaults("e2e-observer"));
  }

  @AfterAll
  static void down() {
    client.close();
    node.close();
    docker.close();
  }

  private List<org.celaut.proto.admin.ServiceInfo> servicesBefore;

  @org.junit.jupiter.api.BeforeEach
  void rememberServices() throws Exception {
    servicesBefore = client.listServices();
  }

  @AfterEach
  void nodeStillServesAndNothingLeaked() throws Exception {
    assertThat(client.peerInfo().getUri(0).getPort()).isEqualTo(node.port());
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      try (Stream<Path> spool = Files.list(work.resolve("node/spool"))) {
        assertThat(spool).as("spool files left behind").isEmpty();
      }
    });
    assertThat(docker.listOwned(node.nodeId())).as("containers left behind").isEmpty();
  }

  private static Service service(String entry, String prose) {
    return Service.newBuilder()
        .setProse(prose)
        .setContainer(Service.Container.newBuilder()
            .setArchitecture(Service.Container.Architecture.newBuilder().addTags("linux/amd64"))
            .setFilesystem(Service.Container.Filesystem.newBuilder()
                .addBranch(Service.Container.Filesystem.ItemBranch.newBuilder()
                    .setName("readme").setFile(ByteString.copyFromUtf8("no program here")))
                .build().toByteString())
            .setInit(Service.Container.Init.newBuilder().addEntryPath(entry)))
        .build();
  }

  private static StatusRuntimeException startRaw(List<Buffer> frames) throws Exception {
    try (BeeClientCall call = client.open("StartService", T)) {
      NodeClient.sendRaw(call, frames);
      call.halfClose();
      try {
        ServiceInstance si = call.await(1, ServiceInstance.class, T);
        client.stop(si.getToken());
        throw new AssertionError("the node accepted a bad request and started " + si);
      } catch (StatusRuntimeException e) {
        return e;
      }
    }
  }

  @Test
  void anUnknownHeadIndexIsRefusedNamingTheIndex() throws Exception {
    Buffer bad = Buffer.newBuilder().setChunk(ByteString.copyFromUtf8("x")).setSeparator(true)
        .setHead(Buffer.Head.newBuilder().setIndex(9)).build();
    StatusRuntimeException e = startRaw(List.of(bad));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).contains("9");
  }

  @Test
  void aStreamThatEndsInTheMiddleOfTheServiceIsRefused() throws Exception {
    byte[] body = service("x", "truncated").toByteArray();
    List<Buffer> frames = List.of(
        Buffer.newBuilder().setHead(Buffer.Head.newBuilder().setIndex(6)).build(),
        Buffer.newBuilder().setChunk(ByteString.copyFrom(body, 0, body.length / 2)).build());
    StatusRuntimeException e = startRaw(frames);
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).containsIgnoringCase("end");
    assertThat(client.listServices()).as("nothing stored").isEqualTo(servicesBefore);
  }

  @Test
  void aServiceWhoseHashDoesNotMatchIsNotStored() throws Exception {
    Service s = service("x", "mismatch");
    byte[] otherId = Hashes.sha3("something else".getBytes());
    List<Buffer> frames = new java.util.ArrayList<>();
    frames.addAll(BeeEncoder.message(3, Configuration.getDefaultInstance()));
    frames.addAll(BeeEncoder.message(4, Hashes.sha3Hash(otherId)));
    frames.addAll(BeeEncoder.message(6, s));
    StatusRuntimeException e = startRaw(frames);
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription())
        .contains(Hashes.toHex(Hashes.sha3(s.toByteArray())))
        .contains(Hashes.toHex(otherId))
        .contains("nothing was stored");
    assertThat(client.listServices()).as("nothing stored").isEqualTo(servicesBefore);
  }

  @Test
  void anUnknownServiceIdIsNotFound() {
    String id = Hashes.toHex(Hashes.sha3("nobody packed this".getBytes()));
    assertThatThrownBy(() -> client.start(ServiceSource.byId(id), StartOptions.defaults()))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining(id)
        .hasMessageContaining("not on this node");
  }

  @Test
  void bytesThatAreNotAServiceAreRefused() throws Exception {
    // Field 1 announces 5 bytes but only 1 follows: no protobuf message at all.
    Buffer garbage = Buffer.newBuilder().setChunk(ByteString.copyFrom(new byte[] {0x0a, 0x05, 0x01}))
        .setSeparator(true).setHead(Buffer.Head.newBuilder().setIndex(6)).build();
    StatusRuntimeException e = startRaw(List.of(garbage));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).contains("not a celaut.Service");
    assertThat(client.listServices()).as("nothing stored").isEqualTo(servicesBefore);
  }

  @Test
  void anEntrypointThatDoesNotExistFailsClearlyAndLeavesNoContainer() throws Exception {
    Path file = work.resolve("no-entrypoint.service");
    Files.write(file, service("nope", "no entrypoint").toByteArray());
    assertThatThrownBy(() -> client.start(ServiceSource.fromFile(file), StartOptions.defaults()))
        .isInstanceOf(RequestRejectedException.class)
        .hasMessageContaining("/nope");
    assertThat(client.listInstances(false)).isEmpty();
    assertThat(client.listInstances(true)).extracting(i -> i.getState()).contains("FAILED");
  }

  /** A busybox service whose entrypoint runs {@code script} and declares slot 8080. */
  private static Service busyboxService(String script) throws Exception {
    var exec = org.celaut.proto.celaut.BytesKeyValue.newBuilder().setKey("mode")
        .setValue(ByteString.copyFromUtf8("493")).build();
    var bin = Service.Container.Filesystem.newBuilder()
        .addBranch(Service.Container.Filesystem.ItemBranch.newBuilder().setName("busybox")
            .setFile(ByteString.copyFrom(Files.readAllBytes(Path.of("/bin/busybox")))).addXattrs(exec))
        .addBranch(Service.Container.Filesystem.ItemBranch.newBuilder().setName("service")
            .setFile(ByteString.copyFromUtf8("#!/bin/busybox sh\n" + script + "\n")).addXattrs(exec));
    return Service.newBuilder()
        .setContainer(Service.Container.newBuilder()
            .setArchitecture(Service.Container.Architecture.newBuilder().addTags("linux/amd64"))
            .setFilesystem(Service.Container.Filesystem.newBuilder()
                .addBranch(Service.Container.Filesystem.ItemBranch.newBuilder().setName("bin").setFilesystem(bin))
                .build().toByteString())
            .setInit(Service.Container.Init.newBuilder().addEntryPath("bin").addEntryPath("service")))
        .setApi(Service.Api.newBuilder().addSlot(Service.Api.Slot.newBuilder().setPort(8080)
            .setTransport(Service.Api.Protocol.newBuilder().addTags("tcp"))))
        .build();
  }

  @Test
  void aServiceThatNeverOpensItsPortFailsWithItsOutputAndLeavesNoContainer() throws Exception {
    Path file = work.resolve("never-ready.service");
    Files.write(file, busyboxService("echo warming up forever; exec /bin/busybox sleep 600").toByteArray());
    assertThatThrownBy(() -> client.start(ServiceSource.fromFile(file), StartOptions.defaults()))
        .isInstanceOf(RequestRejectedException.class)
        .hasMessageContaining("did not open port(s) [8080] within 3 s")
        .hasMessageContaining("warming up forever")
        .hasMessageContaining("container was removed");
    assertThat(client.listInstances(false)).isEmpty();
  }

  @Test
  void aServiceThatExitsBeforeOpeningItsPortFailsAtOnce() throws Exception {
    Path file = work.resolve("exits.service");
    Files.write(file, busyboxService("echo giving up; exit 3").toByteArray());
    assertThatThrownBy(() -> client.start(ServiceSource.fromFile(file), StartOptions.defaults()))
        .isInstanceOf(RequestRejectedException.class)
        .hasMessageContaining("giving up");
    assertThat(client.listInstances(false)).isEmpty();
  }

  @Test
  void aServiceLargerThanTheNodeAcceptsIsRefusedWithoutSpooling() throws Exception {
    Service big = service("x", "y".repeat((int) MAX_SERVICE_BYTES + 1000));
    StatusRuntimeException e = startRaw(BeeEncoder.message(6, big));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(e.getStatus().getDescription()).contains(String.valueOf(MAX_SERVICE_BYTES));
    assertThat(client.listServices()).as("nothing stored").isEqualTo(servicesBefore);
  }

  @Test
  void unimplementedCallsSayWhatTheNodeServes() throws Exception {
    try (BeeClientCall call = client.open("Payable", T)) {
      call.halfClose();
      assertThatThrownBy(() -> call.await(1, org.celaut.proto.buffer.Empty.class, T))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
            assertThat(e.getStatus().getDescription()).contains("Payable").contains("StartService");
          });
    }
  }

  @Test
  void stopWithAnUnknownTokenIsRefusedWithNotFound() {
    // StopServiceTruthTest covers every stop outcome; this keeps the bad-input list complete.
    assertThatThrownBy(() -> client.stop("not-a-token"))
        .isExactlyInstanceOf(org.celaut.sdk.client.NotFoundException.class)
        .hasMessageContaining("no instance on this node has that token; nothing was stopped");
  }
}
