package org.celaut.protocol.blocks;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Objects;
import org.celaut.protocol.Hashes;

/**
 * A {@link BlockStore} that keeps each block as a file named by its lower-case hex id in one
 * directory — the layout of the reference's {@code __block__/<id>}.
 *
 * <p>A block is written to a temporary file in the same directory (names starting with {@code .},
 * which can never be an id), fsynced, verified, and atomically renamed to its id, so a reader
 * never sees a partial block. Concurrent writers of the same block are safe: both produce the
 * same bytes and the last rename wins with identical content. Committing an already stored block
 * keeps the stored copy. Temporary files left by a crash stay until {@link #removePending} is
 * called by the one process that owns the directory (the node, under its data directory's lock):
 * the store alone cannot tell a dead writer's file from a live one's.
 */
public final class FileBlockStore implements BlockStore {

  private static final String TEMP_PREFIX = ".pending-";

  private final Path directory;

  /** A store in {@code directory}, created if missing. */
  public FileBlockStore(Path directory) throws IOException {
    this.directory = Files.createDirectories(Objects.requireNonNull(directory, "directory"));
  }

  /** The directory holding the block files. */
  public Path directory() {
    return directory;
  }

  @Override
  public boolean contains(String blockIdHex) {
    return Files.isRegularFile(pathOf(blockIdHex));
  }

  @Override
  public long size(String blockIdHex) throws IOException {
    return Files.size(pathOf(blockIdHex));
  }

  @Override
  public InputStream open(String blockIdHex) throws IOException {
    return Files.newInputStream(pathOf(blockIdHex));
  }

  @Override
  public PendingBlock begin() throws IOException {
    Path temp = Files.createTempFile(directory, TEMP_PREFIX, ".tmp");
    return new FilePendingBlock(temp);
  }

  @Override
  public boolean remove(String blockIdHex) throws IOException {
    return Files.deleteIfExists(pathOf(blockIdHex));
  }

  /**
   * Deletes the temporary files of blocks whose writing never finished, e.g. an upload cut off
   * by {@code kill -9}. Call it only while nobody writes to this store: a live writer's file
   * would go too. Returns how many were removed.
   */
  public int removePending() throws IOException {
    int removed = 0;
    try (DirectoryStream<Path> pending = Files.newDirectoryStream(directory, TEMP_PREFIX + "*")) {
      for (Path p : pending) {
        if (Files.deleteIfExists(p)) {
          removed++;
        }
      }
    }
    return removed;
  }

  /** The file of a block; validating the id keeps callers from escaping the directory. */
  private Path pathOf(String blockIdHex) {
    return directory.resolve(normalize(blockIdHex));
  }

  private static String normalize(String blockIdHex) {
    if (!Hashes.isSha3Hex(blockIdHex)) {
      throw new IllegalArgumentException(
          "not a block id (64 hex characters of a SHA3-256): '" + blockIdHex + "'");
    }
    return blockIdHex.toLowerCase(Locale.ROOT);
  }

  private final class FilePendingBlock implements PendingBlock {
    private final Path temp;
    private final FileOutputStream file;
    private final MessageDigest digest = Hashes.newSha3();
    private final OutputStream out;
    private String id;
    private boolean finished;
    private boolean committed;

    FilePendingBlock(Path temp) throws IOException {
      this.temp = temp;
      this.file = new FileOutputStream(temp.toFile());
      this.out = new DigestOutputStream(new BufferedOutputStream(file, 1 << 16), digest);
    }

    @Override
    public OutputStream output() {
      return out;
    }

    @Override
    public String idSoFar() {
      if (!finished) {
        finished = true;
        try {
          out.flush();
        } catch (IOException e) {
          // The id is over what was handed to the stream; a flush failure surfaces in commit().
        }
        id = Hashes.toHex(digest.digest());
      }
      return id;
    }

    @Override
    public String commit(String expectedIdHex) throws IOException {
      if (committed) {
        return id;
      }
      String actual = idSoFar();
      try {
        out.flush();
        file.getChannel().force(true);
      } finally {
        file.close();
      }
      if (expectedIdHex != null && !normalize(expectedIdHex).equals(actual)) {
        Files.deleteIfExists(temp);
        throw new BlockHashMismatchException(expectedIdHex, actual);
      }
      Path target = directory.resolve(actual);
      if (Files.exists(target)) {
        Files.deleteIfExists(temp);
      } else {
        try {
          // rename(2) replaces an existing target atomically, so a concurrent writer of the same
          // (identical) block cannot make this fail or expose half a file.
          Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.deleteIfExists(temp);
          throw new IOException("the block store at " + directory + " needs atomic renames", e);
        }
        syncDirectory();
      }
      committed = true;
      return actual;
    }

    @Override
    public void close() {
      if (committed) {
        return;
      }
      try {
        file.close();
      } catch (IOException e) {
        // Discarding anyway.
      }
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        // Never throws by contract; a stray temp file is harmless (its name is not an id).
      }
    }
  }

  private void syncDirectory() {
    // Makes the rename durable; some platforms cannot open a directory, which only weakens
    // durability after a power loss, never correctness.
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // best effort, see above
    }
  }
}
