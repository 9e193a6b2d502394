package org.celaut.protocol.bee;

import static org.assertj.core.api.Assertions.assertThat;
import static org.celaut.protocol.bee.Vectors.CID;
import static org.celaut.protocol.bee.Vectors.T3;
import static org.celaut.protocol.bee.Vectors.TK;
import static org.celaut.protocol.bee.Vectors.hex;

import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.celaut.proto.buffer.Buffer;
import org.celaut.proto.celaut.Amount;
import org.celaut.proto.celaut.BytesKeyValue;
import org.celaut.proto.celaut.Client;
import org.celaut.proto.celaut.Configuration;
import org.celaut.proto.celaut.Metadata;
import org.celaut.proto.celaut.Service;
import org.celaut.protocol.Hashes;
import org.celaut.protocol.blocks.FileBlockStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * start-service-request.hex: the order node_controller sends, with two incidental long forms
 * (the T3 Hash and the Metadata) that we decode but do not reproduce (we send them short).
 */
class StartServiceVectorTest {

  static final String SERVICE_ID = "b4f4655f81e9fbf9a661584385a0965dd25f657f9772dd2df96aab11fc734801";
  static final ByteString SERVICE_BYTES =
      hex(
          "0a0170122d0a0d0a0b6c696e75782f616d6436341a0e0a0362696e0a07736572766963652a0c0a0a5f5f636f"
              + "6e6669675f5f1a050a0308d617");

  @TempDir Path tmp;

  static Metadata.HashTag.Hash t3() {
    return Metadata.HashTag.Hash.newBuilder().setType(hex(T3)).setValue(hex(SERVICE_ID)).build();
  }

  static Metadata.HashTag.Hash tk() {
    return Metadata.HashTag.Hash.newBuilder()
        .setType(hex(TK))
        .setValue(hex("89b0caa52437ac10301a0fdda00670220f7824a52ba99dd3f4113634263dace5"))
        .build();
  }

  static Client client() {
    return Client.newBuilder().setClientId(CID).build();
  }

  static Configuration configuration() {
    return Configuration.newBuilder()
        .addEnvironmentVariables(
            BytesKeyValue.newBuilder().setKey("A").setValue(ByteString.copyFromUtf8("1")))
        .setInitialMu(Amount.newBuilder().setN("1000"))
        .build();
  }

  static Metadata metadata() {
    return Metadata.newBuilder()
        .setHashtag(Metadata.HashTag.newBuilder().addHash(t3()).addHash(tk()).addTag("demo"))
        .build();
  }

  @Test
  void decodesTheListedMessagesAndTheServiceHashesToItsId() throws Exception {
    FileBlockStore store = new FileBlockStore(tmp.resolve("blocks"));
    List<BeeEvent> events =
        Vectors.decode(
            GatewayCalls.of("StartService").request(),
            Vectors.frames("start-service-request.hex"),
            tmp.resolve("spool"),
            store);

    assertThat(events).hasSize(6);
    assertThat(events.subList(0, 5))
        .containsExactly(
            new BeeEvent.Parsed(1, client()),
            new BeeEvent.Parsed(3, configuration()),
            new BeeEvent.Parsed(4, t3()),
            new BeeEvent.Parsed(4, tk()),
            new BeeEvent.Parsed(5, metadata()));
    BeeEvent.Spooled spooled = (BeeEvent.Spooled) events.get(5);
    SpooledMessage service = spooled.message();
    assertThat(spooled.index()).isEqualTo(6);
    assertThat(service.hasBlocks()).isFalse();
    assertThat(service.expandedSize()).isEqualTo(SERVICE_BYTES.size());
    assertThat(service.sha3Hex()).isEqualTo(SERVICE_ID);
    assertThat(Vectors.expanded(service, store)).isEqualTo(SERVICE_BYTES.toByteArray());
    assertThat(Hashes.toHex(Hashes.sha3(SERVICE_BYTES.toByteArray()))).isEqualTo(SERVICE_ID);
    assertThat(Service.parseFrom(Vectors.expanded(service, store)).getContainer().getArchitecture()
            .getTags(0))
        .isEqualTo("linux/amd64");
    // With no blocks, the wbp form is the message itself.
    assertThat(Vectors.wbp(service, store)).isEqualTo(SERVICE_BYTES.toByteArray());
  }

  @Test
  void reencodesByteExactExceptTheIncidentalLongForms() throws Exception {
    List<ByteString> vector = Vectors.lines("start-service-request.hex");
    Path serviceFile = Files.write(tmp.resolve("service.bin"), SERVICE_BYTES.toByteArray());

    List<Buffer> ours = new ArrayList<>();
    ours.addAll(BeeEncoder.message(1, client()));
    ours.addAll(BeeEncoder.message(3, configuration()));
    ours.addAll(BeeEncoder.message(4, tk()));
    ours.addAll(Vectors.collect(sink -> BeeEncoder.file(6, serviceFile, sink)));
    List<ByteString> exact = Vectors.serialized(ours);

    // Lines 1, 2 (Client, Configuration), 6 (TK hash) and 10-12 (Service, Dir form) are not
    // incidental: our encoder reproduces them.
    assertThat(exact.get(0)).isEqualTo(vector.get(0));
    assertThat(exact.get(1)).isEqualTo(vector.get(1));
    assertThat(exact.get(2)).isEqualTo(vector.get(5));
    assertThat(exact.subList(3, 6)).containsExactlyElementsOf(vector.subList(9, 12));

    // Lines 3-5 and 7-9 are long forms the reference chose by accident ("may contain a block"
    // probe); they are exactly the long form of the same serialization.
    assertThat(vector.subList(2, 5)).containsExactlyElementsOf(longForm(4, t3().toByteString()));
    assertThat(vector.subList(6, 9))
        .containsExactlyElementsOf(longForm(5, metadata().toByteString()));
  }

  @Test
  void decodesTheShortFormWeSendForTheIncidentalLongForms() throws Exception {
    List<Buffer> ours = new ArrayList<>();
    ours.addAll(BeeEncoder.message(4, t3()));
    ours.addAll(BeeEncoder.message(5, metadata()));
    assertThat(ours).hasSize(2);
    List<BeeEvent> events =
        Vectors.decode(
            GatewayCalls.of("StartService").request(),
            ours,
            tmp.resolve("spool"),
            new FileBlockStore(tmp.resolve("blocks")));
    assertThat(events)
        .containsExactly(new BeeEvent.Parsed(4, t3()), new BeeEvent.Parsed(5, metadata()));
  }

  private static List<ByteString> longForm(int index, ByteString message) {
    return List.of(
        Buffer.newBuilder().setHead(Buffer.Head.newBuilder().setIndex(index)).build().toByteString(),
        Buffer.newBuilder().setChunk(message).build().toByteString(),
        Buffer.newBuilder().setSeparator(true).build().toByteString());
  }
}
