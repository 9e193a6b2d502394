package org.celaut.protocol.bee;

import com.google.protobuf.ByteString;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.celaut.proto.buffer.Buffer;
import org.celaut.protocol.Hashes;
import org.celaut.protocol.blocks.BlockHashMismatchException;
import org.celaut.protocol.blocks.BlockStore;

/**
 * Receives one spooled message: bytes outside blocks go to numbered segment files, bytes inside
 * blocks go to the block store (to every open block, since an outer block contains its inner
 * ones), and every expanded byte goes through a SHA3-256 digest.
 */
final class SpoolWriter {

  private enum Mode {
    /** Not in the store: the body is streamed into a pending block. */
    RECEIVING,
    /** Already in the store: the body is discarded, the stored copy is used at the end marker. */
    HELD,
    /** Nested inside a held block: only tracked so markers still pair up. */
    INSIDE_HELD
  }

  private static final class OpenBlock {
    final String id;
    final Buffer.Block marker;
    final Mode mode;
    final BlockStore.PendingBlock pending;
    long length;

    OpenBlock(String id, Buffer.Block marker, Mode mode, BlockStore.PendingBlock pending) {
      this.id = id;
      this.marker = marker;
      this.mode = mode;
      this.pending = pending;
    }
  }

  private final int index;
  private final Path directory;
  private final BlockStore blocks;
  private final long limit;
  private final MessageDigest digest = Hashes.newSha3();
  private final List<SpooledMessage.Part> parts = new ArrayList<>();
  private final Deque<OpenBlock> stack = new ArrayDeque<>();
  private int discardDepth;
  private long expandedSize;
  private int segmentCount;
  private Path segmentPath;
  private FileOutputStream segmentFile;
  private OutputStream segmentOut;
  private long segmentLength;

  SpoolWriter(int index, Path spoolDir, BlockStore blocks, long limit) throws IOException {
    this.index = index;
    this.blocks = blocks;
    this.limit = limit;
    Files.createDirectories(spoolDir);
    this.directory = Files.createTempDirectory(spoolDir, "bee-");
  }

  long expandedSize() {
    return expandedSize;
  }

  void append(ByteString chunk) throws FramingException {
    if (chunk.isEmpty() || discardDepth > 0) {
      return;
    }
    grow(chunk.size());
    try {
      for (ByteBuffer bb : chunk.asReadOnlyByteBufferList()) {
        digest.update(bb);
      }
      for (OpenBlock b : stack) {
        chunk.writeTo(b.pending.output());
        b.length += chunk.size();
      }
      if (stack.isEmpty()) {
        chunk.writeTo(segment());
        segmentLength += chunk.size();
      }
    } catch (IOException e) {
      throw io("write", e);
    }
    expandedSize += chunk.size();
  }

  void marker(Buffer.Block block, List<BeeEvent> events) throws FramingException {
    String id = BlockMarkers.sha3Id(block);
    if (id == null) {
      throw new FramingException(
          FramingException.Kind.MALFORMED,
          "a block marker in the message at index "
              + index
              + " has no SHA3-256 typed hash (the reference would silently end the message"
              + " there); markers must include {type: SHA3-256 id, value: block id}");
    }
    OpenBlock top = stack.peek();
    if (top != null && top.id.equals(id)) {
      if (!top.marker.equals(block)) {
        throw new FramingException(
            FramingException.Kind.MALFORMED,
            "the end marker of block " + id + " differs from its start marker; they must be"
                + " byte-identical");
      }
      end();
    } else {
      start(id, block, events);
    }
  }

  private void start(String id, Buffer.Block block, List<BeeEvent> events)
      throws FramingException {
    for (OpenBlock open : stack) {
      if (open.id.equals(id)) {
        throw new FramingException(
            FramingException.Kind.MALFORMED,
            "block " + id + " starts again inside itself; block markers are not well nested");
      }
    }
    if (discardDepth > 0) {
      stack.push(new OpenBlock(id, block, Mode.INSIDE_HELD, null));
      discardDepth++;
      return;
    }
    checkPositions(id, block.getPreviousLengthsPositionList());
    if (stack.isEmpty()) {
      closeSegment();
    }
    if (blocks.contains(id)) {
      stack.push(new OpenBlock(id, block, Mode.HELD, null));
      discardDepth++;
      events.add(new BeeEvent.BlockHeld(id));
      return;
    }
    try {
      stack.push(new OpenBlock(id, block, Mode.RECEIVING, blocks.begin()));
    } catch (IOException e) {
      throw io("start a block in the block store", e);
    }
  }

  /**
   * The offsets must point before the block, outermost first; wrong ones would make the wbp
   * rewrite fail much later (the reference exit()s), so refuse them while the sender is known.
   */
  private void checkPositions(String id, List<Long> positions) throws FramingException {
    long previous = -1;
    for (long p : positions) {
      if (p <= previous || p >= expandedSize) {
        throw new FramingException(
            FramingException.Kind.MALFORMED,
            "block "
                + id
                + " has previous_lengths_position "
                + positions
                + ", but they must increase and lie before the block's start at offset "
                + expandedSize);
      }
      previous = p;
    }
  }

  private void end() throws FramingException {
    OpenBlock b = stack.pop();
    long length;
    switch (b.mode) {
      case INSIDE_HELD -> {
        discardDepth--;
        return;
      }
      case HELD -> {
        discardDepth--;
        length = feedStoredCopy(b.id);
      }
      case RECEIVING -> {
        try (BlockStore.PendingBlock pending = b.pending) {
          pending.commit(b.id);
        } catch (BlockHashMismatchException e) {
          throw new FramingException(
              FramingException.Kind.BLOCK_MISMATCH,
              "block "
                  + b.id
                  + " in the message at index "
                  + index
                  + " arrived as "
                  + b.length
                  + " bytes hashing to "
                  + e.actualIdHex()
                  + "; the sender's bytes are corrupt, or it skipped a block we do not hold",
              e);
        } catch (IOException e) {
          throw io("store block " + b.id, e);
        }
        length = b.length;
      }
      default -> throw new IllegalStateException(b.mode.toString());
    }
    if (stack.isEmpty()) {
      parts.add(
          new SpooledMessage.BlockRef(b.id, length, b.marker.getPreviousLengthsPositionList()));
    }
  }

  /** Adds a held block's stored bytes to the hash and to every enclosing block being received. */
  private long feedStoredCopy(String id) throws FramingException {
    long total = 0;
    byte[] buf = new byte[1 << 16];
    try (InputStream in = blocks.open(id)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        grow(n);
        digest.update(buf, 0, n);
        for (OpenBlock b : stack) {
          b.pending.output().write(buf, 0, n);
          b.length += n;
        }
        expandedSize += n;
        total += n;
      }
    } catch (IOException e) {
      throw io("read held block " + id, e);
    }
    return total;
  }

  /** Completes the message; null (and nothing left on disk) if it is empty. */
  SpooledMessage finish() throws FramingException {
    if (!stack.isEmpty()) {
      throw new FramingException(
          FramingException.Kind.MALFORMED,
          "the message at index "
              + index
              + " ended inside block "
              + stack.peek().id
              + "; every start marker needs its end marker before the separator");
    }
    closeSegment();
    if (expandedSize == 0) {
      org.celaut.protocol.FileTrees.deleteQuietly(directory);
      return null;
    }
    try {
      return SpooledMessage.writeLayout(index, directory, parts, digest.digest(), expandedSize);
    } catch (IOException e) {
      throw io("write the layout", e);
    }
  }

  /** Deletes everything written for this message except blocks already verified and stored. */
  void abort() {
    while (!stack.isEmpty()) {
      OpenBlock b = stack.pop();
      if (b.pending != null) {
        b.pending.close();
      }
    }
    if (segmentOut != null) {
      try {
        segmentOut.close();
      } catch (IOException e) {
        // Being discarded anyway.
      }
      segmentOut = null;
    }
    org.celaut.protocol.FileTrees.deleteQuietly(directory);
  }

  private void grow(long n) throws FramingException {
    if (expandedSize + n > limit) {
      throw new FramingException(
          FramingException.Kind.TOO_LARGE,
          "the spooled message at index "
              + index
              + " exceeds maxSpooledMessageBytes = "
              + limit
              + " (at least "
              + (expandedSize + n)
              + " expanded bytes); raise the limit if such messages are expected");
    }
  }

  private OutputStream segment() throws IOException {
    if (segmentOut == null) {
      segmentPath = directory.resolve(Integer.toString(++segmentCount));
      segmentFile = new FileOutputStream(segmentPath.toFile());
      segmentOut = new BufferedOutputStream(segmentFile, 1 << 16);
      segmentLength = 0;
    }
    return segmentOut;
  }

  private void closeSegment() throws FramingException {
    if (segmentOut == null) {
      return;
    }
    try (OutputStream out = segmentOut) {
      out.flush();
      // Durable before the layout file names it, so a listed segment is never short.
      segmentFile.getFD().sync();
    } catch (IOException e) {
      throw io("write segment " + segmentPath, e);
    } finally {
      segmentOut = null;
    }
    parts.add(new SpooledMessage.Segment(segmentPath, segmentLength));
  }

  private FramingException io(String what, IOException e) {
    return new FramingException(
        FramingException.Kind.IO,
        "could not " + what + " for the message at index " + index + " in " + directory + ": " + e,
        e);
  }
}
