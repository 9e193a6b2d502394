package org.celaut.sdk.pack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.celaut.proto.buffer.Buffer;
import org.celaut.proto.celaut.Service;
import org.celaut.proto.celaut.Service.Container.Filesystem;
import org.celaut.protocol.Hashes;
import org.celaut.protocol.bee.BeeDecoder;
import org.celaut.protocol.bee.BeeEvent;
import org.celaut.protocol.bee.BeeFiles;
import org.celaut.protocol.bee.DecoderLimits;
import org.celaut.protocol.bee.IndexMap;
import org.celaut.protocol.bee.SpooledMessage;
import org.celaut.protocol.blocks.BlockStore;
import org.celaut.protocol.blocks.FileBlockStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Large files and the filesystem become blocks (nested), written as a .bee file; the id is the
 * same as without blocks, the framing is what the node's decoder accepts, and a sender honouring
 * skips leaves out exactly the bodies the receiver holds.
 */
class BlocksKeepTheIdTest {

  @TempDir Path tmp;

  private TestProject project;
  private byte[] big;
  private byte[] big2;

  @BeforeEach
  void project() throws Exception {
    Random r = new Random(7);
    big = new byte[3000];
    r.nextBytes(big);
    big2 = new byte[2500];
    r.nextBytes(big2);
    project =
        TestProject.minimal(tmp.resolve("p"))
            .file("/data/big", big, "rw-r--r--")
            .file("/data/deeper/big2", big2, "rw-------")
            .file("/data/small", "tiny", "rw-r--r--");
  }

  private static ServicePacker packer(long threshold) {
    return new ServicePacker(PackOptions.builder().blockThresholdBytes(threshold).build());
  }

  @Test
  void aServicePacksToTheSameIdWithAndWithoutBlocks() throws Exception {
    PackResult plain = new ServicePacker().pack(project.dir);
    PackResult blocks = packer(1000).pack(project.dir);

    assertThat(plain.format()).isEqualTo(PackResult.Format.SERVICE);
    assertThat(plain.output().getFileName().toString()).isEqualTo("t.service");
    assertThat(plain.blockIds()).isEmpty();
    assertThat(blocks.format()).isEqualTo(PackResult.Format.BEE);
    assertThat(blocks.output().getFileName().toString()).isEqualTo("t.bee");
    assertThat(blocks.serviceId()).isEqualTo(plain.serviceId());
    assertThat(blocks.metadata()).isEqualTo(plain.metadata());

    // The filesystem first (it starts first), then the big files inside it.
    byte[] plainBytes = Files.readAllBytes(plain.output());
    Filesystem fs = Filesystem.parseFrom(Service.parseFrom(plainBytes).getContainer().getFilesystem());
    assertThat(blocks.blockIds())
        .containsExactly(
            Hashes.toHex(Hashes.sha3(fs.toByteArray())),
            Hashes.toHex(Hashes.sha3(big)),
            Hashes.toHex(Hashes.sha3(big2)));

    BeeServiceFile bee = BeeServiceFile.open(blocks.output());
    assertThat(bee.serviceIdHex()).isEqualTo(plain.serviceIdHex());
    ByteArrayOutputStream expanded = new ByteArrayOutputStream();
    bee.writeExpanded(expanded);
    assertThat(expanded.toByteArray()).isEqualTo(plainBytes);
  }

  @Test
  void aThresholdInPackConfigIsUsedAndTheOptionOverridesIt() throws Exception {
    Files.writeString(project.dir.resolve(".service/pack_config.json"), "{\"block_threshold_bytes\": 2800}");

    PackResult fromConfig = new ServicePacker().pack(project.dir);
    PackResult fromOption = packer(100_000_000).pack(project.dir);

    assertThat(fromConfig.blockIds()).hasSize(2).contains(Hashes.toHex(Hashes.sha3(big)));
    assertThat(fromOption.blockIds()).isEmpty();
    assertThat(fromConfig.serviceId()).isEqualTo(fromOption.serviceId());
  }

  @Test
  void anOutputNamedBeeIsABeeFileAndAnyOtherNameThePlainService() throws Exception {
    PackResult asBee = new ServicePacker().pack(project.dir, tmp.resolve("out/x.bee"));
    PackResult asPlain = packer(1000).pack(project.dir, tmp.resolve("out/x.service"));

    assertThat(asBee.format()).isEqualTo(PackResult.Format.BEE);
    assertThat(BeeServiceFile.open(asBee.output()).blockIds()).isEmpty();
    assertThat(asPlain.format()).isEqualTo(PackResult.Format.SERVICE);
    assertThat(Hashes.toHex(Hashes.sha3(Files.readAllBytes(asPlain.output()))))
        .isEqualTo(asBee.serviceIdHex());
  }

  @Test
  void fileBlocksAreNestedInsideTheFilesystemBlockWithTheirEnclosingLengths() throws Exception {
    PackResult r = packer(1000).pack(project.dir);

    List<Buffer> frames = readFrames(r.output());
    Deque<Buffer.Block> open = new ArrayDeque<>();
    List<List<Long>> starts = new ArrayList<>();
    int maxDepth = 0;
    for (Buffer b : frames) {
      if (b.hasBlock()) {
        if (!open.isEmpty() && open.peek().equals(b.getBlock())) {
          open.pop();
        } else {
          open.push(b.getBlock());
          starts.add(b.getBlock().getPreviousLengthsPositionList());
          maxDepth = Math.max(maxDepth, open.size());
        }
      }
      assertThat(b.getSerializedSize()).isLessThanOrEqualTo((1 << 20) + 16);
    }
    assertThat(maxDepth).isEqualTo(2);
    // container and filesystem lengths enclose the outer block; the inner ones add the branch
    // (and sub-directory) lengths and end with the file's own length.
    assertThat(starts.get(0)).hasSize(2);
    assertThat(starts.get(1)).startsWith(starts.get(0).toArray(new Long[0])).hasSizeGreaterThan(3);
  }

  @Test
  void theNodesDecoderStoresEveryBlockAndTheServiceParsesWithPointers() throws Exception {
    PackResult r = packer(1000).pack(project.dir);
    FileBlockStore store = new FileBlockStore(tmp.resolve("store"));

    List<BeeEvent> events = BeeFiles.read(r.output(), tmp.resolve("spool"), store);

    assertThat(events.get(0)).isEqualTo(new BeeEvent.Parsed(1, r.metadata()));
    SpooledMessage m = ((BeeEvent.Spooled) events.get(1)).message();
    assertThat(m.sha3Hex()).isEqualTo(r.serviceIdHex());
    for (String id : r.blockIds()) {
      assertThat(store.contains(id)).as(id).isTrue();
    }
    ByteArrayOutputStream wbp = new ByteArrayOutputStream();
    m.writeWithBlockPointers(wbp, store);
    Service s = Service.parseFrom(wbp.toByteArray());
    assertThat(s.getContainer().getFilesystem().size()).as("a typed pointer").isEqualTo(70);
  }

  @Test
  void aHeldInnerBlockIsNotSentAndTheReceiverStillGetsTheService() throws Exception {
    PackResult r = packer(1000).pack(project.dir);
    String bigId = Hashes.toHex(Hashes.sha3(big));
    BlockStore store = storeHolding(big);

    Sent sent = send(r, id -> id.equals(bigId), null);

    assertThat(received(sent.frames, store)).isEqualTo(r.serviceIdHex());
    assertThat(sent.chunkBytes).isEqualTo(expandedSize(r) - big.length);
  }

  @Test
  void aHeldOuterBlockIsNotSentWithEverythingInsideIt() throws Exception {
    PackResult r = packer(1000).pack(project.dir);
    String fsId = r.blockIds().get(0);
    BlockStore store = new FileBlockStore(tmp.resolve("held"));
    try (var p = store.begin()) {
      ByteArrayOutputStream expanded = new ByteArrayOutputStream();
      BeeServiceFile.open(r.output()).writeExpanded(expanded);
      Service s = Service.parseFrom(expanded.toByteArray());
      s.getContainer().getFilesystem().writeTo(p.output());
      p.commit(fsId);
    }

    Sent sent = send(r, id -> id.equals(fsId), null);

    assertThat(received(sent.frames, store)).isEqualTo(r.serviceIdHex());
    assertThat(sent.chunkBytes).isLessThan(200);
  }

  @Test
  void aSkipOfTheOuterBlockArrivingInsideAnInnerOneClosesBoth() throws Exception {
    PackResult r = packer(1000).pack(project.dir);
    String fsId = r.blockIds().get(0);
    String bigId = Hashes.toHex(Hashes.sha3(big));
    BlockStore store = new FileBlockStore(tmp.resolve("held"));
    try (var p = store.begin()) {
      ByteArrayOutputStream expanded = new ByteArrayOutputStream();
      BeeServiceFile.open(r.output()).writeExpanded(expanded);
      Service.parseFrom(expanded.toByteArray()).getContainer().getFilesystem().writeTo(p.output());
      p.commit(fsId);
    }

    // The receiver notices it holds the filesystem only once the big file has started.
    Sent sent = send(r, null, b -> b.hasBlock() && BeeServiceFileTestAccess.id(b).equals(bigId) ? fsId : null);

    assertThat(received(sent.frames, store)).isEqualTo(r.serviceIdHex());
    long markers = sent.frames.stream().filter(Buffer::hasBlock).count();
    assertThat(markers).as("fs start, big start, big end, fs end").isEqualTo(4);
  }

  @Test
  void aCorruptBeeFileIsRefusedWhenOpened() throws Exception {
    PackResult r = packer(1000).pack(project.dir);
    byte[] bytes = Files.readAllBytes(r.output());
    // Outside every block: the config path after the filesystem.
    byte[] outside = bytes.clone();
    outside[indexOf(outside, "__config__")] ^= 1;
    Path bad = Files.write(tmp.resolve("bad.bee"), outside);
    assertThatThrownBy(() -> BeeServiceFile.open(bad))
        .hasMessageContaining("its Metadata names service " + r.serviceIdHex());
    // Inside a block: its bytes no longer hash to the id its markers name.
    byte[] inside = bytes.clone();
    inside[indexOf(inside, "tiny")] ^= 1;
    Path badBlock = Files.write(tmp.resolve("bad-block.bee"), inside);
    assertThatThrownBy(() -> BeeServiceFile.open(badBlock))
        .hasMessageContaining("block " + r.blockIds().get(0) + " holds bytes hashing to");
    Path cut = Files.write(tmp.resolve("cut.bee"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertThatThrownBy(() -> BeeServiceFile.open(cut)).hasMessageContaining("incomplete");
  }

  @Test
  void onlyTheBytesOutsideOutermostBlocksCountAsInline() {
    Wire.Field innerBlock = Wire.blockField(2, List.of(new Wire.Bytes(com.google.protobuf.ByteString.copyFrom(new byte[100]))));
    Wire.Field outerBlock = Wire.blockField(4, List.of(innerBlock));
    Wire.Field plain = Wire.field(1, List.of(new Wire.Bytes(com.google.protobuf.ByteString.copyFromUtf8("ab")), innerBlock));

    assertThat(Wire.inlineSize(List.of(plain))).isEqualTo(plain.size() - 100);
    assertThat(Wire.inlineSize(List.of(outerBlock))).isEqualTo(outerBlock.size() - outerBlock.contentSize);
  }

  // ---- helpers ----

  private static int indexOf(byte[] haystack, String needle) {
    byte[] n = needle.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    outer:
    for (int i = 0; i + n.length <= haystack.length; i++) {
      for (int j = 0; j < n.length; j++) {
        if (haystack[i + j] != n[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError(needle + " not found");
  }

  record Sent(List<Buffer> frames, long chunkBytes) {}

  /**
   * Sends the service as NodeClient does; {@code skippedFrom} adds a block to the skipped set
   * when the frame it is given has just been sent.
   */
  private static Sent send(
      PackResult r, java.util.function.Predicate<String> skipped,
      java.util.function.Function<Buffer, String> skippedFrom) throws Exception {
    List<Buffer> out = new ArrayList<>();
    Set<String> late = new HashSet<>();
    long[] bytes = {0};
    BeeServiceFile.open(r.output()).sendService(6, b -> {
      out.add(b);
      bytes[0] += b.getChunk().size();
      if (skippedFrom != null) {
        String id = skippedFrom.apply(b);
        if (id != null) {
          late.add(id);
        }
      }
    }, id -> (skipped != null && skipped.test(id)) || late.contains(id));
    return new Sent(out, bytes[0]);
  }

  private String received(List<Buffer> frames, BlockStore store) throws Exception {
    IndexMap map = IndexMap.builder().spooled(6, Service.class).build();
    List<BeeEvent> events = new ArrayList<>();
    try (BeeDecoder d = new BeeDecoder(map, DecoderLimits.defaults(), tmp.resolve("spool"), store)) {
      for (Buffer b : frames) {
        events.addAll(d.accept(b));
      }
      d.finish();
    }
    SpooledMessage m = events.stream().filter(e -> e instanceof BeeEvent.Spooled)
        .map(e -> ((BeeEvent.Spooled) e).message()).findFirst().orElseThrow();
    try (InputStream in = m.openExpanded(store)) {
      return Hashes.toHex(Hashes.sha3(in.readAllBytes()));
    }
  }

  private BlockStore storeHolding(byte[] block) throws Exception {
    FileBlockStore store = new FileBlockStore(tmp.resolve("held"));
    try (var p = store.begin()) {
      p.output().write(block);
      p.commit(Hashes.toHex(Hashes.sha3(block)));
    }
    return store;
  }

  private static long expandedSize(PackResult r) throws Exception {
    return BeeServiceFile.open(r.output()).expandedSizeBytes();
  }

  static List<Buffer> readFrames(Path bee) throws Exception {
    List<Buffer> out = new ArrayList<>();
    try (DataInputStream in = new DataInputStream(Files.newInputStream(bee))) {
      while (in.available() > 0) {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        out.add(Buffer.parseFrom(b));
      }
    }
    return out;
  }

  /** The SHA3 id a marker names. */
  static final class BeeServiceFileTestAccess {
    static String id(Buffer marker) {
      return Hashes.toHex(marker.getBlock().getHashes(0).getValue());
    }
  }
}
