package org.celaut.protocol.blocks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Content-addressed storage of blocks: large byte ranges of a message (usually a service's
 * filesystem or a big file in it) stored once under the SHA3-256 of their bytes.
 *
 * <p>Ids are 64 lower-case hex characters. Implementations must make a block visible only once
 * it is complete and its hash verified, so a reader never sees half a block.
 */
public interface BlockStore {

  /** True if the block is stored (complete and verified). */
  boolean contains(String blockIdHex);

  /** Size in bytes of a stored block. */
  long size(String blockIdHex) throws IOException;

  /** Reads a stored block; throws {@link java.nio.file.NoSuchFileException} if absent. */
  InputStream open(String blockIdHex) throws IOException;

  /**
   * Starts writing a block whose id is not known yet. Write the bytes, then {@link
   * PendingBlock#commit(String)} with the expected id (verified) or {@link PendingBlock#close()}
   * to discard. Committing a block that is already stored is a no-op that keeps the stored copy.
   */
  PendingBlock begin() throws IOException;

  /** Deletes a block; returns false if it was not there. */
  boolean remove(String blockIdHex) throws IOException;

  /** A block being written: an output stream that hashes what passes through it. */
  interface PendingBlock extends AutoCloseable {

    /** Where to write the block's bytes. */
    OutputStream output();

    /** SHA3-256 hex of the bytes written so far; ends writing. */
    String idSoFar();

    /**
     * Makes the block visible under its id. If {@code expectedIdHex} is not null and differs from
     * the hash of the written bytes, nothing is stored and {@link BlockHashMismatchException} is
     * thrown. Returns the id.
     */
    String commit(String expectedIdHex) throws IOException;

    /** Discards the bytes unless committed. Never throws. */
    @Override
    void close();
  }
}
