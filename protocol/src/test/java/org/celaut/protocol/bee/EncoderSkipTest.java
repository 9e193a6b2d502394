package org.celaut.protocol.bee;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.celaut.proto.buffer.Buffer;
import org.celaut.protocol.blocks.BlockStore;
import org.celaut.protocol.blocks.FileBlockStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A skip that arrives while a block body is being sent stops the body; the end marker follows. */
class EncoderSkipTest {

  @TempDir Path tmp;

  @Test
  void skipArrivingMidBodyStopsTheBodyAndStillSendsTheEndMarker() throws Exception {
    BlockStore store = new FileBlockStore(tmp.resolve("blocks"));
    byte[] blockBytes = new byte[3 * BeeEncoder.CHUNK_SIZE + 10];
    new Random(7).nextBytes(blockBytes);
    ByteString block = ByteString.copyFrom(blockBytes);
    String id = Frames.idOf(block);
    // A spooled message that is only the block, received from a full stream.
    List<BeeEvent> events =
        Vectors.decode(
            IndexMap.builder().spooled(1).build(),
            List.of(Frames.head(1), Frames.marker(id), Frames.chunk(block), Frames.marker(id), Frames.separator()),
            tmp.resolve("spool"),
            store);
    SpooledMessage m = ((BeeEvent.Spooled) events.get(0)).message();

    AtomicBoolean skipped = new AtomicBoolean();
    List<Buffer> sent = new ArrayList<>();
    BeeEncoder.spooled(
        m,
        store,
        b -> {
          sent.add(b);
          if (b.hasChunk()) {
            skipped.set(true); // the peer's skip lands after the first body chunk
          }
        },
        blockId -> skipped.get() && blockId.equals(id));

    assertThat(sent).hasSize(5);
    assertThat(sent.get(0).hasHead()).isTrue();
    assertThat(sent.get(1).hasBlock()).isTrue();
    assertThat(sent.get(2).getChunk().size()).isEqualTo(BeeEncoder.CHUNK_SIZE);
    assertThat(sent.get(3)).isEqualTo(sent.get(1));
    assertThat(sent.get(4).getSeparator()).isTrue();

    // A receiver holding the block decodes the cut stream to the same message.
    List<BeeEvent> again = Vectors.decode(IndexMap.builder().spooled(1).build(), sent, tmp.resolve("spool2"), store);
    assertThat(again.get(0)).isEqualTo(new BeeEvent.BlockHeld(id));
    assertThat(((BeeEvent.Spooled) again.get(1)).message().sha3()).isEqualTo(m.sha3());
  }
}
