package org.celaut.protocol.bee;

import static org.assertj.core.api.Assertions.assertThat;
import static org.celaut.protocol.bee.Frames.chunk;
import static org.celaut.protocol.bee.Frames.head;
import static org.celaut.protocol.bee.Frames.idOf;
import static org.celaut.protocol.bee.Frames.marker;
import static org.celaut.protocol.bee.Frames.separator;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.util.List;
import org.celaut.proto.buffer.Buffer;
import org.celaut.proto.buffer.Empty;
import org.celaut.proto.celaut.Configuration;
import org.celaut.proto.celaut.TokenMessage;
import org.celaut.protocol.Hashes;
import org.celaut.protocol.blocks.BlockStore;
import org.celaut.protocol.blocks.FileBlockStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The receiver is a superset of the Python one (FRAMING.md §1.3, §1.5): shapes it must accept. */
class DecoderRulesTest {

  @TempDir Path tmp;
  BlockStore store;
  static final IndexMap START = GatewayCalls.of("StartService").request();
  static final TokenMessage TOKEN = TokenMessage.newBuilder().setToken("tok-1").build();
  static final IndexMap STOP = GatewayCalls.of("StopService").request();

  @BeforeEach
  void setUp() throws Exception {
    store = new FileBlockStore(tmp.resolve("blocks"));
  }

  private List<BeeEvent> decode(IndexMap map, Buffer... frames) throws FramingException {
    return Vectors.decode(map, List.of(frames), tmp.resolve("spool"), store);
  }

  @Test
  void headlessMessageGoesToIndexOneWhenTheMapHasIt() throws Exception {
    assertThat(decode(STOP, chunk(TOKEN.toByteString()), separator()))
        .containsExactly(new BeeEvent.Parsed(1, TOKEN));
  }

  @Test
  void headlessMessageIsRawBytesWhenTheMapHasNoIndexOne() throws Exception {
    assertThat(decode(GatewayCalls.of("ServiceTunnel").response(), chunk("po"), chunk("ng"), separator()))
        .containsExactly(new BeeEvent.Raw(ByteString.copyFromUtf8("pong")));
  }

  @Test
  void headBufferMayCarryAChunkAndChunksMayBeAnySizeOrEmpty() throws Exception {
    ByteString b = TOKEN.toByteString();
    Buffer first = head(1).toBuilder().setChunk(b.substring(0, 1)).build();
    assertThat(
            decode(
                STOP,
                first,
                chunk(ByteString.EMPTY),
                chunk(b.substring(1, 2)),
                chunk(b.substring(2)),
                chunk(ByteString.EMPTY).toBuilder().setSeparator(true).build()))
        .containsExactly(new BeeEvent.Parsed(1, TOKEN));
  }

  @Test
  void aBufferWithNoChunkHeadOrBlockEndsTheMessage() throws Exception {
    Buffer bare = Buffer.newBuilder().build();
    assertThat(decode(STOP, head(1), chunk(TOKEN.toByteString()), bare))
        .containsExactly(new BeeEvent.Parsed(1, TOKEN));
  }

  @Test
  void signalBetweenMessagesIsReportedAndCarriesNoMessage() throws Exception {
    assertThat(
            decode(
                STOP,
                BeeEncoder.signal(),
                BeeEncoder.message(1, TOKEN).get(0),
                BeeEncoder.signal()))
        .containsExactly(new BeeEvent.Signal(), new BeeEvent.Parsed(1, TOKEN), new BeeEvent.Signal());
  }

  @Test
  void signalPaddedWithAnEmptyChunkMidMessageKeepsTheMessageOpen() throws Exception {
    ByteString b = TOKEN.toByteString();
    Buffer paddedSignal = chunk(ByteString.EMPTY).toBuilder().setSignal(true).build();
    assertThat(
            decode(STOP, head(1), chunk(b.substring(0, 3)), paddedSignal, chunk(b.substring(3)), separator()))
        .containsExactly(new BeeEvent.Signal(), new BeeEvent.Parsed(1, TOKEN));
  }

  @Test
  void bareSignalMidMessageEndsItAsTheReferenceDoes() throws Exception {
    assertThat(decode(STOP, head(1), chunk(TOKEN.toByteString()), BeeEncoder.signal()))
        .containsExactly(new BeeEvent.Signal(), new BeeEvent.Parsed(1, TOKEN));
  }

  @Test
  void legacyPartitionsAndUnknownFieldsAreIgnored() throws Exception {
    Buffer withPartitions =
        BeeEncoder.message(1, TOKEN).get(0).toBuilder()
            .setHead(
                Buffer.Head.newBuilder()
                    .setIndex(1)
                    .addPartitions(Buffer.Head.Partition.getDefaultInstance()))
            .build();
    // field 15, varint 1: a field from some future bee-rpc
    ByteString unknown = withPartitions.toByteString().concat(Vectors.hex("7801"));
    assertThat(decode(STOP, Buffer.parseFrom(unknown)))
        .containsExactly(new BeeEvent.Parsed(1, TOKEN));
  }

  @Test
  void emptyMessagesAreDroppedExceptWhereTheMapExpectsEmpty() throws Exception {
    assertThat(decode(START, BeeEncoder.message(3, Configuration.getDefaultInstance()).get(0)))
        .isEmpty();
    assertThat(decode(GatewayCalls.of("Payable").response(), chunk(ByteString.EMPTY), separator()))
        .containsExactly(new BeeEvent.Parsed(1, Empty.getDefaultInstance()));
    assertThat(decode(START, head(6), separator())).isEmpty();
    assertThat(Vectors.fileCount(tmp.resolve("spool"))).isZero();
  }

  @Test
  void skipPaddedWithAnEmptyChunkDoesNotOpenAMessage() throws Exception {
    String id = idOf(ByteString.copyFromUtf8("x"));
    assertThat(decode(STOP, BeeEncoder.skip(id)))
        .containsExactly(new BeeEvent.SkipRequested(id));
  }

  /** [a][outer: [b][inner: I][c]][d], with real length varints so wbp can be checked. */
  @Test
  void nestedMarkersAreAcceptedAndEveryReceivedLevelIsStored() throws Exception {
    ByteString inner = ByteString.copyFromUtf8("inner block bytes");
    // outer content: field 1 (0a) with length of inner, then inner, then a trailing field.
    ByteString outerHead = Vectors.hex("0a" + String.format("%02x", inner.size()));
    ByteString outerTail = Vectors.hex("1001");
    ByteString outer = outerHead.concat(inner).concat(outerTail);
    ByteString prefix = Vectors.hex("0a" + String.format("%02x", outer.size()));
    ByteString suffix = Vectors.hex("1801");
    ByteString expanded = prefix.concat(outer).concat(suffix);
    String outerId = idOf(outer);
    String innerId = idOf(inner);

    List<BeeEvent> events =
        decode(
            START,
            head(6),
            chunk(prefix),
            marker(outerId, 1L),
            chunk(outerHead),
            marker(innerId, 1L, 3L),
            chunk(inner),
            marker(innerId, 1L, 3L),
            chunk(outerTail),
            marker(outerId, 1L),
            chunk(suffix),
            separator());

    SpooledMessage m = ((BeeEvent.Spooled) events.get(0)).message();
    assertThat(store.contains(outerId)).isTrue();
    assertThat(store.contains(innerId)).isTrue();
    assertThat(m.parts()).hasSize(3);
    assertThat(m.parts().get(1)).isEqualTo(new SpooledMessage.BlockRef(outerId, outer.size(), List.of(1L)));
    assertThat(m.sha3()).isEqualTo(Hashes.sha3(expanded.toByteArray()));
    assertThat(Vectors.expanded(m, store)).isEqualTo(expanded.toByteArray());
    assertThat(ByteString.copyFrom(Vectors.wbp(m, store)))
        .isEqualTo(
            Vectors.hex("0a46")
                .concat(ByteString.copyFrom(BlockMarkers.typedPointer(outerId)))
                .concat(suffix));
  }

  @Test
  void aHeldInnerBlockIsAnnouncedAndItsStoredCopyCompletesTheOuterBlock() throws Exception {
    ByteString inner = ByteString.copyFromUtf8("held inner");
    String innerId = idOf(inner);
    try (BlockStore.PendingBlock p = store.begin()) {
      inner.writeTo(p.output());
      p.commit(innerId);
    }
    ByteString outerHead = Vectors.hex("0a" + String.format("%02x", inner.size()));
    ByteString outer = outerHead.concat(inner);
    ByteString prefix = Vectors.hex("0a" + String.format("%02x", outer.size()));
    String outerId = idOf(outer);

    List<BeeEvent> events =
        decode(
            START,
            head(6),
            chunk(prefix),
            marker(outerId, 1L),
            chunk(outerHead),
            marker(innerId, 1L, 3L),
            // the sender honoured a skip: no body
            marker(innerId, 1L, 3L),
            marker(outerId, 1L),
            separator());

    assertThat(events.get(0)).isEqualTo(new BeeEvent.BlockHeld(innerId));
    SpooledMessage m = ((BeeEvent.Spooled) events.get(1)).message();
    assertThat(store.contains(outerId)).isTrue();
    assertThat(m.sha3()).isEqualTo(Hashes.sha3(prefix.concat(outer).toByteArray()));
  }
}
