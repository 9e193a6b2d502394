package org.celaut.protocol.bee;

import org.celaut.protocol.FileTrees;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.celaut.protocol.Hashes;
import org.celaut.protocol.blocks.BlockStore;

/**
 * A save-mode message on disk (FRAMING.md §1.5): a directory of segment files (the expanded
 * message's bytes between blocks) plus a layout file; the blocks themselves live in a {@link
 * BlockStore}. Concatenating the parts in order (segments as stored, blocks as stored) gives the
 * fully expanded message, whose SHA3-256 is the service id when the message is a {@code Service}.
 *
 * <p>Only outermost blocks appear as {@link BlockRef}s; a block nested in another is part of the
 * outer block's bytes (and, when it was received, also stored on its own).
 *
 * <p>Instances are immutable views of a directory. The directory belongs to whoever holds the
 * instance: {@link #moveTo} it somewhere permanent or {@link #delete} it.
 */
public final class SpooledMessage {

  /** Name of the layout file inside the directory. */
  public static final String LAYOUT_FILE = "_.layout";

  private static final String LAYOUT_MAGIC = "celaut-spooled-message 1";

  private final int index;
  private final Path directory;
  private final List<Part> parts;
  private final byte[] sha3;
  private final long expandedSize;

  SpooledMessage(int index, Path directory, List<Part> parts, byte[] sha3, long expandedSize) {
    this.index = index;
    this.directory = Objects.requireNonNull(directory, "directory");
    this.parts = List.copyOf(parts);
    this.sha3 = sha3.clone();
    this.expandedSize = expandedSize;
    if (sha3.length != Hashes.SHA3_256_BYTES) {
      throw new IllegalArgumentException("sha3 must be 32 bytes");
    }
    long sum = 0;
    for (Part p : this.parts) {
      sum += p.length();
    }
    if (sum != expandedSize) {
      throw new IllegalArgumentException(
          "parts add up to " + sum + " bytes but the expanded size is " + expandedSize);
    }
  }

  /** The head index the message arrived at. */
  public int index() {
    return index;
  }

  /** The directory holding the segment files and the layout file. */
  public Path directory() {
    return directory;
  }

  /** The parts in message order. */
  public List<Part> parts() {
    return parts;
  }

  /** SHA3-256 of the fully expanded message (blocks included), computed while receiving. */
  public byte[] sha3() {
    return sha3.clone();
  }

  /** {@link #sha3()} as lower-case hex (the registry key of a service). */
  public String sha3Hex() {
    return Hashes.toHex(sha3);
  }

  /** Size in bytes of the fully expanded message. */
  public long expandedSize() {
    return expandedSize;
  }

  /** True if at least one part is a block. */
  public boolean hasBlocks() {
    return parts.stream().anyMatch(p -> p instanceof BlockRef);
  }

  /**
   * The fully expanded message: segments and block bytes, concatenated. Blocks are opened lazily,
   * when the stream reaches them.
   *
   * @throws java.nio.file.NoSuchFileException (from reading) if a block is not in {@code blocks}
   */
  public InputStream openExpanded(BlockStore blocks) throws IOException {
    Objects.requireNonNull(blocks, "blocks");
    return new ExpandedStream(blocks);
  }

  /**
   * Writes the "wbp" form of the message (the reference's {@code wbp.bin}): each
   * outermost block replaced by the 70-byte typed pointer {@code 0a44 0a20 <SHA3 type> 1220 <id>},
   * and every length varint enclosing a block (its {@code previousLengthsPositions}) rewritten for
   * the new sizes; varints may change size. Nodes parse a {@code Service} from these bytes and
   * materialize files from the block store later.
   *
   * @param blocks checked to hold every referenced block, since the result is useless without them
   * @throws java.nio.file.NoSuchFileException if a referenced block is missing from {@code blocks}
   * @throws IOException if the recorded offsets do not describe the message (a corrupt spool)
   */
  public void writeWithBlockPointers(OutputStream out, BlockStore blocks) throws IOException {
    Objects.requireNonNull(out, "out");
    for (Part p : parts) {
      if (p instanceof BlockRef b && !blocks.contains(b.blockIdHex())) {
        throw new NoSuchFileException(
            b.blockIdHex(), null, "block of " + directory + " is not in the block store");
      }
    }
    WithBlockPointers.write(this, out);
  }

  /**
   * Moves the directory to {@code newDirectory} with an atomic rename (both must be on one file
   * system; {@code newDirectory} must not exist) and returns the message at its new place. This
   * instance then describes files that are gone.
   */
  public SpooledMessage moveTo(Path newDirectory) throws IOException {
    Path parent = newDirectory.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    if (Files.exists(newDirectory)) {
      throw new FileAlreadyExistsException(
          newDirectory.toString(), null, "moveTo needs a target that does not exist yet");
    }
    Files.move(directory, newDirectory, StandardCopyOption.ATOMIC_MOVE);
    List<Part> moved = new ArrayList<>(parts.size());
    for (Part p : parts) {
      moved.add(
          p instanceof Segment s
              ? new Segment(newDirectory.resolve(s.file().getFileName()), s.length())
              : p);
    }
    return new SpooledMessage(index, newDirectory, moved, sha3, expandedSize);
  }

  /**
   * Reads back a directory written by the decoder, {@link #fromFile} or {@link #moveTo}.
   *
   * @throws IOException if the layout file is missing or disagrees with the segment files (an
   *     interrupted write or a tampered directory: delete it and receive the message again)
   */
  public static SpooledMessage load(Path directory) throws IOException {
    Path layout = directory.resolve(LAYOUT_FILE);
    List<String> lines = Files.readAllLines(layout, StandardCharsets.UTF_8);
    try {
      if (lines.isEmpty() || !lines.get(0).equals(LAYOUT_MAGIC)) {
        throw new IOException("not a spooled-message layout (first line must be " + LAYOUT_MAGIC + ")");
      }
      Integer index = null;
      byte[] sha3 = null;
      Long size = null;
      List<Part> parts = new ArrayList<>();
      for (String line : lines.subList(1, lines.size())) {
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.split(" ");
        switch (f[0]) {
          case "index" -> index = Integer.parseInt(f[1]);
          case "sha3" -> sha3 = Hashes.hex(f[1]).toByteArray();
          case "expanded-size" -> size = Long.parseLong(f[1]);
          case "segment" -> {
            Path file = directory.resolve(f[1]);
            if (!file.getParent().equals(directory) || !f[1].matches("[0-9]+")) {
              throw new IOException("segment name '" + f[1] + "' is not a plain number");
            }
            long length = Long.parseLong(f[2]);
            long actual = Files.size(file);
            if (actual != length) {
              throw new IOException(
                  "segment " + file + " has " + actual + " bytes, layout says " + length);
            }
            parts.add(new Segment(file, length));
          }
          case "block" -> {
            List<Long> positions = new ArrayList<>();
            if (!f[3].equals("-")) {
              for (String p : f[3].split(",")) {
                positions.add(Long.parseLong(p));
              }
            }
            parts.add(new BlockRef(BlockMarkers.checkId(f[1]), Long.parseLong(f[2]), positions));
          }
          default -> throw new IOException("unknown layout line '" + line + "'");
        }
      }
      if (index == null || sha3 == null || size == null) {
        throw new IOException("layout lacks index, sha3 or expanded-size");
      }
      return new SpooledMessage(index, directory, parts, sha3, size);
    } catch (RuntimeException | IOException e) {
      // Either an interrupted write or a tampered directory: nothing here can be trusted.
      throw new IOException(
          "corrupt spooled message " + directory + " (" + e.getMessage()
              + "); delete it and receive the message again",
          e);
    }
  }

  /**
   * Wraps a plain serialized message (no blocks) as a spooled message at {@code index}, copying
   * {@code file} into {@code directory} (created; it must be absent or empty) and hashing it.
   */
  public static SpooledMessage fromFile(int index, Path file, Path directory) throws IOException {
    Files.createDirectories(directory);
    try (Stream<Path> s = Files.list(directory)) {
      if (s.findAny().isPresent()) {
        throw new DirectoryNotEmptyException(directory.toString());
      }
    }
    MessageDigest digest = Hashes.newSha3();
    Path segment = directory.resolve("1");
    long length = 0;
    try (InputStream in = Files.newInputStream(file);
        FileOutputStream fos = new FileOutputStream(segment.toFile());
        OutputStream out = new BufferedOutputStream(fos, 1 << 16)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        digest.update(buf, 0, n);
        out.write(buf, 0, n);
        length += n;
      }
      out.flush();
      fos.getFD().sync();
    }
    List<Part> parts = new ArrayList<>();
    if (length > 0) {
      parts.add(new Segment(segment, length));
    } else {
      Files.delete(segment);
    }
    return writeLayout(index, directory, parts, digest.digest(), length);
  }

  /** Deletes the directory and everything in it. Best effort: cleanup must never mask a failure. */
  public void delete() {
    FileTrees.deleteQuietly(directory);
  }

  @Override
  public String toString() {
    return "SpooledMessage{index=" + index + ", dir=" + directory + ", sha3=" + sha3Hex()
        + ", expandedSize=" + expandedSize + ", parts=" + parts + "}";
  }

  /** Writes the layout file (atomically, durably) and returns the message it describes. */
  static SpooledMessage writeLayout(
      int index, Path directory, List<Part> parts, byte[] sha3, long expandedSize)
      throws IOException {
    SpooledMessage m = new SpooledMessage(index, directory, parts, sha3, expandedSize);
    StringBuilder sb = new StringBuilder(LAYOUT_MAGIC).append('\n');
    sb.append("index ").append(index).append('\n');
    sb.append("sha3 ").append(Hashes.toHex(sha3)).append('\n');
    sb.append("expanded-size ").append(expandedSize).append('\n');
    for (Part p : parts) {
      if (p instanceof Segment s) {
        sb.append("segment ").append(s.file().getFileName()).append(' ').append(s.length());
      } else if (p instanceof BlockRef b) {
        sb.append("block ").append(b.blockIdHex()).append(' ').append(b.length()).append(' ');
        if (b.previousLengthsPositions().isEmpty()) {
          sb.append('-');
        } else {
          sb.append(
              String.join(",", b.previousLengthsPositions().stream().map(String::valueOf).toList()));
        }
      }
      sb.append('\n');
    }
    Path temp = directory.resolve(LAYOUT_FILE + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            temp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer bb = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
      while (bb.hasRemaining()) {
        ch.write(bb);
      }
      ch.force(true);
    }
    // The layout appears last and atomically, so a directory with a layout file is complete.
    Files.move(temp, directory.resolve(LAYOUT_FILE), StandardCopyOption.ATOMIC_MOVE);
    return m;
  }

  /** One piece of the expanded message. */
  public sealed interface Part permits Segment, BlockRef {
    /** Bytes this part contributes to the expanded message. */
    long length();
  }

  /**
   * Bytes between blocks, stored in {@code file} (in the message's directory).
   *
   * @param file the segment file
   * @param length its size in bytes
   */
  public record Segment(Path file, long length) implements Part {
    /** Checks the arguments. */
    public Segment {
      Objects.requireNonNull(file, "file");
      if (length < 0) {
        throw new IllegalArgumentException("negative length");
      }
    }
  }

  /**
   * An outermost block, stored in the block store under its id.
   *
   * @param blockIdHex lower-case hex SHA3-256 of the block's bytes
   * @param length size of the block in bytes
   * @param previousLengthsPositions offsets in the expanded message of the length varints
   *     enclosing the block, outermost first; the last is the length of the field that is the block
   */
  public record BlockRef(String blockIdHex, long length, List<Long> previousLengthsPositions)
      implements Part {
    /** Checks the arguments and copies the list. */
    public BlockRef {
      blockIdHex = BlockMarkers.checkId(blockIdHex);
      previousLengthsPositions = List.copyOf(previousLengthsPositions);
      if (length < 0) {
        throw new IllegalArgumentException("negative length");
      }
    }
  }

  /** Streams the parts one after the other, opening each when it is reached. */
  private final class ExpandedStream extends InputStream {
    private final BlockStore blocks;
    private int next;
    private InputStream current;

    ExpandedStream(BlockStore blocks) {
      this.blocks = blocks;
    }

    private boolean advance() throws IOException {
      while (current == null) {
        if (next >= parts.size()) {
          return false;
        }
        Part p = parts.get(next++);
        current =
            p instanceof Segment s
                ? Files.newInputStream(s.file())
                : blocks.open(((BlockRef) p).blockIdHex());
      }
      return true;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      while (advance()) {
        int n = current.read(b, off, len);
        if (n > 0) {
          return n;
        }
        current.close();
        current = null;
      }
      return -1;
    }

    @Override
    public void close() throws IOException {
      if (current != null) {
        current.close();
        current = null;
      }
      next = parts.size();
    }
  }

  /** The wbp rewrite; kept apart because it is the only place that reads varints. */
  private static final class WithBlockPointers {

    /** A length varint to rewrite. */
    private static final class Varint {
      final long position;
      long value;
      int size;
      long newValue;
      int newSize;

      Varint(long position) {
        this.position = position;
      }

      long contentStart() {
        return position + size;
      }

      long contentEnd() {
        return position + size + value;
      }
    }

    static void write(SpooledMessage m, OutputStream out) throws IOException {
      // Expanded offsets of every part.
      long[] starts = new long[m.parts.size()];
      long pos = 0;
      for (int i = 0; i < starts.length; i++) {
        starts[i] = pos;
        pos += m.parts.get(i).length();
      }
      TreeMap<Long, Varint> varints = new TreeMap<>();
      for (Part p : m.parts) {
        if (p instanceof BlockRef b) {
          for (long q : b.previousLengthsPositions()) {
            varints.computeIfAbsent(q, Varint::new);
          }
        }
      }
      for (Varint v : varints.values()) {
        readVarint(m, starts, v);
      }
      // Check every block sits where its offsets say, so a corrupt layout fails loudly instead
      // of producing a message that parses into nonsense (the reference exit()s here).
      for (int i = 0; i < starts.length; i++) {
        if (m.parts.get(i) instanceof BlockRef b) {
          List<Long> plp = b.previousLengthsPositions();
          for (int k = 0; k < plp.size(); k++) {
            Varint v = varints.get(plp.get(k));
            boolean last = k == plp.size() - 1;
            boolean encloses =
                v.contentStart() <= starts[i] && starts[i] + b.length() <= v.contentEnd();
            boolean exact = v.contentStart() == starts[i] && v.value == b.length();
            if (!encloses || (last && !exact)) {
              throw new IOException(
                  "layout of " + m.directory + ": the length at offset " + v.position
                      + " does not " + (last ? "delimit" : "enclose") + " block " + b.blockIdHex());
            }
          }
        }
      }
      // Innermost first, so each length can add the size changes of the lengths inside it.
      for (Varint v : varints.descendingMap().values()) {
        long delta = 0;
        for (int i = 0; i < starts.length; i++) {
          if (m.parts.get(i) instanceof BlockRef b && inside(b, starts[i], v)) {
            if (starts[i] + b.length() > v.contentEnd()) {
              throw new IOException(
                  "layout of " + m.directory + ": block " + b.blockIdHex()
                      + " straddles the end of the field whose length is at " + v.position);
            }
            delta += BlockMarkers.TYPED_POINTER_BYTES - b.length();
          }
        }
        for (Varint inner : varints.subMap(v.contentStart(), v.contentEnd()).values()) {
          delta += inner.newSize - inner.size;
        }
        v.newValue = v.value + delta;
        v.newSize = varintSize(v.newValue);
      }
      byte[] buf = new byte[1 << 16];
      for (int i = 0; i < starts.length; i++) {
        Part p = m.parts.get(i);
        if (p instanceof BlockRef b) {
          out.write(BlockMarkers.typedPointer(b.blockIdHex()));
          continue;
        }
        Segment s = (Segment) p;
        long segStart = starts[i];
        try (InputStream in = Files.newInputStream(s.file())) {
          long cursor = segStart;
          for (Varint v : varints.subMap(segStart, segStart + s.length()).values()) {
            copy(in, out, v.position - cursor, buf);
            skipFully(in, v.size);
            writeVarint(out, v.newValue);
            cursor = v.position + v.size;
          }
          copy(in, out, segStart + s.length() - cursor, buf);
        }
      }
    }

    /**
     * Whether block {@code b}, at expanded offset {@code start}, lies in the field whose length is
     * {@code v}. By position, so a length no marker named is still kept right; but an empty block
     * sits on a boundary (the end of one field is the start of the next, and of its own empty
     * field), where only its marker's own list of enclosing lengths can say which fields hold it.
     */
    private static boolean inside(BlockRef b, long start, Varint v) {
      if (b.length() == 0) {
        return b.previousLengthsPositions().contains(v.position);
      }
      return start >= v.contentStart() && start < v.contentEnd();
    }

    private static void readVarint(SpooledMessage m, long[] starts, Varint v) throws IOException {
      for (int i = 0; i < starts.length; i++) {
        if (m.parts.get(i) instanceof Segment s
            && v.position >= starts[i]
            && v.position < starts[i] + s.length()) {
          int avail = (int) Math.min(10, starts[i] + s.length() - v.position);
          ByteBuffer bb = ByteBuffer.allocate(avail);
          try (FileChannel ch = FileChannel.open(s.file(), StandardOpenOption.READ)) {
            long at = v.position - starts[i];
            while (bb.hasRemaining()) {
              int n = ch.read(bb, at + bb.position());
              if (n < 0) {
                throw new IOException("segment " + s.file() + " is shorter than its layout says");
              }
            }
          }
          long value = 0;
          for (int k = 0; k < avail; k++) {
            int b = bb.get(k) & 0xff;
            value |= (long) (b & 0x7f) << (7 * k);
            if ((b & 0x80) == 0) {
              v.value = value;
              v.size = k + 1;
              return;
            }
          }
          throw new IOException(
              "layout of " + m.directory + ": no complete varint at offset " + v.position);
        }
      }
      throw new IOException(
          "layout of " + m.directory + ": length offset " + v.position
              + " is not inside a segment (it points into a block or past the end)");
    }

    private static void copy(InputStream in, OutputStream out, long n, byte[] buf)
        throws IOException {
      while (n > 0) {
        int r = in.read(buf, 0, (int) Math.min(buf.length, n));
        if (r < 0) {
          throw new IOException("segment file ended early");
        }
        out.write(buf, 0, r);
        n -= r;
      }
    }

    private static void skipFully(InputStream in, long n) throws IOException {
      byte[] sink = new byte[(int) n];
      if (in.readNBytes(sink, 0, sink.length) != sink.length) {
        throw new IOException("segment file ended early");
      }
    }

    private static int varintSize(long value) {
      int size = 1;
      while ((value & ~0x7fL) != 0) {
        value >>>= 7;
        size++;
      }
      return size;
    }

    private static void writeVarint(OutputStream out, long value) throws IOException {
      while ((value & ~0x7fL) != 0) {
        out.write((int) ((value & 0x7f) | 0x80));
        value >>>= 7;
      }
      out.write((int) value);
    }
  }
}
