package org.celaut.sdk.pack;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One append-only file holding the contents of many image files that have no file of their own
 * on disk (those of an exported Docker image, or an expanded dependency), each referenced by
 * offset and size. Written once while reading a source, then only read.
 */
final class Spill implements AutoCloseable {

  private final Path file;
  private final OutputStream out;
  private long size;

  Spill(Path file) throws IOException {
    this.file = file;
    this.out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
  }

  /** Appends exactly {@code length} bytes of {@code in} and returns where they are. */
  Wire.FileData add(InputStream in, long length, String origin) throws IOException {
    long offset = size;
    byte[] buf = new byte[1 << 16];
    long left = length;
    while (left > 0) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (n < 0) {
        throw new EOFException(origin + ": ends after " + (length - left) + " of " + length + " bytes");
      }
      out.write(buf, 0, n);
      left -= n;
    }
    size += length;
    return new Wire.FileData(file, offset, length, origin, false);
  }

  /** Makes everything appended readable; call before the contents are read. */
  @Override
  public void close() throws IOException {
    out.close();
  }
}
