package org.celaut.sdk.pack;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bouncycastle.crypto.digests.SHAKEDigest;
import org.celaut.protocol.Hashes;

/**
 * A serialized protobuf message described as a tree of parts, so that it can be written without
 * ever being held in memory and with some of its length-delimited fields framed as blocks.
 *
 * <p>Writing the parts in order gives exactly the bytes protobuf-java would give for the same
 * message (fields in number order, lengths as varints): the fully expanded serialization, whose
 * SHA3-256 is the id. A {@link Field} marked as a block contributes the same bytes; it only adds
 * start and end markers around its value when written as frames (FRAMING.md §1.5). A block is
 * always the whole value of one field, because the receiver rewrites that field's length when it
 * swaps the block for a pointer.
 *
 * <p>Contents are read from disk twice: once to {@link #measure} (hashes and block ids, which the
 * markers and the Metadata need before the bytes are written) and once to {@link #emit}. The
 * second pass hashes again and fails if anything changed in between, so a file edited during a
 * pack can never produce an output that does not match its id.
 */
final class Wire {

  private static final int WIRETYPE_LENGTH_DELIMITED = 2;
  private static final int READ_BUFFER_BYTES = 1 << 16;

  private Wire() {}

  /** One piece of a serialized message. */
  sealed interface Part permits Bytes, FileData, Field {
    /** Bytes this part contributes to the expanded message. */
    long size();
  }

  /** Literal serialized bytes (small: tags, names, attributes, whole small messages). */
  record Bytes(ByteString bytes) implements Part {
    Bytes {
      Objects.requireNonNull(bytes, "bytes");
    }

    @Override
    public long size() {
      return bytes.size();
    }
  }

  /**
   * {@code size} bytes of {@code file} from {@code offset}: the raw content of a file in the image.
   *
   * @param origin what to name in an error ({@code rootfs: /bin/x}, {@code Dockerfile: /usr/lib/y})
   * @param wholeFile the range is the whole file, so a file that grew is noticed too
   */
  record FileData(Path file, long offset, long size, String origin, boolean wholeFile)
      implements Part {
    FileData {
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(origin, "origin");
      if (offset < 0 || size < 0) {
        throw new IllegalArgumentException("negative offset or size");
      }
    }
  }

  /**
   * A length-delimited field: tag, varint length, then {@code content}. With {@code block} the
   * value is a block: framed by markers on the wire, stored once by its SHA3-256.
   */
  static final class Field implements Part {
    final int number;
    final List<Part> content;
    final boolean block;
    final long contentSize;
    private final long size;

    Field(int number, List<? extends Part> content, boolean block) {
      if (number < 1 || number > 536_870_911) {
        throw new IllegalArgumentException("bad field number " + number);
      }
      this.number = number;
      this.content = List.copyOf(content);
      this.block = block;
      long sum = 0;
      for (Part p : this.content) {
        sum += p.size();
      }
      this.contentSize = sum;
      this.size = tagSize(number) + varintSize(sum) + sum;
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public String toString() {
      return "Field{" + number + (block ? ", block" : "") + ", " + contentSize + " bytes}";
    }
  }

  /** A length-delimited field holding {@code content}, inline. */
  static Field field(int number, List<? extends Part> content) {
    return new Field(number, content, false);
  }

  /** A length-delimited field whose value is a block. */
  static Field blockField(int number, List<? extends Part> content) {
    return new Field(number, content, true);
  }

  /** Sum of the sizes of {@code parts}. */
  static long size(List<? extends Part> parts) {
    long sum = 0;
    for (Part p : parts) {
      sum += p.size();
    }
    return sum;
  }

  /**
   * Bytes of the message outside its outermost blocks: about what a receiver parses once it has
   * swapped each block for a 70-byte pointer.
   */
  static long inlineSize(List<? extends Part> parts) {
    long sum = 0;
    for (Part p : parts) {
      if (p instanceof Field f) {
        sum += f.block ? f.size() - f.contentSize : f.size() - f.contentSize + inlineSize(f.content);
      } else {
        sum += p.size();
      }
    }
    return sum;
  }

  /** What {@link #measure} found: the hashes of the whole message and the id of every block. */
  record Measured(byte[] sha3, byte[] shake256, long size, Map<Field, String> blockIds) {
    /** Block ids in the order their blocks start in the message (nested ones after their outer). */
    List<String> blockIdsInOrder(List<? extends Part> parts) {
      List<String> out = new ArrayList<>();
      collect(parts, out);
      return out;
    }

    private void collect(List<? extends Part> parts, List<String> out) {
      for (Part p : parts) {
        if (p instanceof Field f) {
          if (f.block) {
            out.add(blockIds.get(f));
          }
          collect(f.content, out);
        }
      }
    }
  }

  /** Where {@link #emit} sends the message. */
  interface Sink {
    /** Expanded bytes, in order. */
    void bytes(byte[] b, int off, int len) throws IOException;

    /** A block starts; {@code previousLengthsPositions} as FRAMING.md §1.5 defines them. */
    default void blockStart(String idHex, List<Long> previousLengthsPositions) throws IOException {}

    /** The block that started last ends (same arguments as its start). */
    default void blockEnd(String idHex, List<Long> previousLengthsPositions) throws IOException {}
  }

  /** A sink writing the expanded bytes to {@code out} (markers contribute nothing). */
  static Sink expandedTo(OutputStream out) {
    return out::write;
  }

  /**
   * Reads every part once: the SHA3-256 and SHAKE-256/32 of the whole message and the SHA3-256 of
   * each block's bytes.
   *
   * @throws PackException if a file's size is not what it was when the tree was built
   */
  static Measured measure(List<? extends Part> parts) throws PackException, IOException {
    Walker w = new Walker(null, Map.of());
    w.walk(parts);
    return new Measured(w.total.digest(), w.shake(), w.offset, Collections.unmodifiableMap(w.found));
  }

  /**
   * Writes every part to {@code sink}, with block markers named by {@code measured}. Fails if the
   * bytes are not the ones measured (a source changed in between).
   */
  static void emit(List<? extends Part> parts, Measured measured, Sink sink)
      throws PackException, IOException {
    Walker w = new Walker(sink, measured.blockIds());
    w.walk(parts);
    if (!MessageDigest.isEqual(w.total.digest(), measured.sha3()) || w.offset != measured.size()) {
      throw new PackException(
          "the sources changed while packing (the service no longer hashes to "
              + Hashes.toHex(measured.sha3()) + "); pack again once nothing writes to them");
    }
  }

  /** One pass over the tree: hashes everything, and sends it on if it has a sink. */
  private static final class Walker {
    final Sink sink;
    final Map<Field, String> expected;
    final MessageDigest total = Hashes.newSha3();
    final SHAKEDigest shake = new SHAKEDigest(256);
    final Map<Field, String> found = new IdentityHashMap<>();
    final Deque<MessageDigest> openBlocks = new ArrayDeque<>();
    final List<Long> lengthPositions = new ArrayList<>();
    final byte[] buffer = new byte[READ_BUFFER_BYTES];
    long offset;

    Walker(Sink sink, Map<Field, String> expected) {
      this.sink = sink;
      this.expected = expected;
    }

    byte[] shake() {
      byte[] out = new byte[Shake256.OUTPUT_BYTES];
      shake.doFinal(out, 0, out.length);
      return out;
    }

    void walk(List<? extends Part> parts) throws PackException, IOException {
      for (Part p : parts) {
        if (p instanceof Bytes b) {
          byte[] bytes = b.bytes().toByteArray();
          put(bytes, 0, bytes.length);
        } else if (p instanceof FileData f) {
          file(f);
        } else {
          field((Field) p);
        }
      }
    }

    private void field(Field f) throws PackException, IOException {
      byte[] head = new byte[tagSize(f.number) + varintSize(f.contentSize)];
      CodedOutputStream cos = CodedOutputStream.newInstance(head);
      cos.writeUInt32NoTag((f.number << 3) | WIRETYPE_LENGTH_DELIMITED);
      long lengthAt = offset + tagSize(f.number);
      cos.writeUInt64NoTag(f.contentSize);
      cos.flush();
      put(head, 0, head.length);
      lengthPositions.add(lengthAt);
      long start = offset;
      List<Long> positions = null;
      String id = null;
      if (f.block) {
        positions = List.copyOf(lengthPositions);
        openBlocks.push(Hashes.newSha3());
        if (sink != null) {
          id = expected.get(f);
          if (id == null) {
            throw new IllegalStateException("block " + f + " was not measured");
          }
          sink.blockStart(id, positions);
        }
      }
      walk(f.content);
      if (offset - start != f.contentSize) {
        throw new IllegalStateException(f + " wrote " + (offset - start) + " bytes");
      }
      if (f.block) {
        String actual = Hashes.toHex(openBlocks.pop().digest());
        if (sink == null) {
          found.put(f, actual);
        } else {
          if (!actual.equals(id)) {
            throw new PackException(
                "the sources changed while packing (a block measured as " + id + " now hashes to "
                    + actual + "); pack again once nothing writes to them");
          }
          sink.blockEnd(id, positions);
        }
      }
      lengthPositions.remove(lengthPositions.size() - 1);
    }

    private void file(FileData f) throws PackException, IOException {
      long remaining = f.size();
      try (FileChannel ch = FileChannel.open(f.file(), StandardOpenOption.READ)) {
        ch.position(f.offset());
        InputStream in = Channels.newInputStream(ch);
        while (remaining > 0) {
          int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
          if (n < 0) {
            break;
          }
          put(buffer, 0, n);
          remaining -= n;
        }
        if (remaining == 0 && f.wholeFile() && ch.size() != f.size()) {
          remaining = -1;
        }
      } catch (IOException e) {
        throw new PackException(f.origin() + ": cannot read: " + e, e);
      }
      if (remaining != 0) {
        throw new PackException(
            f.origin() + ": its size changed while packing (was " + f.size()
                + " bytes); pack again once nothing writes to it");
      }
    }

    private void put(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return;
      }
      total.update(b, off, len);
      shake.update(b, off, len);
      for (MessageDigest d : openBlocks) {
        d.update(b, off, len);
      }
      if (sink != null) {
        sink.bytes(b, off, len);
      }
      offset += len;
    }
  }

  static int tagSize(int number) {
    return varintSize(((long) number) << 3);
  }

  static int varintSize(long value) {
    int size = 1;
    while ((value & ~0x7fL) != 0) {
      value >>>= 7;
      size++;
    }
    return size;
  }

  /** Reads a whole small stream; for tests and the in-memory {@code build}. */
  static byte[] expandToBytes(List<? extends Part> parts, Measured m)
      throws PackException, IOException {
    if (m.size() > Integer.MAX_VALUE - 8) {
      throw new PackException(
          "the service is " + m.size() + " bytes expanded, too large to build in memory");
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream((int) m.size());
    emit(parts, m, expandedTo(out));
    return out.toByteArray();
  }

}
