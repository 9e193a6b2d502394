package org.celaut.node.storage;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's data directory, kept private to the user the node runs as: the directory and every
 * directory in it {@code 0700}, every file the node keeps directly in it (the database and its
 * WAL and shared-memory files, the lock file) {@code 0600}. The database holds token digests and
 * what every client ran; the services are other people's software.
 *
 * <p>Opening it creates it that way, or tightens what an earlier version (or a {@code mkdir} with
 * the usual umask) left readable by others, logging each change. Entries inside its directories
 * are not walked: a private directory already keeps them from everyone else. On a filesystem
 * without POSIX permissions nothing is changed.
 */
public final class DataDirectory {

  private static final Logger log = LoggerFactory.getLogger(DataDirectory.class);

  /** {@code rwx------}. */
  public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
  /** {@code rw-------}. */
  public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  private final Path root;
  private final boolean posix;

  private DataDirectory(Path root, boolean posix) {
    this.root = root;
    this.posix = posix;
  }

  /** Creates {@code root} (0700) or tightens it and what it holds directly. */
  public static DataDirectory open(Path root) throws IOException {
    Path dir = root.toAbsolutePath();
    Path existing = dir;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    boolean posix = existing != null
        && Files.getFileAttributeView(existing, PosixFileAttributeView.class) != null;
    if (posix && !Files.exists(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
    } else {
      Files.createDirectories(dir);
    }
    DataDirectory data = new DataDirectory(dir, posix);
    if (posix) {
      data.tighten(dir, DIRECTORY);
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
        for (Path p : entries) {
          if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            data.tighten(p, DIRECTORY);
          } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            data.tighten(p, FILE);
          }
        }
      }
    }
    return data;
  }

  /** The directory. */
  public Path root() {
    return root;
  }

  /**
   * {@code name} in the directory as a file only its owner can read, created empty if missing (so
   * SQLite, which gives its WAL and shared-memory files the mode of the database, starts private).
   */
  public Path privateFile(String name) throws IOException {
    Path file = root.resolve(name);
    if (!posix) {
      return file;
    }
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
    } catch (FileAlreadyExistsException e) {
      tighten(file, FILE);
    }
    return file;
  }

  /** {@code name} in the directory as a directory only its owner can enter, created if missing. */
  public Path privateDirectory(String name) throws IOException {
    Path dir = root.resolve(name);
    if (!posix) {
      return Files.createDirectories(dir);
    }
    try {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
    } catch (FileAlreadyExistsException e) {
      tighten(dir, DIRECTORY);
    }
    return dir;
  }

  /** Sets {@code wanted} if the entry allows more or other than that; logs the change. */
  private void tighten(Path p, Set<PosixFilePermission> wanted) throws IOException {
    Set<PosixFilePermission> now = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
    if (!now.equals(wanted)) {
      Files.setPosixFilePermissions(p, wanted);
      log.info("event=permissions_tightened path={} from={} to={}", p,
          PosixFilePermissions.toString(now), PosixFilePermissions.toString(wanted));
    }
  }
}
