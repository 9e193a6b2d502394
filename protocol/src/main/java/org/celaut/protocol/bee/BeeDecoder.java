package org.celaut.protocol.bee;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.celaut.proto.buffer.Buffer;
import org.celaut.proto.buffer.Empty;
import org.celaut.protocol.blocks.BlockStore;

/**
 * Push decoder for one direction of one call: feed every received {@link Buffer} to {@link
 * #accept}, which returns the {@link BeeEvent}s that frame completed; call {@link #finish} at the
 * end of the stream (gRPC half-close) and {@link #close} always.
 *
 * <p>It accepts everything the Python reference sends and receives (FRAMING.md §1.3, §1.5): short,
 * long and Dir forms; a missing head (index 1 if the map has it, else 0); chunks of any size,
 * empty chunks, a head Buffer carrying a chunk; {@code signal} anywhere; a Buffer with no chunk,
 * head or block ends the message; empty messages are dropped, except that {@code buffer.Empty} is
 * delivered where the map expects it; {@code Head.partitions} and unknown fields are ignored.
 * Block markers are accepted in spooled indices only, nested to any depth. A control Buffer
 * between messages (signal, skip, with at most an empty chunk) does not open a message.
 *
 * <p>Parsed and raw messages are held in memory up to {@link DecoderLimits#maxInMemoryMessageBytes};
 * spooled messages stream to a new directory under {@code spoolDir} and their blocks into the
 * {@link BlockStore}, never whole in memory. A block the store already holds is announced with
 * {@link BeeEvent.BlockHeld} and its body discarded; the message's hash is then computed from the
 * stored copy.
 *
 * <p>Any {@link FramingException} deletes the spool files and partial blocks of the message in
 * progress and leaves the decoder failed: the reference aborts the whole call in these cases, so
 * further {@code accept} calls throw {@link IllegalStateException}. Not thread-safe: one decoder
 * per stream, fed from one thread at a time.
 */
public final class BeeDecoder implements AutoCloseable {

  private final IndexMap map;
  private final DecoderLimits limits;
  private final Path spoolDir;
  private final BlockStore blocks;
  private InProgress current;
  private FramingException failure;
  private boolean closed;

  /**
   * A decoder for frames typed by {@code map}.
   *
   * @param spoolDir where spooled messages get their directories (created when first needed;
   *     should be on the file system of their final place so {@link SpooledMessage#moveTo} is a
   *     rename)
   * @param blocks where received blocks are stored and held blocks are looked up
   */
  public BeeDecoder(IndexMap map, DecoderLimits limits, Path spoolDir, BlockStore blocks) {
    this.map = Objects.requireNonNull(map, "map");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.spoolDir = Objects.requireNonNull(spoolDir, "spoolDir");
    this.blocks = Objects.requireNonNull(blocks, "blocks");
  }

  /**
   * Takes one received frame; returns the events it completed, in order (possibly none).
   *
   * @throws FramingException if the frame breaks the framing; the call should be failed
   * @throws IllegalStateException if the decoder already failed or was closed
   */
  public List<BeeEvent> accept(Buffer frame) throws FramingException {
    checkUsable();
    Objects.requireNonNull(frame, "frame");
    List<BeeEvent> events = new ArrayList<>(2);
    try {
      if (frame.hasSkip()) {
        String id = BlockMarkers.sha3Id(frame.getSkip());
        if (id == null) {
          throw new FramingException(
              FramingException.Kind.MALFORMED,
              "a skip request names no block by SHA3-256; it must carry the hash with the SHA3-256"
                  + " type id");
        }
        events.add(new BeeEvent.SkipRequested(id));
      }
      if (frame.getSignal()) {
        events.add(new BeeEvent.Signal());
      }
      boolean hasChunk = frame.hasChunk();
      if (current == null) {
        boolean opens =
            frame.hasHead()
                || frame.hasBlock()
                || frame.getSeparator()
                || (hasChunk && !frame.getChunk().isEmpty());
        if (!opens) {
          // Signal-only or skip-only (padded with an empty chunk) between messages: the reference
          // would deliver nothing for it either.
          return events;
        }
        start(frame.hasHead() ? frame.getHead().getIndex() : map.defaultIndex());
      } else if (frame.hasHead()) {
        throw new FramingException(
            FramingException.Kind.MALFORMED,
            "a head (index "
                + frame.getHead().getIndex()
                + ") arrived while the message at index "
                + current.index
                + " was still open; the sender must end each message with a separator first");
      }
      if (frame.hasBlock()) {
        if (hasChunk && !frame.getChunk().isEmpty()) {
          throw new FramingException(
              FramingException.Kind.MALFORMED,
              "a block marker Buffer also carries "
                  + frame.getChunk().size()
                  + " chunk bytes; markers must travel in their own Buffer");
        }
        current.marker(frame.getBlock(), events);
      } else if (hasChunk) {
        current.append(frame.getChunk());
      }
      // separator, or a Buffer with neither chunk nor head nor block, ends the message (§1.3).
      if (frame.getSeparator() || (!hasChunk && !frame.hasHead() && !frame.hasBlock())) {
        // current stays set until finish succeeds, so a failure in finish still cleans up.
        BeeEvent event = current.finish();
        current = null;
        if (event != null) {
          events.add(event);
        }
      }
      return events;
    } catch (FramingException e) {
      fail(e);
      throw e;
    }
  }

  /**
   * Declares the end of the stream.
   *
   * @throws FramingException {@link FramingException.Kind#TRUNCATED} if a message was still open
   *     (its spool files are deleted)
   */
  public void finish() throws FramingException {
    checkUsable();
    if (current != null) {
      FramingException e =
          new FramingException(
              FramingException.Kind.TRUNCATED,
              "the stream ended inside the message at index "
                  + current.index
                  + " after "
                  + current.receivedBytes()
                  + " bytes; the sender was cut off before its separator");
      fail(e);
      throw e;
    }
    closed = true;
  }

  /** Deletes the spool files and partial blocks of any message not yet handed out. Idempotent. */
  @Override
  public void close() {
    closed = true;
    if (current != null) {
      current.abort();
      current = null;
    }
  }

  private void checkUsable() {
    if (failure != null) {
      throw new IllegalStateException("the decoder failed earlier: " + failure.getMessage(), failure);
    }
    if (closed) {
      throw new IllegalStateException("the decoder is finished or closed");
    }
  }

  private void fail(FramingException e) {
    failure = e;
    if (current != null) {
      current.abort();
      current = null;
    }
  }

  private void start(int index) throws FramingException {
    if (!map.contains(index)) {
      throw new FramingException(
          FramingException.Kind.UNKNOWN_INDEX,
          "head index "
              + index
              + " is not in this call's map (allowed: "
              + map.indices()
              + "); the peer speaks another version of this call");
    }
    current = map.isSpooled(index) ? new Spooling(index) : new InMemory(index);
  }

  /** The message being received. */
  private abstract static class InProgress {
    final int index;

    InProgress(int index) {
      this.index = index;
    }

    abstract void append(ByteString chunk) throws FramingException;

    abstract void marker(Buffer.Block block, List<BeeEvent> events) throws FramingException;

    /** Completes the message; null if it is dropped (empty). */
    abstract BeeEvent finish() throws FramingException;

    abstract void abort();

    abstract long receivedBytes();
  }

  private final class InMemory extends InProgress {
    private ByteString bytes = ByteString.EMPTY;

    InMemory(int index) {
      super(index);
    }

    @Override
    void append(ByteString chunk) throws FramingException {
      long size = (long) bytes.size() + chunk.size();
      if (size > limits.maxInMemoryMessageBytes()) {
        throw new FramingException(
            FramingException.Kind.TOO_LARGE,
            "the message at index "
                + index
                + " exceeds maxInMemoryMessageBytes = "
                + limits.maxInMemoryMessageBytes()
                + " (at least "
                + size
                + " bytes); raise the limit or send it to a spooled index");
      }
      // concat builds a rope: no copying of what was already received.
      bytes = bytes.concat(chunk);
    }

    @Override
    void marker(Buffer.Block block, List<BeeEvent> events) throws FramingException {
      throw new FramingException(
          FramingException.Kind.MALFORMED,
          "a block marker arrived in the message at index "
              + index
              + ", which is parsed in memory; markers are allowed only in spooled indices of "
              + map
              + ", so the sender must send this message's expanded bytes without markers");
    }

    @Override
    BeeEvent finish() throws FramingException {
      if (index == IndexMap.RAW_INDEX) {
        return bytes.isEmpty() ? null : new BeeEvent.Raw(bytes);
      }
      if (bytes.isEmpty()) {
        // The reference drops empty messages, except where the call expects buffer.Empty.
        return map.isEmptyType(index)
            ? new BeeEvent.Parsed(index, Empty.getDefaultInstance())
            : null;
      }
      Parser<? extends MessageLite> parser = map.parserAt(index);
      try {
        return new BeeEvent.Parsed(index, parser.parseFrom(bytes));
      } catch (InvalidProtocolBufferException e) {
        throw new FramingException(
            FramingException.Kind.MALFORMED,
            "the "
                + bytes.size()
                + " bytes at index "
                + index
                + " do not parse as "
                + map.typeAt(index).map(Class::getName).orElse("?")
                + ": "
                + e.getMessage(),
            e);
      }
    }

    @Override
    void abort() {
      bytes = ByteString.EMPTY;
    }

    @Override
    long receivedBytes() {
      return bytes.size();
    }
  }

  /** A spooled message: segments to files, blocks to the store, a running SHA3 of everything. */
  private final class Spooling extends InProgress {
    private final SpoolWriter writer;

    Spooling(int index) throws FramingException {
      super(index);
      try {
        this.writer = new SpoolWriter(index, spoolDir, blocks, limits.maxSpooledMessageBytes());
      } catch (IOException e) {
        throw new FramingException(
            FramingException.Kind.IO,
            "cannot create a spool directory under " + spoolDir + ": " + e.getMessage(),
            e);
      }
    }

    @Override
    void append(ByteString chunk) throws FramingException {
      writer.append(chunk);
    }

    @Override
    void marker(Buffer.Block block, List<BeeEvent> events) throws FramingException {
      writer.marker(block, events);
    }

    @Override
    BeeEvent finish() throws FramingException {
      SpooledMessage m = writer.finish();
      return m == null ? null : new BeeEvent.Spooled(index, m);
    }

    @Override
    void abort() {
      writer.abort();
    }

    @Override
    long receivedBytes() {
      return writer.expandedSize();
    }
  }
}
