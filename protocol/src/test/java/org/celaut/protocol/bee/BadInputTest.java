package org.celaut.protocol.bee;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.celaut.protocol.bee.Frames.chunk;
import static org.celaut.protocol.bee.Frames.head;
import static org.celaut.protocol.bee.Frames.idOf;
import static org.celaut.protocol.bee.Frames.marker;
import static org.celaut.protocol.bee.Frames.separator;

import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.celaut.proto.buffer.Buffer;
import org.celaut.protocol.Hashes;
import org.celaut.protocol.blocks.FileBlockStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input fails with the right {@link FramingException.Kind} and a message that names the
 * problem, and leaves nothing behind: no spool files, no partial blocks.
 */
class BadInputTest {

  @TempDir Path tmp;
  Path spool;
  Path blocksDir;
  FileBlockStore store;
  static final IndexMap START = GatewayCalls.of("StartService").request();

  @BeforeEach
  void setUp() throws Exception {
    spool = tmp.resolve("spool");
    blocksDir = tmp.resolve("blocks");
    store = new FileBlockStore(blocksDir);
  }

  @AfterEach
  void nothingLeftBehind() throws Exception {
    if (Files.exists(spool)) {
      try (Stream<Path> s = Files.list(spool)) {
        assertThat(s).as("spool directory").isEmpty();
      }
    }
  }

  private FramingException fails(FramingException.Kind kind, ThrowingCallable call) {
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(call);
    assertThat(t).isInstanceOf(FramingException.class);
    FramingException e = (FramingException) t;
    assertThat(e.kind()).isEqualTo(kind);
    return e;
  }

  private List<BeeEvent> decode(IndexMap map, DecoderLimits limits, Buffer... frames)
      throws FramingException {
    return Vectors.decode(map, limits, List.of(frames), spool, store);
  }

  private List<BeeEvent> decode(IndexMap map, Buffer... frames) throws FramingException {
    return decode(map, DecoderLimits.defaults(), frames);
  }

  private void assertStoreEmpty() throws Exception {
    try (Stream<Path> s = Files.list(blocksDir)) {
      assertThat(s).as("block store files (blocks or temporaries)").isEmpty();
    }
  }

  @Test
  void unknownIndexNamesTheIndexAndTheAllowedOnes() {
    FramingException e =
        fails(
            FramingException.Kind.UNKNOWN_INDEX,
            () -> decode(GatewayCalls.of("StopService").request(), head(7), chunk("x"), separator()));
    assertThat(e).hasMessageContaining("index 7").hasMessageContaining("[0, 1]");
  }

  @Test
  void streamEndingInsideASpooledMessageIsTruncatedAndDeletesItsSpool() throws Exception {
    try (BeeDecoder d = new BeeDecoder(START, DecoderLimits.defaults(), spool, store)) {
      d.accept(head(6));
      d.accept(chunk("some service bytes"));
      // The bytes went to disk as they arrived...
      assertThat(Vectors.fileCount(spool)).isEqualTo(1);
      FramingException e = fails(FramingException.Kind.TRUNCATED, d::finish);
      assertThat(e).hasMessageContaining("index 6").hasMessageContaining("separator");
      // ...and the failure removed them (checked again after each test).
      assertThat(Vectors.fileCount(spool)).isEqualTo(0);
      assertThatThrownBy(() -> d.accept(separator())).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void streamEndingInsideAParsedMessageIsTruncated() {
    fails(FramingException.Kind.TRUNCATED, () -> decode(START, head(1), chunk("0a02")));
  }

  @Test
  void streamEndingInsideABlockIsTruncatedAndLeavesNoPartialBlock() throws Exception {
    ByteString block = ByteString.copyFromUtf8("block bytes");
    fails(
        FramingException.Kind.TRUNCATED,
        () -> decode(START, head(6), chunk("ab"), marker(idOf(block), 1L), chunk(block)));
    assertStoreEmpty();
  }

  @Test
  void inMemoryMessageOverTheLimitIsTooLargeAndNamesTheLimit() {
    DecoderLimits limits = new DecoderLimits(100, 1000);
    FramingException e =
        fails(
            FramingException.Kind.TOO_LARGE,
            () ->
                decode(
                    START,
                    limits,
                    head(5),
                    chunk(ByteString.copyFrom(new byte[60])),
                    chunk(ByteString.copyFrom(new byte[60])),
                    separator()));
    assertThat(e).hasMessageContaining("maxInMemoryMessageBytes = 100");
  }

  @Test
  void spooledMessageOverTheLimitIsTooLargeAndLeavesNothing() throws Exception {
    DecoderLimits limits = new DecoderLimits(100, 1000);
    ByteString block = ByteString.copyFrom(new byte[900]);
    FramingException e =
        fails(
            FramingException.Kind.TOO_LARGE,
            () ->
                decode(
                    START,
                    limits,
                    head(6),
                    chunk(ByteString.copyFrom(new byte[200])),
                    marker(idOf(block), 100L),
                    chunk(block),
                    marker(idOf(block), 100L),
                    separator()));
    assertThat(e).hasMessageContaining("maxSpooledMessageBytes = 1000");
    assertStoreEmpty();
  }

  @Test
  void blockWhoseBytesDoNotMatchItsIdIsAMismatchAndNothingIsStored() throws Exception {
    String claimed = idOf(ByteString.copyFromUtf8("what the sender announced"));
    FramingException e =
        fails(
            FramingException.Kind.BLOCK_MISMATCH,
            () ->
                decode(
                    START,
                    head(6),
                    chunk("ab"),
                    marker(claimed, 1L),
                    chunk("other bytes"),
                    marker(claimed, 1L),
                    separator()));
    assertThat(e)
        .hasMessageContaining(claimed)
        .hasMessageContaining(idOf(ByteString.copyFromUtf8("other bytes")));
    assertStoreEmpty();
  }

  @Test
  void markerInAParsedIndexIsMalformed() throws Exception {
    ByteString block = ByteString.copyFromUtf8("b");
    FramingException e =
        fails(
            FramingException.Kind.MALFORMED,
            () -> decode(START, head(5), chunk("ab"), marker(idOf(block), 1L), chunk(block)));
    assertThat(e).hasMessageContaining("index 5").hasMessageContaining("spooled");
    assertStoreEmpty();
  }

  @Test
  void markerWithoutTheSha3TypedHashIsMalformed() {
    Buffer untyped =
        Buffer.newBuilder()
            .setBlock(
                Buffer.Block.newBuilder()
                    .addHashes(
                        Buffer.Block.Hash.newBuilder()
                            .setType(Hashes.SHAKE_256_TYPE)
                            .setValue(ByteString.copyFrom(new byte[32]))))
            .build();
    FramingException e =
        fails(FramingException.Kind.MALFORMED, () -> decode(START, head(6), chunk("a"), untyped));
    assertThat(e).hasMessageContaining("SHA3-256");
  }

  @Test
  void endMarkerDifferentFromItsStartIsMalformed() throws Exception {
    ByteString block = ByteString.copyFromUtf8("b");
    fails(
        FramingException.Kind.MALFORMED,
        () ->
            decode(
                START,
                head(6),
                chunk("abc"),
                marker(idOf(block), 1L),
                chunk(block),
                marker(idOf(block), 2L)));
    assertStoreEmpty();
  }

  @Test
  void messageEndingInsideABlockIsMalformed() throws Exception {
    ByteString block = ByteString.copyFromUtf8("b");
    FramingException e =
        fails(
            FramingException.Kind.MALFORMED,
            () -> decode(START, head(6), chunk("ab"), marker(idOf(block), 1L), chunk(block), separator()));
    assertThat(e).hasMessageContaining("end marker");
    assertStoreEmpty();
  }

  @Test
  void positionsAfterTheBlockStartAreMalformed() {
    ByteString block = ByteString.copyFromUtf8("b");
    fails(
        FramingException.Kind.MALFORMED,
        () -> decode(START, head(6), chunk("ab"), marker(idOf(block), 5L)));
  }

  @Test
  void bytesThatDoNotParseAreMalformedAndNameTheType() {
    FramingException e =
        fails(
            FramingException.Kind.MALFORMED,
            () -> decode(START, head(1), chunk(Vectors.hex("0aff")), separator()));
    assertThat(e).hasMessageContaining("org.celaut.proto.celaut.Client");
  }

  @Test
  void headWhileAMessageIsOpenIsMalformed() {
    fails(FramingException.Kind.MALFORMED, () -> decode(START, head(6), chunk("a"), head(5)));
  }

  @Test
  void closingMidMessageDeletesItsSpool() throws Exception {
    ByteString block = ByteString.copyFromUtf8("block");
    try (BeeDecoder d = new BeeDecoder(START, DecoderLimits.defaults(), spool, store)) {
      d.accept(head(6));
      d.accept(chunk("ab"));
      d.accept(marker(idOf(block), 1L));
      d.accept(chunk(block));
    }
    assertStoreEmpty();
  }
}
