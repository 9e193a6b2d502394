package org.celaut.node.registry;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.celaut.proto.celaut.Metadata;
import org.celaut.protocol.FileTrees;
import org.celaut.protocol.Hashes;
import org.celaut.protocol.bee.SpooledMessage;
import org.celaut.protocol.blocks.BlockStore;

/**
 * Content-addressed store of services on disk.
 *
 * <p>Layout under the root: {@code <id>/message/} (the service as received: segments, layout;
 * its blocks live in the shared {@link BlockStore}), {@code <id>/service.wbp} (the service with
 * block pointers instead of block bodies, which is what the node parses), {@code
 * <id>/metadata.pb}. A service is assembled in a temporary directory and renamed into place, so
 * a reader sees either the whole service or none of it, and a crash leaves only a temporary
 * directory that the next start removes.
 */
public final class ServiceRegistry {

  private static final String TMP_PREFIX = ".tmp-";

  private final Path root;
  private final BlockStore blocks;
  private final SecureRandom random = new SecureRandom();

  public ServiceRegistry(Path root, BlockStore blocks) throws IOException {
    this.root = root;
    this.blocks = blocks;
    Files.createDirectories(root);
    removeLeftovers();
  }

  /** The block store services share. */
  public BlockStore blocks() {
    return blocks;
  }

  /** True if the service is stored. {@code idHex} must be a SHA3-256 hex id. */
  public boolean contains(String idHex) {
    return Hashes.isSha3Hex(idHex) && Files.isDirectory(root.resolve(idHex.toLowerCase()));
  }

  /**
   * Stores a received service under the SHA3-256 of its expanded bytes (computed while it was
   * received, so it cannot lie). Idempotent: storing a service that is already there discards
   * the new copy. The received message is consumed (moved or deleted) either way.
   *
   * @param received the spooled service body
   * @param metadata the sender's metadata; only its tags are kept, hashes are recomputed
   * @throws InvalidServiceException if the bytes are not a {@code celaut.Service}
   */
  public StoredService put(SpooledMessage received, Metadata metadata)
      throws IOException, InvalidServiceException {
    String id = Hashes.toHex(received.sha3());
    if (contains(id)) {
      received.delete();
      return get(id).orElseThrow();
    }
    Path tmp = root.resolve(TMP_PREFIX + HexFormat.of().formatHex(randomBytes()));
    try {
      Files.createDirectories(tmp);
      Path wbp = tmp.resolve(StoredService.WBP_FILE);
      try (OutputStream out = Files.newOutputStream(wbp)) {
        received.writeWithBlockPointers(out, blocks);
      }
      try {
        MappedService.parse(wbp); // checks it parses, without the body in the heap
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new InvalidServiceException(
            "the service body (" + received.expandedSize() + " bytes) is not a celaut.Service: "
                + e.getMessage());
      }
      Metadata stored = Metadata.newBuilder()
          .setHashtag(Metadata.HashTag.newBuilder()
              .addHash(Hashes.sha3Hash(received.sha3()))
              .addAllTag(metadata.getHashtag().getTagList()))
          .build();
      Files.write(tmp.resolve(StoredService.METADATA_FILE), stored.toByteArray());
      received.moveTo(tmp.resolve(StoredService.MESSAGE_DIR));
      publish(tmp, id);
      return get(id).orElseThrow();
    } catch (IOException | InvalidServiceException | RuntimeException e) {
      received.delete();
      FileTrees.deleteQuietly(tmp);
      throw e;
    }
  }

  /**
   * Renames a fully written service into place. Concurrent first uploads of one service all get
   * here: the first rename wins, and a later one finds the published directory, which holds the
   * same bytes, so it discards its own copy. rename(2) onto a non-empty directory fails with
   * ENOTEMPTY, which Java reports as a bare {@link FileSystemException} ("Directory not empty"),
   * not as one of its subclasses: the stored directory, not the exception type, tells a lost race.
   */
  private void publish(Path tmp, String id) throws IOException {
    try {
      Files.move(tmp, root.resolve(id), StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("registry " + root + " must be on one filesystem", e);
    } catch (FileSystemException e) {
      if (!contains(id)) {
        throw e;
      }
      FileTrees.deleteQuietly(tmp);
    }
  }

  /** The stored service with this id, if any. */
  public Optional<StoredService> get(String idHex) throws IOException {
    if (!contains(idHex)) {
      return Optional.empty();
    }
    return Optional.of(StoredService.load(idHex.toLowerCase(), root.resolve(idHex.toLowerCase()), blocks));
  }

  /** Every stored service, ordered by id. */
  public List<StoredService> list() throws IOException {
    List<StoredService> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (Hashes.isSha3Hex(name) && Files.isDirectory(p)) {
          out.add(StoredService.load(name, p, blocks));
        }
      }
    }
    out.sort((a, b) -> a.idHex().compareTo(b.idHex()));
    return out;
  }

  /**
   * Removes a service (its blocks stay: other services may share them). Returns false if it was
   * not stored.
   */
  public boolean remove(String idHex) throws IOException {
    if (!contains(idHex)) {
      return false;
    }
    Path dir = root.resolve(idHex.toLowerCase());
    // Rename first so a concurrent reader never sees half a service.
    Path doomed = root.resolve(TMP_PREFIX + "rm-" + HexFormat.of().formatHex(randomBytes()));
    Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
    FileTrees.deleteQuietly(doomed);
    return true;
  }

  private byte[] randomBytes() {
    byte[] b = new byte[8];
    random.nextBytes(b);
    return b;
  }

  private void removeLeftovers() throws IOException {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, TMP_PREFIX + "*")) {
      for (Path p : ds) {
        FileTrees.deleteQuietly(p);
      }
    }
  }
}
