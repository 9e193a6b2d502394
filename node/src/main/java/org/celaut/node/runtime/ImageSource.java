package org.celaut.node.runtime;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Where a service's root filesystem comes from: something that writes it as a tar stream. The
 * node builds it from the {@code Service.container.filesystem} tree (expanding blocks from its
 * block store) without holding the filesystem in memory.
 *
 * @param serviceIdHex the service id; images are cached under it
 * @param rootfsTar writes the root filesystem as an uncompressed tar
 */
public record ImageSource(String serviceIdHex, TarWriter rootfsTar) {

  /** Writes a tar archive of a root filesystem to {@code out} (does not close it). */
  @FunctionalInterface
  public interface TarWriter {
    void writeTo(OutputStream out) throws IOException;
  }
}
