package org.celaut.node.runtime;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.celaut.protocol.blocks.BlockHashMismatchException;
import org.celaut.protocol.blocks.BlockStore;

/**
 * A minimal {@link BlockStore} over a directory, for tests: the node's real file store is built
 * elsewhere, and these tests only need "stored under its SHA3-256, read back as a stream".
 */
public final class TempDirBlockStore implements BlockStore {
  private final Path dir;

  public TempDirBlockStore(Path dir) {
    this.dir = dir;
  }

  /** Stores {@code bytes} and returns its id. */
  public String put(byte[] bytes) {
    try (PendingBlock pending = begin()) {
      pending.output().write(bytes);
      return pending.commit(null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stores {@code bytes} and returns the 36-byte untyped pointer to it. */
  public ByteString putUntypedPointer(byte[] bytes) {
    byte[] id = HexFormat.of().parseHex(put(bytes));
    return ByteString.copyFrom(new byte[] {0x0a, 0x22, 0x12, 0x20}).concat(ByteString.copyFrom(id));
  }

  /** Stores {@code bytes} and returns the 70-byte pointer typed SHA3-256. */
  public ByteString putTypedPointer(byte[] bytes) {
    return typedPointer(put(bytes));
  }

  public static ByteString typedPointer(String idHex) {
    byte[] type =
        HexFormat.of().parseHex("a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a");
    return ByteString.copyFrom(new byte[] {0x0a, 0x44, 0x0a, 0x20})
        .concat(ByteString.copyFrom(type))
        .concat(ByteString.copyFrom(new byte[] {0x12, 0x20}))
        .concat(ByteString.copyFrom(HexFormat.of().parseHex(idHex)));
  }

  @Override
  public boolean contains(String blockIdHex) {
    return Files.isRegularFile(dir.resolve(blockIdHex));
  }

  @Override
  public long size(String blockIdHex) throws IOException {
    return Files.size(dir.resolve(blockIdHex));
  }

  @Override
  public InputStream open(String blockIdHex) throws IOException {
    Path path = dir.resolve(blockIdHex);
    if (!Files.isRegularFile(path)) {
      throw new NoSuchFileException(path.toString());
    }
    return Files.newInputStream(path);
  }

  @Override
  public PendingBlock begin() throws IOException {
    Path temp = Files.createTempFile(dir, "pending", ".tmp");
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA3-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    DigestOutputStream out = new DigestOutputStream(Files.newOutputStream(temp), digest);
    return new PendingBlock() {
      private String id;

      @Override
      public OutputStream output() {
        return out;
      }

      @Override
      public String idSoFar() {
        if (id == null) {
          try {
            out.close();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          id = HexFormat.of().formatHex(digest.digest());
        }
        return id;
      }

      @Override
      public String commit(String expectedIdHex) throws IOException {
        String actual = idSoFar();
        if (expectedIdHex != null && !expectedIdHex.equals(actual)) {
          Files.deleteIfExists(temp);
          throw new BlockHashMismatchException(expectedIdHex, actual);
        }
        Files.move(temp, dir.resolve(actual), StandardCopyOption.REPLACE_EXISTING);
        return actual;
      }

      @Override
      public void close() {
        try {
          out.close();
          Files.deleteIfExists(temp);
        } catch (IOException e) {
          // best effort: a leftover temp file in a test directory is harmless
        }
      }
    };
  }

  @Override
  public boolean remove(String blockIdHex) throws IOException {
    return Files.deleteIfExists(dir.resolve(blockIdHex));
  }
}
