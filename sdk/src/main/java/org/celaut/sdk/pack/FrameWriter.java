package org.celaut.sdk.pack;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import org.celaut.proto.buffer.Buffer;
import org.celaut.protocol.Hashes;
import org.celaut.protocol.bee.BeeEncoder;
import org.celaut.protocol.bee.BufferSink;

/**
 * Frames one message in Dir form (FRAMING.md §1.2, §1.5), as the reference's sender does: a
 * head-only Buffer; the bytes between markers in chunks of exactly {@link BeeEncoder#CHUNK_SIZE}
 * (the last of each run shorter); for each block a start marker, its bytes, the identical end
 * marker; a separator-only Buffer. Nested blocks get nested markers.
 */
final class FrameWriter implements Wire.Sink {

  private final BufferSink out;
  private final byte[] chunk = new byte[BeeEncoder.CHUNK_SIZE];
  private int filled;

  private FrameWriter(BufferSink out) {
    this.out = out;
  }

  /** Writes {@code parts} as the message at {@code index} to {@code out}. */
  static void write(int index, List<? extends Wire.Part> parts, Wire.Measured measured, BufferSink out)
      throws PackException, IOException {
    FrameWriter w = new FrameWriter(out);
    w.send(Buffer.newBuilder().setHead(Buffer.Head.newBuilder().setIndex(index)).build());
    Wire.emit(parts, measured, w);
    w.flush();
    w.send(Buffer.newBuilder().setSeparator(true).build());
  }

  /** The marker naming block {@code idHex} (start and end are identical). */
  static Buffer marker(String idHex, List<Long> previousLengthsPositions) {
    return Buffer.newBuilder()
        .setBlock(
            Buffer.Block.newBuilder()
                .addHashes(
                    Buffer.Block.Hash.newBuilder()
                        .setType(Hashes.SHA3_256_TYPE)
                        .setValue(Hashes.hex(idHex)))
                .addAllPreviousLengthsPosition(previousLengthsPositions))
        .build();
  }

  @Override
  public void bytes(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      int n = Math.min(len, chunk.length - filled);
      System.arraycopy(b, off, chunk, filled, n);
      filled += n;
      off += n;
      len -= n;
      if (filled == chunk.length) {
        flush();
      }
    }
  }

  @Override
  public void blockStart(String idHex, List<Long> previousLengthsPositions) throws IOException {
    flush();
    send(marker(idHex, previousLengthsPositions));
  }

  @Override
  public void blockEnd(String idHex, List<Long> previousLengthsPositions) throws IOException {
    flush();
    send(marker(idHex, previousLengthsPositions));
  }

  private void flush() throws IOException {
    if (filled > 0) {
      send(Buffer.newBuilder().setChunk(ByteString.copyFrom(chunk, 0, filled)).build());
      filled = 0;
    }
  }

  private void send(Buffer b) throws IOException {
    try {
      out.send(b);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while writing frames");
    }
  }
}
