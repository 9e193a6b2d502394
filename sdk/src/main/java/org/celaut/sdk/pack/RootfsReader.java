package org.celaut.sdk.pack;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads a directory into an {@link FsTree} that depends only on names, contents, link targets and
 * permission bits.
 *
 * <p>Owner, group and timestamps are left out on purpose: the same sources must pack to the same
 * service id on any machine, whoever checked them out and whenever. Entries are sorted by the
 * bytes of their UTF-8 names, not by {@link String#compareTo} (UTF-16 order differs for
 * characters outside the BMP), because that is the order the wire rules use. Links are not
 * followed, and carry no mode: Linux ignores a link's own permission bits and other systems
 * report different ones, which would make the id depend on the packing host. File contents are
 * not loaded: the tree refers to the files, which are read while the service is written.
 */
final class RootfsReader {

  /** Key of the permission-bits attribute: {@code st_mode & 07777} as ASCII decimal. */
  static final String MODE = FsTree.MODE;

  private static final int S_IFMT = 0170000;
  private static final int S_IFSOCK = 0140000;
  private static final int S_IFBLK = 0060000;
  private static final int S_IFCHR = 0020000;
  private static final int S_IFIFO = 0010000;

  private final Path root;
  private final Set<String> skipped;
  private final PathFilter filter;

  /**
   * @param root the directory that becomes the image's {@code /}
   * @param skipped image paths (like {@code /.service}) left out of the image
   * @param filter the project's include / ignore globs
   */
  RootfsReader(Path root, Set<String> skipped, PathFilter filter) {
    this.root = root;
    this.skipped = Set.copyOf(skipped);
    this.filter = filter;
  }

  RootfsReader(Path root, Set<String> skipped) {
    this(root, skipped, PathFilter.ALL);
  }

  FsTree.Dir read() throws PackException {
    FsTree.Dir top = new FsTree.Dir(0755);
    directory(root, "", top, !filter.hasInclude());
    return top;
  }

  private void directory(Path dir, String imageDir, FsTree.Dir into, boolean taken)
      throws PackException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        names.add(entry.getFileName().toString());
      }
    } catch (IOException e) {
      throw error(imageDir.isEmpty() ? "/" : imageDir, "cannot list directory: " + e, e);
    }
    names.sort(FsTree.UTF8_ORDER);

    for (String name : names) {
      String imagePath = imageDir + "/" + name;
      if (skipped.contains(imagePath)) {
        continue;
      }
      String rel = imagePath.substring(1);
      if (filter.ignored(rel)) {
        continue;
      }
      if (name.indexOf('\uFFFD') >= 0) {
        // The JVM decodes names with the locale's charset; a name it cannot decode would be
        // packed as something else than what is on disk.
        throw error(imagePath, "name is not valid in this JVM's file name encoding ("
            + System.getProperty("sun.jnu.encoding") + "); run with a UTF-8 locale", null);
      }
      boolean here = taken || filter.included(rel);
      FsTree.Node node = entry(dir.resolve(name), imagePath, here);
      if (node != null) {
        into.entries.put(name, node);
      }
    }
  }

  /** The entry at {@code path}, or null if the include globs leave it out. */
  private FsTree.Node entry(Path path, String imagePath, boolean taken) throws PackException {
    PosixFileAttributes attrs;
    try {
      attrs = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (UnsupportedOperationException e) {
      throw error(imagePath, "the file system holding rootfs has no POSIX permissions", e);
    } catch (IOException e) {
      throw error(imagePath, "cannot read attributes: " + e, e);
    }
    if (attrs.isDirectory()) {
      FsTree.Dir d = new FsTree.Dir(mode(path, attrs));
      directory(path, imagePath, d, taken);
      return taken || !d.entries.isEmpty() ? d : null;
    }
    if (!taken) {
      return null;
    }
    if (attrs.isSymbolicLink()) {
      try {
        return new FsTree.Link(Files.readSymbolicLink(path).toString());
      } catch (IOException e) {
        throw error(imagePath, "cannot read link: " + e, e);
      }
    }
    if (attrs.isRegularFile()) {
      int mode = mode(path, attrs);
      if (!Files.isReadable(path)) {
        throw error(imagePath, "cannot read file: permission denied", null);
      }
      return new FsTree.File(
          List.of(new Wire.FileData(path, 0, attrs.size(), "rootfs: " + imagePath, true)), mode);
    }
    throw error(imagePath, "is a " + specialKind(path)
        + "; only regular files, directories and symbolic links can go into a service", null);
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
