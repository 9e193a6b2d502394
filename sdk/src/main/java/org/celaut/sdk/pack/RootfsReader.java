package org.celaut.sdk.pack;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.celaut.proto.celaut.BytesKeyValue;
import org.celaut.proto.celaut.Service.Container.Filesystem;
import org.celaut.proto.celaut.Service.Container.Filesystem.ItemBranch;

/**
 * Turns a directory into a {@code Container.Filesystem} that depends only on names, contents,
 * link targets and permission bits.
 *
 * <p>Owner, group and timestamps are left out on purpose: the same sources must pack to the same
 * service id on any machine, whoever checked them out and whenever. Entries are sorted by the
 * bytes of their UTF-8 names, not by {@link String#compareTo} (UTF-16 order differs for
 * characters outside the BMP), because that is the order the wire rules use. Links are not
 * followed, and carry no mode: Linux ignores a link's own permission bits and other systems
 * report different ones, which would make the id depend on the packing host.
 */
final class RootfsReader {

  /** Key of the permission-bits attribute: {@code st_mode & 07777} as ASCII decimal. */
  static final String MODE = "mode";

  /**
   * The filesystem travels inline in one protobuf {@code bytes} field (blocks are not written
   * yet), and protobuf messages stop at 2 GiB; leave room for the rest of the service.
   */
  static final long MAX_INLINE_BYTES = Integer.MAX_VALUE - (64L << 20);

  private static final int S_IFMT = 0170000;
  private static final int S_IFSOCK = 0140000;
  private static final int S_IFBLK = 0060000;
  private static final int S_IFCHR = 0020000;
  private static final int S_IFIFO = 0010000;

  private static final Comparator<String> UTF8_ORDER =
      (a, b) ->
          Arrays.compareUnsigned(
              a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

  private final Path root;
  private final Set<String> skipped;
  private long totalBytes;

  /**
   * @param root the directory that becomes the image's {@code /}
   * @param skipped image paths (like {@code /.service}) left out of the image
   */
  RootfsReader(Path root, Set<String> skipped) {
    this.root = root;
    this.skipped = Set.copyOf(skipped);
  }

  Filesystem read() throws PackException {
    return directory(root, "");
  }

  private Filesystem directory(Path dir, String imageDir) throws PackException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        names.add(entry.getFileName().toString());
      }
    } catch (IOException e) {
      throw error(imageDir.isEmpty() ? "/" : imageDir, "cannot list directory: " + e, e);
    }
    names.sort(UTF8_ORDER);

    Filesystem.Builder fs = Filesystem.newBuilder();
    for (String name : names) {
      String imagePath = imageDir + "/" + name;
      if (skipped.contains(imagePath)) {
        continue;
      }
      if (name.indexOf('\uFFFD') >= 0) {
        // The JVM decodes names with the locale's charset; a name it cannot decode would be
        // packed as something else than what is on disk.
        throw error(imagePath, "name is not valid in this JVM's file name encoding ("
            + System.getProperty("sun.jnu.encoding") + "); run with a UTF-8 locale", null);
      }
      fs.addBranch(entry(dir.resolve(name), name, imagePath));
    }
    return fs.build();
  }

  private ItemBranch entry(Path path, String name, String imagePath) throws PackException {
    PosixFileAttributes attrs;
    try {
      attrs = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (UnsupportedOperationException e) {
      throw error(imagePath, "the file system holding rootfs has no POSIX permissions", e);
    } catch (IOException e) {
      throw error(imagePath, "cannot read attributes: " + e, e);
    }
    ItemBranch.Builder b = ItemBranch.newBuilder().setName(name);
    if (attrs.isSymbolicLink()) {
      String target;
      try {
        target = Files.readSymbolicLink(path).toString();
      } catch (IOException e) {
        throw error(imagePath, "cannot read link: " + e, e);
      }
      return b.setLink(ItemBranch.Link.newBuilder().setSrc(target).setDst(imagePath)).build();
    }
    int mode = mode(path, attrs);
    if (attrs.isDirectory()) {
      b.setFilesystem(directory(path, imagePath));
    } else if (attrs.isRegularFile()) {
      totalBytes += attrs.size();
      if (totalBytes > MAX_INLINE_BYTES) {
        throw error(imagePath, "rootfs holds more than " + MAX_INLINE_BYTES
            + " bytes of files, more than fits inline in one service (blocks are not supported"
            + " yet)", null);
      }
      try {
        b.setFile(ByteString.copyFrom(Files.readAllBytes(path)));
      } catch (IOException e) {
        throw error(imagePath, "cannot read file: " + e, e);
      }
    } else {
      throw error(imagePath, "is a " + specialKind(path)
          + "; only regular files, directories and symbolic links can go into a service", null);
    }
    return b.addXattrs(
            BytesKeyValue.newBuilder()
                .setKey(MODE)
                .setValue(ByteString.copyFromUtf8(Integer.toString(mode))))
        .build();
  }

  /**
   * {@code st_mode & 07777}. The {@code unix} attribute view (Linux, macOS) also has the setuid,
   * setgid and sticky bits that {@link PosixFilePermission} cannot express; elsewhere fall back
   * to the nine permission bits.
   */
  private int mode(Path path, PosixFileAttributes attrs) throws PackException {
    Integer unixMode = unixMode(path);
    if (unixMode != null) {
      return unixMode & 07777;
    }
    int mode = 0;
    for (PosixFilePermission p : attrs.permissions()) {
      mode |= 1 << (8 - p.ordinal());
    }
    return mode;
  }

  private Integer unixMode(Path path) throws PackException {
    try {
      return (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return null;
    } catch (IOException e) {
      throw error(relative(path), "cannot read mode: " + e, e);
    }
  }

  private String specialKind(Path path) throws PackException {
    Integer m = unixMode(path);
    if (m == null) {
      return "special file (fifo, device or socket)";
    }
    switch (m & S_IFMT) {
      case S_IFIFO:
        return "fifo (named pipe)";
      case S_IFCHR:
        return "character device";
      case S_IFBLK:
        return "block device";
      case S_IFSOCK:
        return "socket";
      default:
        return "special file";
    }
  }

  private String relative(Path path) {
    return "/" + root.relativize(path);
  }

  private static PackException error(String imagePath, String problem, Throwable cause) {
    return new PackException("rootfs: " + imagePath + ": " + problem, cause);
  }
}
