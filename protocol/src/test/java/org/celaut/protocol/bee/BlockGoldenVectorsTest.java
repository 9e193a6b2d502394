package org.celaut.protocol.bee;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.celaut.protocol.bee.Vectors.CID;
import static org.celaut.protocol.bee.Vectors.T3;
import static org.celaut.protocol.bee.Vectors.TK;
import static org.celaut.protocol.bee.Vectors.hex;

import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.celaut.proto.buffer.Buffer;
import org.celaut.proto.celaut.Client;
import org.celaut.proto.celaut.Configuration;
import org.celaut.proto.celaut.Metadata;
import org.celaut.proto.celaut.Service;
import org.celaut.protocol.Hashes;
import org.celaut.protocol.blocks.BlockStore;
import org.celaut.protocol.blocks.FileBlockStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vectors with blocks: start-service-with-block-request (a one-block multiblock Dir),
 * get-service-skip-* (a skipped 6 MiB block) and bee-file (the same service in a .bee file).
 */
class BlockGoldenVectorsTest {

  static final String SERVICE_ID = "cf06ba303749f37bf80c193761cd4a5361cdc9b588dcb2b2d93d140d25d4ff92";
  static final String BLOCK_ID = "ffa957786b794027a2332e9b08a1aba4b31f6dc52cc612a232fa286dc12e5d95";
  static final ByteString BLOCK =
      hex("0a2d0a0161122842424242424242424242424242424242424242424242424242424242424242424242424242424242");
  static final ByteString SEGMENT_1 = hex("0a0170125e0a0d0a0b6c696e75782f616d643634122f");
  static final ByteString SEGMENT_2 =
      hex("1a0e0a0362696e0a07736572766963652a0c0a0a5f5f636f6e6669675f5f1a050a0308d617");

  static final String SKIP_SERVICE_ID =
      "d6e58f05179af507e39266baccf2a1f31372a692f656eccd91434982065e4c2f";
  static final String BIG_BLOCK_ID =
      "cc3ab6d25e5ca7fcdbebc8401544526e5188de14da5386da520a74d3a75b217e";

  @TempDir Path tmp;
  BlockStore store;

  @BeforeEach
  void setUp() throws Exception {
    store = new FileBlockStore(tmp.resolve("blocks"));
  }

  static Metadata.HashTag.Hash hash(String type, String value) {
    return Metadata.HashTag.Hash.newBuilder().setType(hex(type)).setValue(hex(value)).build();
  }

  static Metadata blockServiceMetadata() {
    return Metadata.newBuilder()
        .setHashtag(
            Metadata.HashTag.newBuilder()
                .addHash(hash(T3, SERVICE_ID))
                .addHash(
                    hash(TK, "ef0f31cdeadcc29ec1ec95eae3f32c4e8492c1311bb054cb954f11c6a6cf019d"))
                .addTag("demo"))
        .build();
  }

  private SpooledMessage decodeBlockRequest(List<BeeEvent> eventsOut) throws Exception {
    List<BeeEvent> events =
        Vectors.decode(
            GatewayCalls.of("StartService").request(),
            Vectors.frames("start-service-with-block-request.hex"),
            tmp.resolve("spool"),
            store);
    eventsOut.addAll(events);
    return ((BeeEvent.Spooled) events.get(events.size() - 1)).message();
  }

  @Test
  void blockRequestDecodesAndStoresTheBlockUnderItsId() throws Exception {
    List<BeeEvent> events = new ArrayList<>();
    SpooledMessage service = decodeBlockRequest(events);

    // The empty Configuration (0a00, index 3) is dropped, as the reference receiver drops every
    // empty message whose type is not buffer.Empty.
    assertThat(events).hasSize(3);
    assertThat(events.subList(0, 2))
        .containsExactly(
            new BeeEvent.Parsed(4, hash(T3, SERVICE_ID)),
            new BeeEvent.Parsed(5, blockServiceMetadata()));
    assertThat(Hashes.toHex(Hashes.sha3(BLOCK.toByteArray()))).isEqualTo(BLOCK_ID);
    assertThat(store.contains(BLOCK_ID)).isTrue();
    try (var in = store.open(BLOCK_ID)) {
      assertThat(in.readAllBytes()).isEqualTo(BLOCK.toByteArray());
    }
    assertThat(service.sha3Hex()).isEqualTo(SERVICE_ID);
    assertThat(service.expandedSize()).isEqualTo(106);
    assertThat(service.hasBlocks()).isTrue();
    assertThat(service.parts())
        .extracting(SpooledMessage.Part::length)
        .containsExactly(22L, 47L, 37L);
    assertThat(service.parts().get(1))
        .isEqualTo(new SpooledMessage.BlockRef(BLOCK_ID, 47, List.of(4L, 21L)));
    assertThat(Vectors.expanded(service, store))
        .isEqualTo(SEGMENT_1.concat(BLOCK).concat(SEGMENT_2).toByteArray());
  }

  @Test
  void withBlockPointersReplacesTheBlockByTheTypedPointerAndRewritesBothLengths() throws Exception {
    SpooledMessage service = decodeBlockRequest(new ArrayList<>());
    ByteString expected =
        hex("0a01701275" + "0a0d0a0b6c696e75782f616d643634" + "1246")
            .concat(hex("0a440a20" + T3 + "1220" + BLOCK_ID))
            .concat(SEGMENT_2);
    byte[] wbp = Vectors.wbp(service, store);
    assertThat(ByteString.copyFrom(wbp)).isEqualTo(expected);
    assertThat(Service.parseFrom(wbp).getContainer().getFilesystem())
        .isEqualTo(hex("0a440a20" + T3 + "1220" + BLOCK_ID));
  }

  @Test
  void blockRequestReencodesByteExact() throws Exception {
    SpooledMessage service = decodeBlockRequest(new ArrayList<>());
    List<Buffer> ours = new ArrayList<>();
    ours.addAll(BeeEncoder.message(3, Configuration.getDefaultInstance()));
    ours.addAll(BeeEncoder.message(4, hash(T3, SERVICE_ID)));
    ours.addAll(BeeEncoder.message(5, blockServiceMetadata()));
    ours.addAll(Vectors.collect(sink -> BeeEncoder.spooled(service, store, sink, id -> false)));
    assertThat(Vectors.serialized(ours))
        .containsExactlyElementsOf(Vectors.lines("start-service-with-block-request.hex"));
  }

  @Test
  void movedSpoolLoadsBackIdentical() throws Exception {
    SpooledMessage service = decodeBlockRequest(new ArrayList<>());
    SpooledMessage moved = service.moveTo(tmp.resolve("registry").resolve(SERVICE_ID));
    assertThat(Files.exists(service.directory())).isFalse();
    SpooledMessage loaded = SpooledMessage.load(moved.directory());
    assertThat(loaded.parts()).isEqualTo(moved.parts());
    assertThat(loaded.sha3Hex()).isEqualTo(SERVICE_ID);
    assertThat(loaded.index()).isEqualTo(6);
    assertThat(Vectors.expanded(loaded, store)).hasSize(106);
    loaded.delete();
    assertThat(Files.exists(moved.directory())).isFalse();
  }

  /** Filesystem{branch [{name "big", file = bytes 0..255 repeated 24,576 times}]}. */
  static byte[] bigBlock() {
    byte[] file = new byte[256 * 24_576];
    for (int i = 0; i < file.length; i++) {
      file[i] = (byte) i;
    }
    return Service.Container.Filesystem.newBuilder()
        .addBranch(
            Service.Container.Filesystem.ItemBranch.newBuilder()
                .setName("big")
                .setFile(ByteString.copyFrom(file)))
        .build()
        .toByteArray();
  }

  private void seedBigBlock() throws Exception {
    try (BlockStore.PendingBlock p = store.begin()) {
      p.output().write(bigBlock());
      assertThat(p.commit(BIG_BLOCK_ID)).isEqualTo(BIG_BLOCK_ID);
    }
  }

  @Test
  void skippedBlockDecodesWhenTheStoreHoldsIt() throws Exception {
    seedBigBlock();
    List<BeeEvent> events =
        Vectors.decode(
            GatewayCalls.of("GetService").response(),
            Vectors.frames("get-service-skip-response.hex"),
            tmp.resolve("spool"),
            store);
    Metadata metadata =
        Metadata.newBuilder()
            .setHashtag(
                Metadata.HashTag.newBuilder()
                    .addHash(hash(T3, SKIP_SERVICE_ID))
                    .addHash(
                        hash(TK, "19647ec9974775636e73bfda05885978ab8dfbe14e905d18d7687ec0f6f6cbd0"))
                    .addTag("demo"))
            .build();
    assertThat(events).hasSize(4);
    assertThat(events.get(0)).isEqualTo(new BeeEvent.Parsed(4, hash(T3, SKIP_SERVICE_ID)));
    assertThat(events.get(1)).isEqualTo(new BeeEvent.Parsed(5, metadata));
    assertThat(events.get(2)).isEqualTo(new BeeEvent.BlockHeld(BIG_BLOCK_ID));
    SpooledMessage service = ((BeeEvent.Spooled) events.get(3)).message();
    assertThat(service.expandedSize()).isEqualTo(6_291_536L);
    assertThat(service.sha3Hex()).isEqualTo(SKIP_SERVICE_ID);
    assertThat(Hashes.toHex(Hashes.sha3(Vectors.expanded(service, store))))
        .isEqualTo(SKIP_SERVICE_ID);
    assertThat(service.parts().get(1))
        .isEqualTo(new SpooledMessage.BlockRef(BIG_BLOCK_ID, bigBlock().length, List.of(4L, 24L)));

    // A sender honouring the skip from the start sends the two markers with no body between.
    List<Buffer> resent =
        Vectors.collect(sink -> BeeEncoder.spooled(service, store, sink, id -> true));
    List<ByteString> vector = Vectors.lines("get-service-skip-response.hex");
    assertThat(Vectors.serialized(resent)).containsExactlyElementsOf(vector.subList(2, vector.size()));
  }

  @Test
  void skippedBlockIsAMismatchWhenTheStoreLacksIt() {
    assertThatThrownBy(
            () ->
                Vectors.decode(
                    GatewayCalls.of("GetService").response(),
                    Vectors.frames("get-service-skip-response.hex"),
                    tmp.resolve("spool"),
                    store))
        .isInstanceOfSatisfying(
            FramingException.class,
            e -> assertThat(e.kind()).isEqualTo(FramingException.Kind.BLOCK_MISMATCH))
        .hasMessageContaining(BIG_BLOCK_ID);
    assertThat(store.contains(BIG_BLOCK_ID)).isFalse();
  }

  @Test
  void skipRequestDecodesAndReencodesByteExact() throws Exception {
    List<BeeEvent> events =
        Vectors.decode(
            GatewayCalls.of("GetService").request(),
            Vectors.frames("get-service-skip-request.hex"),
            tmp.resolve("spool"),
            store);
    Client client = Client.newBuilder().setClientId(CID).build();
    assertThat(events)
        .containsExactly(
            new BeeEvent.Parsed(1, hash(T3, SKIP_SERVICE_ID)),
            new BeeEvent.Parsed(2, client),
            new BeeEvent.SkipRequested(BIG_BLOCK_ID));
    List<Buffer> ours = new ArrayList<>();
    ours.addAll(BeeEncoder.message(1, hash(T3, SKIP_SERVICE_ID)));
    ours.addAll(BeeEncoder.message(2, client));
    ours.add(BeeEncoder.skip(BIG_BLOCK_ID));
    assertThat(Vectors.serialized(ours))
        .containsExactlyElementsOf(Vectors.lines("get-service-skip-request.hex"));
  }

  @Test
  void beeFileReadsAndWritesByteExact() throws Exception {
    ByteString raw = Vectors.lines("bee-file.raw.hex").get(0);
    Path file = Files.write(tmp.resolve("in.bee"), raw.toByteArray());

    // The file is the length-prefixed Buffers of bee-file.hex.
    ByteArrayOutputStream framed = new ByteArrayOutputStream();
    DataOutputStream data = new DataOutputStream(framed);
    for (ByteString line : Vectors.lines("bee-file.hex")) {
      data.writeInt(line.size());
      line.writeTo(data);
    }
    assertThat(ByteString.copyFrom(framed.toByteArray())).isEqualTo(raw);

    List<BeeEvent> events = BeeFiles.read(file, tmp.resolve("spool"), store);
    assertThat(events).hasSize(2);
    assertThat(events.get(0)).isEqualTo(new BeeEvent.Parsed(1, blockServiceMetadata()));
    BeeEvent.Spooled spooled = (BeeEvent.Spooled) events.get(1);
    assertThat(spooled.index()).isEqualTo(2);
    assertThat(spooled.message().sha3Hex()).isEqualTo(SERVICE_ID);
    assertThat(store.contains(BLOCK_ID)).isTrue();

    Path out = tmp.resolve("out").resolve("service.bee");
    BeeFiles.write(out, blockServiceMetadata(), spooled.message(), store);
    assertThat(Files.readAllBytes(out)).isEqualTo(raw.toByteArray());
  }
}
