package org.celaut.node.runtime;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.celaut.proto.celaut.BytesKeyValue;
import org.celaut.proto.celaut.Service;
import org.celaut.protocol.blocks.BlockStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a Celaut {@code Service.Container.Filesystem} as an uncompressed tar: the root filesystem
 * of the service's image.
 *
 * <p>The tree is never held in memory. It is walked field by field with {@link CodedInputStream}
 * and file contents are copied in chunks, whether they sit inline in the message or in the {@link
 * BlockStore}. Each directory is read twice (once for its entries' names and attributes, which
 * protobuf writes <em>after</em> the content, once to copy the contents), so the memory used is one
 * directory level's names and attributes, never contents.
 *
 * <p>Block pointers: a bytes field whose value is exactly a serialized {@code buffer.Buffer.Block}
 * naming one SHA3-256 id — 70 bytes {@code 0a44 0a20 <sha3 type> 1220 <id>} or 36 bytes {@code 0a22
 * 1220 <id>} — <em>and</em> whose id the block store holds is read from the store. This applies to
 * the {@code filesystem} field itself, to {@code file} items and to sub-directories. Anything else,
 * including a pointer-shaped value whose block is not stored, is taken literally (the latter is
 * logged, since it usually means a missing block).
 *
 * <p>Entries: names must be one path segment (not empty, {@code .} or {@code ..}, no {@code /} or
 * NUL) and unique within their directory; {@code link} becomes a symlink to {@code src}; {@code
 * ItemBranch.xattrs} {@code mode}, {@code uid}, {@code gid} are decimal ASCII text (defaults 0644
 * for files, 0755 for directories, uid/gid 0; a mode carrying file-type bits keeps only its low 12
 * bits). Every modification time is 0 and no user or group name is written, so the same filesystem
 * always gives the same bytes. Other xattrs ({@code mtime_ns}, {@code device.*}, share keys) are
 * ignored.
 */
public final class FilesystemTar {
  private static final Logger log = LoggerFactory.getLogger(FilesystemTar.class);

  /** Permission bits of a file without a {@code mode} xattr. */
  public static final int DEFAULT_FILE_MODE = 0644;

  /** Permission bits of a directory without a {@code mode} xattr. */
  public static final int DEFAULT_DIR_MODE = 0755;

  /** Directories nested deeper than this are refused (a guard against hostile trees). */
  public static final int MAX_DEPTH = 256;

  /** Type id of SHA3-256: the digest of the empty input. */
  private static final byte[] SHA3_256_TYPE =
      HexFormat.of().parseHex("a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a");

  private static final int ID_BYTES = 32;
  private static final int TYPED_POINTER_BYTES = 70;
  private static final int UNTYPED_POINTER_BYTES = 36;
  private static final long MAX_UNSIGNED_ID = 0xFFFF_FFFEL; // (uid_t) -1 is "no change", not an id
  private static final long MTIME_SECONDS = 0;

  private static final int BRANCH = 1;
  private static final int ITEM_NAME = 1;
  private static final int ITEM_FILE = 2;
  private static final int ITEM_LINK = 3;
  private static final int ITEM_FILESYSTEM = 4;
  private static final int ITEM_XATTRS = 5;

  private final BlockStore blocks;
  private final PaxTarWriter tar;

  private FilesystemTar(BlockStore blocks, OutputStream out) {
    this.blocks = blocks;
    this.tar = new PaxTarWriter(out);
  }

  /**
   * Writes the filesystem as a tar to {@code out} (which is flushed, not closed).
   *
   * @param filesystemField the raw {@code Service.container.filesystem} bytes: a serialized {@code
   *     Filesystem}, or a block pointer to one
   * @param blocks where block pointers are resolved
   * @throws MalformedFilesystemException if the tree is malformed (bad entry name, bad attribute,
   *     truncated message): the service's fault
   * @throws IOException if a block cannot be read or {@code out} fails
   */
  public static void write(ByteString filesystemField, BlockStore blocks, OutputStream out)
      throws IOException {
    FilesystemTar writer = new FilesystemTar(blocks, out);
    writer.writeDirectory(writer.rootRegion(filesystemField), "", 0);
    writer.tar.finish();
  }

  /**
   * The id of the block {@code value} points to, if {@code value} is exactly a single-hash SHA3-256
   * block pointer (typed or untyped). Does not check the store.
   */
  public static Optional<String> blockPointerId(ByteString value) {
    int size = value.size();
    int idOffset;
    if (size == TYPED_POINTER_BYTES) {
      if (value.byteAt(0) != 0x0a
          || value.byteAt(1) != 0x44
          || value.byteAt(2) != 0x0a
          || value.byteAt(3) != 0x20
          || value.byteAt(36) != 0x12
          || value.byteAt(37) != 0x20
          || !value.substring(4, 36).equals(ByteString.copyFrom(SHA3_256_TYPE))) {
        return Optional.empty();
      }
      idOffset = 38;
    } else if (size == UNTYPED_POINTER_BYTES) {
      if (value.byteAt(0) != 0x0a
          || value.byteAt(1) != 0x22
          || value.byteAt(2) != 0x12
          || value.byteAt(3) != 0x20) {
        return Optional.empty();
      }
      idOffset = 4;
    } else {
      return Optional.empty();
    }
    return Optional.of(
        HexFormat.of().formatHex(value.substring(idOffset, idOffset + ID_BYTES).toByteArray()));
  }

  // ---- directories ----

  private void writeDirectory(Region region, String pathPrefix, int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw new MalformedFilesystemException(
          "filesystem nested deeper than " + MAX_DEPTH + " levels at /" + pathPrefix);
    }
    List<Entry> entries = readEntries(region, pathPrefix);
    try (Cursor cursor = new Cursor(region.source())) {
      for (Entry entry : entries) {
        String path = pathPrefix + entry.name();
        switch (entry.kind()) {
          case DIRECTORY -> {
            tar.directory(
                path, entry.modeOr(DEFAULT_DIR_MODE), entry.uid(), entry.gid(), MTIME_SECONDS);
            writeDirectory(entry.content(), path + "/", depth + 1);
          }
          case LINK ->
              tar.symlink(path, entry.linkTarget(), entry.uid(), entry.gid(), MTIME_SECONDS);
          case FILE -> writeFile(path, entry, cursor);
        }
      }
    }
  }

  private void writeFile(String path, Entry entry, Cursor cursor) throws IOException {
    Region content = entry.content();
    int mode = entry.modeOr(DEFAULT_FILE_MODE);
    if (!content.source().equals(cursor.source)) {
      // A block of its own: read it from its start, apart from the directory's cursor.
      try (InputStream in = content.source().openAt(0)) {
        tar.file(path, content.lengthBytes(), mode, entry.uid(), entry.gid(), MTIME_SECONDS, in);
      }
    } else {
      tar.file(
          path,
          content.lengthBytes(),
          mode,
          entry.uid(),
          entry.gid(),
          MTIME_SECONDS,
          cursor.at(content.offsetBytes()));
      cursor.advance(content.lengthBytes());
    }
  }

  /** First pass over a directory: names, kinds, attributes and where each content lies. */
  private List<Entry> readEntries(Region region, String pathPrefix) throws IOException {
    List<Entry> entries = new ArrayList<>();
    Set<String> names = new HashSet<>();
    try (InputStream in =
        new BoundedInputStream(
            region.source().openAt(region.offsetBytes()), region.lengthBytes())) {
      CodedInputStream input = CodedInputStream.newInstance(in);
      // Bytes consumed before the decoder's counter was last reset: the counter is an int and a
      // directory stored as a block may be larger than 2 GiB.
      long retiredBytes = 0;
      while (true) {
        int tag = input.readTag();
        if (tag == 0) {
          break;
        }
        if (WireFormat.getTagFieldNumber(tag) == BRANCH
            && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
          int itemBytes = readLength(input, pathPrefix);
          int oldLimit = input.pushLimit(itemBytes);
          Entry entry =
              readItem(input, region.source(), region.offsetBytes() + retiredBytes, pathPrefix);
          input.popLimit(oldLimit);
          if (!names.add(entry.name())) {
            throw new MalformedFilesystemException(
                "duplicate entry name " + quote(entry.name()) + " in /" + pathPrefix);
          }
          entries.add(entry);
        } else {
          input.skipField(tag); // root xattrs (read_mode) and unknown fields: not part of the tar
        }
        retiredBytes += input.getTotalBytesRead();
        input.resetSizeCounter();
      }
    } catch (InvalidProtocolBufferException e) {
      throw new MalformedFilesystemException(
          "malformed filesystem at /" + pathPrefix + ": " + e.getMessage(), e);
    }
    return entries;
  }

  /**
   * Reads one {@code ItemBranch} within the decoder's current limit. {@code base} is the source
   * offset at which the decoder's byte counter was 0, so {@code base + getTotalBytesRead()} is
   * where the next byte comes from.
   */
  private Entry readItem(CodedInputStream input, Source source, long base, String pathPrefix)
      throws IOException {
    String name = null;
    Kind kind = null;
    Region content = null;
    String linkTarget = null;
    ByteString modeText = null;
    ByteString uidText = null;
    ByteString gidText = null;
    while (true) {
      int tag = input.readTag();
      if (tag == 0) {
        break;
      }
      int field = WireFormat.getTagFieldNumber(tag);
      boolean delimited = WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
      if (field == ITEM_NAME && delimited) {
        name = input.readStringRequireUtf8();
      } else if ((field == ITEM_FILE || field == ITEM_FILESYSTEM) && delimited) {
        // The oneof's last item on the wire wins, as in any protobuf parser.
        int lengthBytes = readLength(input, pathPrefix);
        long offsetBytes = base + input.getTotalBytesRead();
        content = null;
        if (lengthBytes == TYPED_POINTER_BYTES || lengthBytes == UNTYPED_POINTER_BYTES) {
          ByteString value = ByteString.copyFrom(input.readRawBytes(lengthBytes));
          content = storedBlock(value, "/" + pathPrefix + (name == null ? "<unnamed>" : name));
        } else {
          input.skipRawBytes(lengthBytes);
        }
        if (content == null) {
          content = new Region(source, offsetBytes, lengthBytes);
        }
        kind = field == ITEM_FILE ? Kind.FILE : Kind.DIRECTORY;
        linkTarget = null;
      } else if (field == ITEM_LINK && delimited) {
        Service.Container.Filesystem.ItemBranch.Link link =
            input.readMessage(
                Service.Container.Filesystem.ItemBranch.Link.parser(),
                ExtensionRegistryLite.getEmptyRegistry());
        linkTarget = link.getSrc();
        kind = Kind.LINK;
        content = null;
      } else if (field == ITEM_XATTRS && delimited) {
        BytesKeyValue xattr =
            input.readMessage(BytesKeyValue.parser(), ExtensionRegistryLite.getEmptyRegistry());
        // Key/value lists replace maps: the last entry for a key wins.
        switch (xattr.getKey()) {
          case "mode" -> modeText = xattr.getValue();
          case "uid" -> uidText = xattr.getValue();
          case "gid" -> gidText = xattr.getValue();
          default -> {}
        }
      } else {
        input.skipField(tag);
      }
    }
    if (name == null) {
      throw new MalformedFilesystemException(
          "bad entry name in /" + pathPrefix + ": an entry has no name");
    }
    checkName(name, pathPrefix);
    String path = "/" + pathPrefix + name;
    if (kind == null) {
      throw new MalformedFilesystemException("entry " + path + " has no file, link or directory");
    }
    if (kind == Kind.LINK && (linkTarget.isEmpty() || linkTarget.indexOf('\0') >= 0)) {
      throw new MalformedFilesystemException(
          "bad link target " + quote(linkTarget) + " for " + path);
    }
    int mode = modeText == null ? -1 : (int) (parseDecimal(modeText, "mode", path) & 07777);
    long uid = uidText == null ? 0 : parseDecimal(uidText, "uid", path);
    long gid = gidText == null ? 0 : parseDecimal(gidText, "gid", path);
    return new Entry(name, kind, content, linkTarget, mode, uid, gid);
  }

  // ---- helpers ----

  private Region rootRegion(ByteString filesystemField) throws IOException {
    Region stored = storedBlock(filesystemField, "the service's filesystem");
    return stored != null
        ? stored
        : new Region(new BytesSource(filesystemField), 0, filesystemField.size());
  }

  /** The block {@code value} points to if it is a pointer to a stored block, else null. */
  private Region storedBlock(ByteString value, String what) throws IOException {
    Optional<String> id = blockPointerId(value);
    if (id.isEmpty()) {
      return null;
    }
    if (!blocks.contains(id.get())) {
      // Taken literally, as the wire rules say, but a missing block is the likelier story.
      log.warn(
          "event=block_pointer_not_stored entry=\"{}\" block={} action=written_as_is",
          what,
          id.get());
      return null;
    }
    return new Region(new BlockSource(blocks, id.get()), 0, blocks.size(id.get()));
  }

  private static int readLength(CodedInputStream input, String pathPrefix) throws IOException {
    int length = input.readRawVarint32();
    if (length < 0) {
      throw new MalformedFilesystemException(
          "malformed filesystem at /" + pathPrefix + ": negative length");
    }
    return length;
  }

  private static void checkName(String name, String pathPrefix) throws IOException {
    if (name.isEmpty()
        || name.equals(".")
        || name.equals("..")
        || name.indexOf('/') >= 0
        || name.indexOf('\0') >= 0) {
      throw new MalformedFilesystemException(
          "bad entry name "
              + quote(name)
              + " in /"
              + pathPrefix
              + ": a name must be one path segment, not . or .., without / or NUL");
    }
  }

  private static long parseDecimal(ByteString text, String key, String path) throws IOException {
    String value = text.toString(StandardCharsets.US_ASCII);
    if (value.isEmpty()
        || value.length() > 10
        || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new MalformedFilesystemException(
          "bad " + key + " " + quote(value) + " for " + path + ": expected decimal digits");
    }
    long parsed = Long.parseLong(value);
    if (parsed > MAX_UNSIGNED_ID) {
      throw new MalformedFilesystemException(
          "bad " + key + " " + value + " for " + path + ": out of range");
    }
    return parsed;
  }

  private static String quote(String name) {
    return "\"" + name.replace("\0", "\\0") + "\"";
  }

  private enum Kind {
    FILE,
    LINK,
    DIRECTORY
  }

  /** A byte range of a source: a directory's serialized {@code Filesystem} or a file's content. */
  private record Region(Source source, long offsetBytes, long lengthBytes) {}

  /** One directory entry as found in the first pass; {@code mode} is -1 when not given. */
  private record Entry(
      String name, Kind kind, Region content, String linkTarget, int mode, long uid, long gid) {
    int modeOr(int defaultMode) {
      return mode < 0 ? defaultMode : mode;
    }
  }

  /** Bytes that can be read again from any offset: an in-memory field or a stored block. */
  private interface Source {
    InputStream openAt(long offsetBytes) throws IOException;
  }

  private record BytesSource(ByteString bytes) implements Source {
    @Override
    public InputStream openAt(long offsetBytes) {
      return bytes.substring((int) offsetBytes).newInput();
    }
  }

  private record BlockSource(BlockStore blocks, String blockIdHex) implements Source {
    @Override
    public InputStream openAt(long offsetBytes) throws IOException {
      InputStream in = blocks.open(blockIdHex);
      try {
        in.skipNBytes(offsetBytes);
        return in;
      } catch (IOException e) {
        in.close();
        throw new IOException("block " + blockIdHex + " is shorter than expected", e);
      }
    }
  }

  /**
   * A forward-only reader over a directory's source. Inline contents appear in the order of their
   * entries, so one stream per directory serves them all by skipping ahead.
   */
  private static final class Cursor implements AutoCloseable {
    private final Source source;
    private InputStream in;
    private long positionBytes;

    Cursor(Source source) {
      this.source = source;
    }

    InputStream at(long offsetBytes) throws IOException {
      if (in == null || offsetBytes < positionBytes) {
        close();
        in = source.openAt(offsetBytes);
      } else if (offsetBytes > positionBytes) {
        in.skipNBytes(offsetBytes - positionBytes);
      }
      positionBytes = offsetBytes;
      return in;
    }

    void advance(long bytes) {
      positionBytes += bytes;
    }

    @Override
    public void close() throws IOException {
      if (in != null) {
        InputStream closing = in;
        in = null;
        closing.close();
      }
    }
  }

  /** Ends after {@code limitBytes}, so a field can never read past its enclosing message. */
  private static final class BoundedInputStream extends FilterInputStream {
    private long remainingBytes;

    BoundedInputStream(InputStream in, long limitBytes) {
      super(in);
      this.remainingBytes = limitBytes;
    }

    @Override
    public int read() throws IOException {
      if (remainingBytes <= 0) {
        return -1;
      }
      int b = super.read();
      if (b >= 0) {
        remainingBytes--;
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (remainingBytes <= 0) {
        return -1;
      }
      int read = super.read(buffer, offset, (int) Math.min(length, remainingBytes));
      if (read > 0) {
        remainingBytes -= read;
      }
      return read;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(Math.min(n, remainingBytes));
      remainingBytes -= skipped;
      return skipped;
    }

    @Override
    public int available() throws IOException {
      return (int) Math.min(super.available(), remainingBytes);
    }

    @Override
    public boolean markSupported() {
      return false;
    }
  }
}
