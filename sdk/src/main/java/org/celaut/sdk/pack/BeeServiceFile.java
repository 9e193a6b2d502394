package org.celaut.sdk.pack;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.celaut.proto.buffer.Buffer;
import org.celaut.proto.celaut.Metadata;
import org.celaut.protocol.Hashes;
import org.celaut.protocol.bee.BeeEncoder;
import org.celaut.protocol.bee.BeeFiles;
import org.celaut.protocol.bee.BufferSink;

/**
 * A {@code .bee} file holding one service (FRAMING.md §1.7): repeated {@code [4-byte big-endian
 * length][serialized buffer.Buffer]}, with the service's {@code Metadata} at index 1 and the
 * {@code Service} at index 2, the latter in Dir form with its block markers (nested ones
 * included) and block bodies. This is what {@link ServicePacker} writes for a service with blocks
 * and what the reference's {@code write_to_file} / {@code read_from_file} use.
 *
 * <p>{@link #open} reads the whole file once and checks it: the framing, that block markers are
 * well nested and that each block's bytes hash to its id, and that the service hashes to the id
 * its Metadata names. Afterwards the file is read again, frame by frame, by {@link #sendService}
 * and {@link #writeExpanded}; nothing is held in memory but one frame. Instances are immutable.
 */
public final class BeeServiceFile {

  /** Index of the Metadata in a .bee file. */
  public static final int METADATA_INDEX = 1;

  /** Index of the Service in a .bee file. */
  public static final int SERVICE_INDEX = 2;

  private final Path file;
  private final Metadata metadata;
  private final String serviceIdHex;
  private final long expandedSizeBytes;
  private final List<String> blockIds;

  private BeeServiceFile(
      Path file, Metadata metadata, String serviceIdHex, long expandedSizeBytes, List<String> blockIds) {
    this.file = file;
    this.metadata = metadata;
    this.serviceIdHex = serviceIdHex;
    this.expandedSizeBytes = expandedSizeBytes;
    this.blockIds = List.copyOf(blockIds);
  }

  /**
   * True if {@code file} starts like a .bee file. A serialized {@code Service} never starts with a
   * zero byte (that would be field number 0), while a .bee file starts with the big-endian length
   * of a frame, far below 16 MiB.
   */
  public static boolean looksLikeBee(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(4);
      return head.length == 4 && head[0] == 0;
    }
  }

  /**
   * Reads and checks a .bee file.
   *
   * @throws IOException if it cannot be read, is not a well-formed .bee file holding one service,
   *     or its service does not hash to the id its Metadata names
   */
  public static BeeServiceFile open(Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    Metadata metadata = null;
    MessageDigest total = Hashes.newSha3();
    long size = 0;
    Set<String> blocks = new LinkedHashSet<>();
    boolean sawService = false;
    try (Frames frames = new Frames(file)) {
      for (Message m = frames.nextMessage(); m != null; m = frames.nextMessage()) {
        if (m.index == METADATA_INDEX && metadata == null) {
          ByteString.Output bytes = ByteString.newOutput();
          for (Buffer b = m.next(); b != null; b = m.next()) {
            if (b.hasBlock()) {
              throw new IOException(file + ": the Metadata at index 1 carries a block marker");
            }
            b.getChunk().writeTo(bytes);
          }
          try {
            metadata = Metadata.parseFrom(bytes.toByteString());
          } catch (InvalidProtocolBufferException e) {
            throw new IOException(file + ": index 1 is not a celaut.Metadata", e);
          }
        } else if (m.index == SERVICE_INDEX && !sawService) {
          sawService = true;
          Deque<Open> stack = new ArrayDeque<>();
          for (Buffer b = m.next(); b != null; b = m.next()) {
            if (b.hasBlock()) {
              String id = markerId(file, b.getBlock());
              if (!stack.isEmpty() && stack.peek().marker.equals(b.getBlock())) {
                Open done = stack.pop();
                String actual = Hashes.toHex(done.digest.digest());
                if (!actual.equals(done.id)) {
                  throw new IOException(file + ": block " + done.id + " holds bytes hashing to " + actual);
                }
              } else {
                for (Open o : stack) {
                  if (o.id.equals(id)) {
                    throw new IOException(file + ": block " + id + " starts again inside itself");
                  }
                }
                stack.push(new Open(id, b.getBlock()));
                blocks.add(id);
              }
            }
            if (b.hasChunk()) {
              ByteString c = b.getChunk();
              for (var bb : c.asReadOnlyByteBufferList()) {
                total.update(bb.duplicate());
                for (Open o : stack) {
                  o.digest.update(bb.duplicate());
                }
              }
              size += c.size();
            }
          }
          if (!stack.isEmpty()) {
            throw new IOException(file + ": the service ends inside block " + stack.peek().id);
          }
        } else {
          throw new IOException(
              file + ": unexpected message at index " + m.index
                  + " (a .bee file holds one Metadata at 1 and one Service at 2)");
        }
      }
    }
    if (!sawService || size == 0) {
      throw new IOException(file + ": holds no service at index 2");
    }
    String id = Hashes.toHex(total.digest());
    if (metadata == null) {
      metadata = Metadata.getDefaultInstance();
    }
    for (Metadata.HashTag.Hash h : metadata.getHashtag().getHashList()) {
      if (h.getType().equals(Hashes.SHA3_256_TYPE) && !Hashes.toHex(h.getValue()).equals(id)) {
        throw new IOException(
            file + ": its Metadata names service " + Hashes.toHex(h.getValue())
                + " but the service in it hashes to " + id + "; the file is corrupt");
      }
    }
    return new BeeServiceFile(file, metadata, id, size, new ArrayList<>(blocks));
  }

  /** The file. */
  public Path file() {
    return file;
  }

  /** The Metadata stored with the service (hashes and tag); empty if the file had none. */
  public Metadata metadata() {
    return metadata;
  }

  /** The service id: SHA3-256 of the expanded service, as 64 lower-case hex characters. */
  public String serviceIdHex() {
    return serviceIdHex;
  }

  /** The first tag of the Metadata, if any. */
  public Optional<String> tag() {
    List<String> tags = metadata.getHashtag().getTagList();
    return tags.isEmpty() || tags.get(0).isEmpty() ? Optional.empty() : Optional.of(tags.get(0));
  }

  /** Size of the fully expanded service in bytes. */
  public long expandedSizeBytes() {
    return expandedSizeBytes;
  }

  /** Ids of the blocks in the service, in the order they start (nested ones after their outer). */
  public List<String> blockIds() {
    return blockIds;
  }

  /** Writes the fully expanded service (the bytes whose SHA3-256 is the id) to {@code out}. */
  public void writeExpanded(OutputStream out) throws IOException {
    try (Frames frames = new Frames(file)) {
      Message m = frames.seekService();
      for (Buffer b = m.next(); b != null; b = m.next()) {
        b.getChunk().writeTo(out);
      }
    }
  }

  /**
   * Sends the service as a message at {@code index} in Dir form, with its block markers: a
   * head-only Buffer, the file's chunk and marker Buffers, a separator-only Buffer.
   *
   * <p>Before every chunk the sender asks {@code skipped} about each block it is inside, outermost
   * first; once the receiver holds one (it sent a {@code skip}), the rest of that block is not
   * sent: the end markers of the blocks open inside it and its own end marker follow at once, and
   * sending resumes after it in the file. A receiver then takes the block's bytes from its own
   * store, so the expanded message is unchanged.
   */
  public void sendService(int index, BufferSink out, Predicate<String> skipped)
      throws IOException, InterruptedException {
    Objects.requireNonNull(skipped, "skipped");
    try (Frames frames = new Frames(file)) {
      Message m = frames.seekService();
      out.send(Buffer.newBuilder().setHead(Buffer.Head.newBuilder().setIndex(index)).build());
      List<Open> stack = new ArrayList<>(); // outermost first
      Buffer b = m.next();
      while (b != null) {
        if (b.hasBlock()) {
          Buffer marker = Buffer.newBuilder().setBlock(b.getBlock()).build();
          int top = stack.size() - 1;
          if (top >= 0 && stack.get(top).marker.equals(b.getBlock())) {
            stack.remove(top);
          } else {
            stack.add(new Open(markerId(file, b.getBlock()), b.getBlock()));
          }
          out.send(marker);
        }
        if (b.hasChunk() && !b.getChunk().isEmpty()) {
          int k = firstSkipped(stack, skipped);
          if (k >= 0) {
            // Close every block from the innermost down to the skipped one, then jump past the
            // skipped one's end marker in the file.
            Deque<Buffer.Block> pending = new ArrayDeque<>();
            for (int j = stack.size() - 1; j >= k; j--) {
              out.send(Buffer.newBuilder().setBlock(stack.get(j).marker).build());
              pending.addLast(stack.get(j).marker);
            }
            stack.subList(k, stack.size()).clear();
            skipPast(m, pending);
            b = m.next();
            continue;
          }
          ByteString c = b.getChunk();
          for (int from = 0; from < c.size(); from += BeeEncoder.CHUNK_SIZE) {
            out.send(
                Buffer.newBuilder()
                    .setChunk(c.substring(from, Math.min(c.size(), from + BeeEncoder.CHUNK_SIZE)))
                    .build());
          }
        }
        b = m.next();
      }
      out.send(Buffer.newBuilder().setSeparator(true).build());
    }
  }

  private static int firstSkipped(List<Open> stack, Predicate<String> skipped) {
    for (int i = 0; i < stack.size(); i++) {
      if (skipped.test(stack.get(i).id)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Reads frames until every block in {@code open} (innermost first) has seen its end marker;
   * blocks starting and ending in between are skipped with them.
   */
  private void skipPast(Message m, Deque<Buffer.Block> open) throws IOException {
    Deque<Buffer.Block> inner = new ArrayDeque<>();
    while (!open.isEmpty()) {
      Buffer b = m.next();
      if (b == null) {
        throw new IOException(file + ": the service ends inside a block");
      }
      if (!b.hasBlock()) {
        continue;
      }
      if (!inner.isEmpty() && inner.peek().equals(b.getBlock())) {
        inner.pop();
      } else if (inner.isEmpty() && open.peekFirst().equals(b.getBlock())) {
        open.pollFirst();
      } else {
        inner.push(b.getBlock());
      }
    }
  }

  private static String markerId(Path file, Buffer.Block block) throws IOException {
    for (Buffer.Block.Hash h : block.getHashesList()) {
      if (h.getType().equals(Hashes.SHA3_256_TYPE) && h.getValue().size() == Hashes.SHA3_256_BYTES) {
        return Hashes.toHex(h.getValue());
      }
    }
    throw new IOException(file + ": a block marker names no block by SHA3-256");
  }

  @Override
  public String toString() {
    return "BeeServiceFile{" + file + ", service=" + serviceIdHex + ", blocks=" + blockIds.size() + "}";
  }

  private static final class Open {
    final String id;
    final Buffer.Block marker;
    final MessageDigest digest = Hashes.newSha3();

    Open(String id, Buffer.Block marker) {
      this.id = id;
      this.marker = marker;
    }
  }

  /** The frames of one logical message; {@link #next} returns null after its last one. */
  private static final class Message {
    final int index;
    private final Frames frames;
    private Buffer first;
    private boolean ended;

    Message(int index, Frames frames, Buffer first) {
      this.index = index;
      this.frames = frames;
      this.first = first;
      this.ended = false;
    }

    /**
     * The next frame's content (chunk and/or marker), or null once the message ended. The head
     * frame's own chunk (short form) is returned as the first frame.
     */
    Buffer next() throws IOException {
      while (!ended) {
        Buffer b;
        if (first != null) {
          b = first;
          first = null;
          if (b.hasSeparator() && b.getSeparator()) {
            ended = true;
          }
          if (b.hasChunk() || b.hasBlock()) {
            return strip(b);
          }
          continue;
        }
        b = frames.read();
        if (b == null) {
          throw new IOException(frames.file + ": ends inside the message at index " + index);
        }
        boolean separator = b.hasSeparator() && b.getSeparator();
        if (separator) {
          ended = true;
        }
        if (b.hasChunk() || b.hasBlock()) {
          return strip(b);
        }
        if (b.hasHead()) {
          throw new IOException(frames.file + ": a message starts inside the message at index " + index);
        }
        // Neither chunk, head nor block: the end of the message (FRAMING.md §1.3).
        ended = true;
      }
      return null;
    }

    private static Buffer strip(Buffer b) {
      Buffer.Builder out = Buffer.newBuilder();
      if (b.hasChunk()) {
        out.setChunk(b.getChunk());
      }
      if (b.hasBlock()) {
        out.setBlock(b.getBlock());
      }
      return out.build();
    }
  }

  /** Reads {@code [length][Buffer]} frames. */
  private static final class Frames implements Closeable {
    final Path file;
    private final DataInputStream in;
    private long offset;
    private Message current;

    Frames(Path file) throws IOException {
      this.file = file;
      this.in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
    }

    Buffer read() throws IOException {
      int first = in.read();
      if (first < 0) {
        return null;
      }
      int length;
      byte[] bytes;
      try {
        length = (first << 24) | (in.readUnsignedByte() << 16) | in.readUnsignedShort();
        if (length < 0 || length > BeeFiles.MAX_FRAME_BYTES) {
          throw new IOException(
              file + ": declares a frame of " + Integer.toUnsignedString(length) + " bytes at offset "
                  + offset + "; it is not a .bee file or is corrupt");
        }
        bytes = in.readNBytes(length);
        if (bytes.length != length) {
          throw new EOFException();
        }
      } catch (EOFException e) {
        throw new IOException(file + ": ends inside the frame at offset " + offset + "; the file is incomplete", e);
      }
      try {
        Buffer b = Buffer.parseFrom(bytes);
        offset += 4L + length;
        return b;
      } catch (InvalidProtocolBufferException e) {
        throw new IOException(file + ": the frame at offset " + offset + " is not a buffer.Buffer", e);
      }
    }

    /** The next logical message, after draining the current one; null at the end of the file. */
    Message nextMessage() throws IOException {
      if (current != null) {
        while (current.next() != null) {
          // drain
        }
      }
      while (true) {
        Buffer b = read();
        if (b == null) {
          return current = null;
        }
        if (b.hasHead()) {
          return current = new Message(b.getHead().getIndex(), this, b);
        }
        if (b.hasChunk() && !b.getChunk().isEmpty()) {
          // No head: the receiver's rule is index 1 when the map has it (FRAMING.md §1.3).
          return current = new Message(METADATA_INDEX, this, b);
        }
        // A control frame between messages (signal, empty chunk): nothing to deliver.
      }
    }

    /** The service message. */
    Message seekService() throws IOException {
      for (Message m = nextMessage(); m != null; m = nextMessage()) {
        if (m.index == SERVICE_INDEX) {
          return m;
        }
      }
      throw new IOException(file + ": holds no service at index 2");
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
