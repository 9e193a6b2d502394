package org.celaut.protocol.bee;

import static org.assertj.core.api.Assertions.assertThat;
import static org.celaut.protocol.bee.Vectors.CID;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.celaut.proto.buffer.Buffer;
import org.celaut.proto.buffer.Empty;
import org.celaut.proto.celaut.Amount;
import org.celaut.proto.celaut.ArchitectureResources;
import org.celaut.proto.celaut.Client;
import org.celaut.proto.celaut.Instance;
import org.celaut.proto.celaut.ModifyServiceSystemResourcesInput;
import org.celaut.proto.celaut.ModifyServiceSystemResourcesOutput;
import org.celaut.proto.celaut.Payment;
import org.celaut.proto.celaut.Refund;
import org.celaut.proto.celaut.ResourceAvailability;
import org.celaut.proto.celaut.Service;
import org.celaut.proto.celaut.ServiceInstance;
import org.celaut.proto.celaut.Sysresources;
import org.celaut.proto.celaut.TokenMessage;
import org.celaut.protocol.blocks.FileBlockStore;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every golden vector without blocks or incidental forms decodes to exactly the messages the
 * vectors README lists, and BeeEncoder re-encodes those messages to the very same lines.
 */
class SmallGoldenVectorsTest {

  @TempDir Path tmp;

  static ServiceInstance instance(String token) {
    return ServiceInstance.newBuilder()
        .setToken(token)
        .setInstance(
            Instance.newBuilder()
                .setApi(Service.Api.newBuilder().addSlot(Service.Api.Slot.newBuilder().setPort(3030)))
                .addUriSlot(
                    Instance.Uri_Slot.newBuilder()
                        .setInternalPort(3030)
                        .addUri(Instance.Uri.newBuilder().setIp("172.17.0.5").setPort(3030))))
        .build();
  }

  static Client client() {
    return Client.newBuilder().setClientId(CID).build();
  }

  static Stream<Arguments> vectors() {
    return Stream.of(
        Arguments.of(
            "small-message-short-form.hex",
            GatewayCalls.of("StopService").request(),
            List.of(parsed(1, TokenMessage.newBuilder().setToken("tok-1").build()))),
        Arguments.of(
            "empty-message.hex",
            GatewayCalls.of("Payable").response(),
            List.of(parsed(1, Empty.getDefaultInstance()))),
        Arguments.of(
            "raw-bytes-index0.hex",
            GatewayCalls.of("ServiceTunnel").response(),
            List.of(new BeeEvent.Raw(ByteString.copyFromUtf8("hi")))),
        Arguments.of(
            "start-service-response.hex",
            GatewayCalls.of("StartService").response(),
            List.of(new BeeEvent.Signal(), parsed(1, instance("tok-1")))),
        Arguments.of(
            "start-service-with-block-response.hex",
            GatewayCalls.of("StartService").response(),
            List.of(new BeeEvent.Signal(), parsed(1, instance("tok-2")))),
        Arguments.of(
            "stop-service-request.hex",
            GatewayCalls.of("StopService").request(),
            List.of(parsed(1, TokenMessage.newBuilder().setToken("tok-1").build()))),
        Arguments.of(
            "stop-service-response.hex",
            GatewayCalls.of("StopService").response(),
            List.of(
                parsed(1, Refund.newBuilder().setAmount(Amount.newBuilder().setN("1500")).build()))),
        Arguments.of(
            "modify-resources-request.hex",
            GatewayCalls.of("ModifyServiceSystemResources").request(),
            List.of(
                parsed(
                    1,
                    ModifyServiceSystemResourcesInput.newBuilder()
                        .setMinSysreq(Sysresources.newBuilder().setMemLimit(50_000_000))
                        .setMaxSysreq(Sysresources.newBuilder().setMemLimit(100_000_000))
                        .build()))),
        Arguments.of(
            "modify-resources-response.hex",
            GatewayCalls.of("ModifyServiceSystemResources").response(),
            List.of(
                parsed(
                    1,
                    ModifyServiceSystemResourcesOutput.newBuilder()
                        .setSysreq(Sysresources.newBuilder().setMemLimit(100_000_000))
                        .setBalance(Amount.newBuilder().setN("98000"))
                        .build()))),
        Arguments.of(
            "payable-request.hex",
            GatewayCalls.of("Payable").request(),
            List.of(
                parsed(
                    1,
                    Payment.newBuilder()
                        .setDepositToken("dep-1")
                        .setAmount(Amount.newBuilder().setN("5"))
                        .build()),
                parsed(2, client()))),
        Arguments.of(
            "payable-response.hex",
            GatewayCalls.of("Payable").response(),
            List.of(parsed(1, Empty.getDefaultInstance()))),
        Arguments.of(
            "resource-availability-request.hex",
            GatewayCalls.of("GetResourceAvailability").request(),
            List.of(
                parsed(
                    1,
                    ArchitectureResources.newBuilder()
                        .setArchitecture(
                            Service.Container.Architecture.newBuilder().addTags("linux/amd64"))
                        .setResources(Sysresources.newBuilder().setMemLimit(1_073_741_824L))
                        .build()),
                parsed(2, client()))),
        Arguments.of(
            "resource-availability-response.hex",
            GatewayCalls.of("GetResourceAvailability").response(),
            List.of(parsed(1, ResourceAvailability.newBuilder().setCanExecute(true).build()))),
        Arguments.of(
            "service-tunnel-request.hex",
            GatewayCalls.of("ServiceTunnel").request(),
            List.of(
                parsed(1, TokenMessage.newBuilder().setToken("tok-2").setSlot("3030").build()),
                new BeeEvent.Raw(ByteString.copyFromUtf8("hi")))),
        Arguments.of(
            "service-tunnel-response.hex",
            GatewayCalls.of("ServiceTunnel").response(),
            List.of(new BeeEvent.Raw(ByteString.copyFromUtf8("pong")))));
  }

  private static BeeEvent parsed(int index, com.google.protobuf.MessageLite m) {
    return new BeeEvent.Parsed(index, m);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void decodesToTheListedMessages(String file, IndexMap map, List<BeeEvent> expected)
      throws Exception {
    List<BeeEvent> events =
        Vectors.decode(
            map, Vectors.frames(file), tmp.resolve("spool"), new FileBlockStore(tmp.resolve("b")));
    assertThat(events).containsExactlyElementsOf(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void reencodesByteExact(String file, IndexMap map, List<BeeEvent> expected) {
    List<Buffer> frames = new ArrayList<>();
    for (BeeEvent e : expected) {
      if (e instanceof BeeEvent.Parsed p) {
        frames.addAll(BeeEncoder.message(p.index(), p.message()));
      } else if (e instanceof BeeEvent.Raw r) {
        frames.addAll(BeeEncoder.raw(r.bytes()));
      } else if (e instanceof BeeEvent.Signal) {
        frames.add(BeeEncoder.signal());
      } else {
        throw new AssertionError(e);
      }
    }
    assertThat(Vectors.serialized(frames)).containsExactlyElementsOf(Vectors.lines(file));
  }
}
