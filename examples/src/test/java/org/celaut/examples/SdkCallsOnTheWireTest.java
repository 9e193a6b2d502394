package org.celaut.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.MessageLite;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.celaut.node.gateway.CallContext;
import org.celaut.node.gateway.CallHandler;
import org.celaut.node.gateway.GatewayService;
import org.celaut.proto.celaut.Amount;
import org.celaut.proto.celaut.Configuration;
import org.celaut.proto.celaut.ConfigurationFile;
import org.celaut.proto.celaut.EstimatedCost;
import org.celaut.proto.celaut.Instance;
import org.celaut.proto.celaut.Metadata;
import org.celaut.proto.celaut.ModifyServiceSystemResourcesInput;
import org.celaut.proto.celaut.ModifyServiceSystemResourcesOutput;
import org.celaut.proto.celaut.Service;
import org.celaut.proto.celaut.Sysresources;
import org.celaut.protocol.Hashes;
import org.celaut.protocol.bee.BeeEncoder;
import org.celaut.protocol.bee.BeeEvent;
import org.celaut.protocol.bee.DecoderLimits;
import org.celaut.protocol.blocks.FileBlockStore;
import org.celaut.sdk.client.CostEstimate;
import org.celaut.sdk.client.NodeClient;
import org.celaut.sdk.client.ResourcesExhaustedException;
import org.celaut.sdk.client.ServiceSource;
import org.celaut.sdk.client.StartOptions;
import org.celaut.sdk.service.ServiceContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the SDK puts on the wire for the calls our node does not serve yet
 * (ModifyServiceSystemResources, GetServiceEstimatedCost), and how it reads the answers: a
 * gateway built from the node's own gRPC service and bee framing, with handlers that record the
 * request and answer as the reference does.
 */
class SdkCallsOnTheWireTest {

  @TempDir Path tmp;

  private final List<Map.Entry<Integer, MessageLite>> received = new CopyOnWriteArrayList<>();
  private ExecutorService workers;
  private Server server;
  private volatile boolean refuse;

  @BeforeEach
  void gatewayUp() throws Exception {
    workers = Executors.newCachedThreadPool();
    CallHandler modify = ctx -> {
      record(ctx);
      if (refuse) {
        throw CallContext.error(Status.Code.RESOURCE_EXHAUSTED, "not that much memory here");
      }
      var in = (ModifyServiceSystemResourcesInput) received.get(0).getValue();
      long granted = Math.min(in.getMaxSysreq().getMemLimit(), 96L << 20); // this node grants at most 96 MiB
      ctx.send(1, ModifyServiceSystemResourcesOutput.newBuilder()
          .setSysreq(Sysresources.newBuilder().setMemLimit(granted))
          .setBalance(Amount.newBuilder().setN("7"))
          .build());
    };
    CallHandler estimate = ctx -> {
      record(ctx);
      ctx.send(1, EstimatedCost.newBuilder()
          .setCost(Amount.newBuilder().setN("1000"))
          .setInitMaintenanceCost(Amount.newBuilder().setN("10"))
          .setMaxMaintenanceCost(Amount.newBuilder().setN("20"))
          .setMaintenanceSecondsLoop(30)
          .build());
      ctx.sendFrame(BeeEncoder.signal()); // the reference sends a signal after the answer
    };
    GatewayService gateway = new GatewayService(
        Map.of("ModifyServiceSystemResources", modify, "GetServiceEstimatedCost", estimate), workers,
        new org.celaut.node.calls.CallSlots(new org.celaut.node.calls.CallAdmission.Limits(16, 16)),
        Files.createDirectories(tmp.resolve("spool")), new FileBlockStore(tmp.resolve("blocks")),
        DecoderLimits.defaults(), Duration.ofSeconds(10));
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(gateway.definition()).build().start();
  }

  /** Reads the whole request (until the caller half-closes). */
  private void record(CallContext ctx) throws Exception {
    for (Optional<BeeEvent> e; (e = ctx.next(Duration.ofSeconds(10))).isPresent(); ) {
      if (e.get() instanceof BeeEvent.Parsed p) {
        received.add(Map.entry(p.index(), p.message()));
      }
    }
  }

  @AfterEach
  void gatewayDown() throws Exception {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    workers.shutdownNow();
  }

  private Path config() throws Exception {
    int port = server.getPort();
    Instance gw = Instance.newBuilder()
        .setApi(Service.Api.newBuilder().addSlot(Service.Api.Slot.newBuilder().setPort(port)))
        .addUriSlot(Instance.Uri_Slot.newBuilder().setInternalPort(port)
            .addUri(Instance.Uri.newBuilder().setIp("127.0.0.1").setPort(port)))
        .build();
    return Files.write(tmp.resolve("cfg"), ConfigurationFile.newBuilder().setGateway(gw).build().toByteArray());
  }

  @Test
  void modifyResourcesSendsTheMaximumAloneAndReturnsWhatTheNodeGranted() throws Exception {
    Sysresources asked = Sysresources.newBuilder().setMemLimit(128L << 20).setCpuQuota(50_000).build();
    try (ServiceContext ctx = ServiceContext.fromConfigFile(config())) {
      assertThat(ctx.modifyResources(asked)).isEqualTo(Sysresources.newBuilder().setMemLimit(96L << 20).build());
    }
    assertThat(received).singleElement().satisfies(e -> {
      assertThat(e.getKey()).isEqualTo(1);
      assertThat(e.getValue()).isEqualTo(ModifyServiceSystemResourcesInput.newBuilder().setMaxSysreq(asked).build());
    });
  }

  @Test
  void aRefusedChangeIsTyped() throws Exception {
    refuse = true;
    try (ServiceContext ctx = ServiceContext.fromConfigFile(config())) {
      assertThatThrownBy(() -> ctx.modifyResourcesAsync(Sysresources.newBuilder().setMemLimit(1L << 40).build()).join())
          .hasCauseInstanceOf(ResourcesExhaustedException.class)
          .hasMessageContaining("not that much memory here");
    }
  }

  @Test
  void estimateCostSendsConfigurationAndHashesButNeitherClientNorBody() throws Exception {
    // The smallest service a client accepts as one: a container with an architecture and an entrypoint.
    byte[] service = org.celaut.proto.celaut.Service.newBuilder().setContainer(
        org.celaut.proto.celaut.Service.Container.newBuilder()
            .setArchitecture(org.celaut.proto.celaut.Service.Container.Architecture.newBuilder().addTags("linux/amd64"))
            .setInit(org.celaut.proto.celaut.Service.Container.Init.newBuilder().addEntryPath("/bin/run")))
        .build().toByteArray();
    Path file = Files.write(tmp.resolve("svc.service"), service);
    ServiceSource source = ServiceSource.fromFile(file);
    StartOptions options = StartOptions.builder().env("A", "b").initialMu(BigInteger.valueOf(500)).build();
    CostEstimate cost;
    try (NodeClient client = NodeClient.connect("127.0.0.1:" + server.getPort())) {
      cost = client.estimateCostAsync(source, options).get(30, TimeUnit.SECONDS);
    }
    assertThat(cost).isEqualTo(new CostEstimate(BigInteger.valueOf(1000), BigInteger.TEN, BigInteger.valueOf(20),
        Duration.ofSeconds(30), 0f));
    assertThat(received).extracting(Map.Entry::getKey).containsExactly(3, 4, 5);
    Configuration cfg = (Configuration) received.get(0).getValue();
    assertThat(cfg.getEnvironmentVariables(0).getKey()).isEqualTo("A");
    assertThat(cfg.getInitialMu().getN()).isEqualTo("500");
    assertThat(received.get(1).getValue()).isEqualTo(Hashes.sha3Hash(Hashes.sha3(service)));
    assertThat(((Metadata) received.get(2).getValue()).getHashtag().getTagList()).containsExactly("svc");
  }
}
