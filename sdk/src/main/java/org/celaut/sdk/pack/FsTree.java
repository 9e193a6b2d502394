package org.celaut.sdk.pack;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.celaut.proto.celaut.BytesKeyValue;
import org.celaut.proto.celaut.Service.Container.Filesystem;
import org.celaut.proto.celaut.Service.Container.Filesystem.ItemBranch;

/**
 * The image's filesystem as read from its source (a rootfs folder or an exported Docker
 * container), before it is serialized. It holds only what a service records: names (sorted by
 * their UTF-8 bytes), file contents (referenced, not loaded), link targets and permission bits.
 */
final class FsTree {

  /** Key of the permission-bits attribute: {@code st_mode & 07777} as ASCII decimal. */
  static final String MODE = "mode";

  /** Directory entry order: the bytes of the UTF-8 names, as the wire rules sort keys. */
  static final Comparator<String> UTF8_ORDER =
      (a, b) ->
          Arrays.compareUnsigned(
              a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

  private FsTree() {}

  /** An entry of a directory. */
  sealed interface Node permits Dir, File, Link {}

  /** A directory: its entries by name, and its permission bits. */
  static final class Dir implements Node {
    final TreeMap<String, Node> entries = new TreeMap<>(UTF8_ORDER);
    int mode;

    Dir(int mode) {
      this.mode = mode;
    }

    /** The sub-directory {@code name}, created with {@code mode} if absent; null if not a dir. */
    Dir dir(String name, int mode) {
      Node n = entries.computeIfAbsent(name, k -> new Dir(mode));
      return n instanceof Dir d ? d : null;
    }
  }

  /**
   * A regular file: its content as serialized parts (raw bytes from disk, literal bytes, or a whole
   * embedded service), and its permission bits.
   */
  record File(List<Wire.Part> content, int mode) implements Node {
    File {
      content = List.copyOf(content);
    }

    long size() {
      return Wire.size(content);
    }
  }

  /** A symbolic link to {@code target}, taken literally (never followed while packing). */
  record Link(String target) implements Node {}

  /**
   * Serializes {@code root} as the parts of a {@code Container.Filesystem}: every file of at least
   * {@code blockThresholdBytes} becomes a block.
   */
  static List<Wire.Part> render(Dir root, long blockThresholdBytes) {
    return renderDir(root, "", blockThresholdBytes);
  }

  private static List<Wire.Part> renderDir(Dir dir, String path, long threshold) {
    List<Wire.Part> parts = new ArrayList<>(dir.entries.size());
    for (Map.Entry<String, Node> e : dir.entries.entrySet()) {
      String name = e.getKey();
      String imagePath = path + "/" + name;
      List<Wire.Part> item = new ArrayList<>(3);
      item.add(new Wire.Bytes(ItemBranch.newBuilder().setName(name).build().toByteString()));
      Node node = e.getValue();
      if (node instanceof File f) {
        long size = f.size();
        item.add(new Wire.Field(ItemBranch.FILE_FIELD_NUMBER, f.content(), size >= threshold));
        item.add(modeBytes(f.mode()));
      } else if (node instanceof Link l) {
        item.add(new Wire.Bytes(linkOnly(l, imagePath)));
      } else {
        Dir d = (Dir) node;
        item.add(Wire.field(ItemBranch.FILESYSTEM_FIELD_NUMBER, renderDir(d, imagePath, threshold)));
        item.add(modeBytes(d.mode));
      }
      parts.add(Wire.field(Filesystem.BRANCH_FIELD_NUMBER, item));
    }
    return parts;
  }

  /**
   * The same tree as an in-memory {@code Filesystem} whose files are empty: enough to check paths,
   * kinds and modes (the entrypoint) without reading any content.
   */
  static Filesystem skeleton(Dir dir) {
    return skeleton(dir, "");
  }

  private static Filesystem skeleton(Dir dir, String path) {
    Filesystem.Builder fs = Filesystem.newBuilder();
    for (Map.Entry<String, Node> e : dir.entries.entrySet()) {
      String imagePath = path + "/" + e.getKey();
      ItemBranch.Builder b = ItemBranch.newBuilder().setName(e.getKey());
      Node node = e.getValue();
      if (node instanceof File f) {
        b.setFile(ByteString.EMPTY).addXattrs(mode(f.mode()));
      } else if (node instanceof Link l) {
        b.setLink(ItemBranch.Link.newBuilder().setSrc(l.target()).setDst(imagePath));
      } else {
        Dir d = (Dir) node;
        b.setFilesystem(skeleton(d, imagePath)).addXattrs(mode(d.mode));
      }
      fs.addBranch(b);
    }
    return fs.build();
  }

  private static ByteString linkOnly(Link l, String imagePath) {
    return ItemBranch.newBuilder()
        .setLink(ItemBranch.Link.newBuilder().setSrc(l.target()).setDst(imagePath))
        .build()
        .toByteString();
  }

  private static Wire.Bytes modeBytes(int mode) {
    return new Wire.Bytes(ItemBranch.newBuilder().addXattrs(mode(mode)).build().toByteString());
  }

  private static BytesKeyValue mode(int mode) {
    return BytesKeyValue.newBuilder()
        .setKey(MODE)
        .setValue(ByteString.copyFromUtf8(Integer.toString(mode)))
        .build();
  }
}
