package org.celaut.protocol.bee;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.celaut.proto.buffer.Buffer;
import org.celaut.protocol.blocks.BlockStore;

/**
 * Turns logical messages into {@link Buffer} frames exactly as the Python reference's sender does
 * (FRAMING.md §1.2), so every receiver generation accepts them.
 *
 * <p>Every message ends with a separator; control frames ({@link #skip}) are padded with an empty
 * chunk so an old receiver sees them as inert. Stateless.
 */
public final class BeeEncoder {

  /** Chunk size of long and Dir forms, and the short-form threshold: 1 MiB, as the reference. */
  public static final int CHUNK_SIZE = 1 << 20;

  private static final Buffer SEPARATOR = Buffer.newBuilder().setSeparator(true).build();
  private static final Buffer SIGNAL = Buffer.newBuilder().setSignal(true).build();

  private BeeEncoder() {}

  /**
   * Frames {@code m} at {@code index}: short form (one Buffer: chunk, separator, head) if it
   * serializes to fewer than {@link #CHUNK_SIZE} bytes, else long form (head-only Buffer, 1 MiB
   * chunks, separator-only Buffer). Never uses block markers: a receiver may parse any index in
   * memory, where markers break it.
   */
  public static List<Buffer> message(int index, MessageLite m) {
    return frame(index, m.toByteString());
  }

  /** Frames raw bytes at index 0 (head present but empty, {@code 22 00}), short or long form. */
  public static List<Buffer> raw(ByteString bytes) {
    return frame(IndexMap.RAW_INDEX, bytes);
  }

  /**
   * Sends the contents of {@code file} as a message at {@code index} in Dir form: head-only
   * Buffer, the file in 1 MiB chunks, separator-only Buffer (an empty file gives head + separator).
   * The file is streamed, never loaded whole.
   */
  public static void file(int index, Path file, BufferSink out)
      throws IOException, InterruptedException {
    out.send(head(index));
    try (InputStream in = Files.newInputStream(file)) {
      sendChunks(in, out, id -> false, null);
    }
    out.send(SEPARATOR);
  }

  /**
   * Sends a spooled message at its own index; see {@link #spooled(int, SpooledMessage,
   * BlockStore, BufferSink, Predicate)}.
   */
  public static void spooled(
      SpooledMessage m, BlockStore blocks, BufferSink out, Predicate<String> skipped)
      throws IOException, InterruptedException {
    spooled(m.index(), m, blocks, out, skipped);
  }

  /**
   * Sends a spooled message at {@code index} in Dir form: head-only Buffer; each segment in 1 MiB
   * chunks; each block as start marker, body chunks read from {@code blocks}, and the identical end
   * marker; then a separator-only Buffer. Concatenating the chunks gives the expanded message.
   *
   * <p>Only outermost blocks are framed: a HyperNode-generation receiver cuts the message at a
   * nested marker, and the newest one accepts either. Send this only to an index the receiver
   * spools (StartService/GetService 6, Pack 3); elsewhere use {@link #file} on {@link
   * SpooledMessage#openExpanded} bytes, which carry no markers.
   *
   * @param skipped asked before every body chunk; once it answers true for a block id (the peer
   *     sent a skip for it), the rest of that body is not sent and the end marker follows at once
   */
  public static void spooled(
      int index, SpooledMessage m, BlockStore blocks, BufferSink out, Predicate<String> skipped)
      throws IOException, InterruptedException {
    Objects.requireNonNull(skipped, "skipped");
    out.send(head(index));
    for (SpooledMessage.Part part : m.parts()) {
      if (part instanceof SpooledMessage.Segment s) {
        try (InputStream in = Files.newInputStream(s.file())) {
          sendChunks(in, out, id -> false, null);
        }
      } else if (part instanceof SpooledMessage.BlockRef b) {
        Buffer marker =
            Buffer.newBuilder()
                .setBlock(BlockMarkers.marker(b.blockIdHex(), b.previousLengthsPositions()))
                .build();
        out.send(marker);
        if (!skipped.test(b.blockIdHex())) {
          try (InputStream in = blocks.open(b.blockIdHex())) {
            sendChunks(in, out, skipped, b.blockIdHex());
          }
        }
        out.send(marker);
      }
    }
    out.send(SEPARATOR);
  }

  /** The flow-control toggle {@code 18 01} (FRAMING.md §1.6); send it between messages only. */
  public static Buffer signal() {
    return SIGNAL;
  }

  /**
   * A skip request for {@code blockIdHex}: {@code chunk = ""} (present, so an old receiver sees an
   * inert Buffer) and {@code skip = Block{hashes [{SHA3-256 type, id}]}}.
   */
  public static Buffer skip(String blockIdHex) {
    return Buffer.newBuilder()
        .setChunk(ByteString.EMPTY)
        .setSkip(BlockMarkers.pointer(blockIdHex))
        .build();
  }

  private static List<Buffer> frame(int index, ByteString bytes) {
    if (bytes.size() < CHUNK_SIZE) {
      return List.of(
          Buffer.newBuilder()
              .setChunk(bytes)
              .setSeparator(true)
              .setHead(Buffer.Head.newBuilder().setIndex(index))
              .build());
    }
    List<Buffer> frames = new ArrayList<>(bytes.size() / CHUNK_SIZE + 3);
    frames.add(head(index));
    for (int from = 0; from < bytes.size(); from += CHUNK_SIZE) {
      // substring shares the bytes: the frames do not copy the message.
      ByteString chunk = bytes.substring(from, Math.min(bytes.size(), from + CHUNK_SIZE));
      frames.add(Buffer.newBuilder().setChunk(chunk).build());
    }
    frames.add(SEPARATOR);
    return frames;
  }

  private static Buffer head(int index) {
    return Buffer.newBuilder().setHead(Buffer.Head.newBuilder().setIndex(index)).build();
  }

  /** Sends {@code in} in chunks of exactly CHUNK_SIZE (the last shorter), stopping on a skip. */
  private static void sendChunks(
      InputStream in, BufferSink out, Predicate<String> skipped, String blockId)
      throws IOException, InterruptedException {
    while (true) {
      if (blockId != null && skipped.test(blockId)) {
        return;
      }
      byte[] buf = in.readNBytes(CHUNK_SIZE);
      if (buf.length == 0) {
        return;
      }
      // buf is fresh on every read and never touched again, so wrapping it without a copy is safe.
      out.send(Buffer.newBuilder().setChunk(UnsafeByteOperations.unsafeWrap(buf)).build());
      if (buf.length < CHUNK_SIZE) {
        return;
      }
    }
  }
}
