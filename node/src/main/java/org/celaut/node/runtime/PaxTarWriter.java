package org.celaut.node.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a POSIX (ustar + pax) tar stream, one entry at a time, straight to an output stream.
 *
 * <p>Written here rather than taken from commons-compress because image builds must be
 * byte-for-byte deterministic: commons-compress stamps the JVM's {@code user.name} into the
 * extended headers it adds for long names. This writer puts nothing in an archive that the caller
 * did not pass: user and group names are empty, and the modification time is whatever the caller
 * gives (the node always gives 0).
 *
 * <p>Names longer than the 100 bytes of the ustar field, non-ASCII names, sizes of 8 GiB and more
 * and ids that do not fit in the octal fields go into a pax extended header ({@code x}) in front of
 * the entry, as POSIX.1-2001 says; every tar reader in use (Go's, GNU tar, bsdtar) reads them.
 *
 * <p>Not thread-safe. {@link #finish()} writes the end-of-archive marker; the writer never closes
 * the underlying stream.
 */
public final class PaxTarWriter {
  private static final int BLOCK_BYTES = 512;
  private static final int NAME_FIELD_BYTES = 100;
  private static final long MAX_OCTAL_SIZE = 077777777777L; // 11 octal digits
  private static final long MAX_OCTAL_ID = 07777777L; // 7 octal digits
  private static final int COPY_BUFFER_BYTES = 64 * 1024;

  private final OutputStream out;
  private final byte[] copyBuffer = new byte[COPY_BUFFER_BYTES];
  private long paxHeaderCount;
  private boolean finished;

  /** Writes to {@code out}, which the caller keeps and closes. */
  public PaxTarWriter(OutputStream out) {
    this.out = out;
  }

  /**
   * Adds a directory.
   *
   * @param path relative path without a leading or trailing slash, e.g. {@code usr/bin}
   */
  public void directory(String path, int mode, long uid, long gid, long mtimeSeconds)
      throws IOException {
    writeHeader(path + "/", (byte) '5', "", 0, mode, uid, gid, mtimeSeconds);
  }

  /** Adds a symbolic link at {@code path} pointing to {@code target} (mode is always 0777). */
  public void symlink(String path, String target, long uid, long gid, long mtimeSeconds)
      throws IOException {
    writeHeader(path, (byte) '2', target, 0, 0777, uid, gid, mtimeSeconds);
  }

  /**
   * Adds a regular file whose content is the next {@code sizeBytes} bytes of {@code content}
   * (copied in chunks; the stream is not closed). Fails if the stream ends early, since a short
   * entry would shift every later header and corrupt the archive.
   */
  public void file(
      String path,
      long sizeBytes,
      int mode,
      long uid,
      long gid,
      long mtimeSeconds,
      InputStream content)
      throws IOException {
    writeHeader(path, (byte) '0', "", sizeBytes, mode, uid, gid, mtimeSeconds);
    long remaining = sizeBytes;
    while (remaining > 0) {
      int read = content.read(copyBuffer, 0, (int) Math.min(copyBuffer.length, remaining));
      if (read < 0) {
        throw new IOException(
            "content of "
                + path
                + " ended after "
                + (sizeBytes - remaining)
                + " of "
                + sizeBytes
                + " bytes");
      }
      out.write(copyBuffer, 0, read);
      remaining -= read;
    }
    pad(sizeBytes);
  }

  /** Adds a regular file held in memory. */
  public void file(String path, byte[] content, int mode, long uid, long gid, long mtimeSeconds)
      throws IOException {
    writeHeader(path, (byte) '0', "", content.length, mode, uid, gid, mtimeSeconds);
    out.write(content);
    pad(content.length);
  }

  /** Writes the end-of-archive marker (two zero blocks) and flushes. Does not close the stream. */
  public void finish() throws IOException {
    if (!finished) {
      out.write(new byte[2 * BLOCK_BYTES]);
      out.flush();
      finished = true;
    }
  }

  private void writeHeader(
      String name,
      byte type,
      String linkName,
      long sizeBytes,
      int mode,
      long uid,
      long gid,
      long mtimeSeconds)
      throws IOException {
    if (finished) {
      throw new IllegalStateException("archive already finished");
    }
    if (sizeBytes < 0 || uid < 0 || gid < 0 || mtimeSeconds < 0 || mode < 0 || mode > 07777) {
      throw new IllegalArgumentException("bad tar header values for " + name);
    }
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    byte[] linkBytes = linkName.getBytes(StandardCharsets.UTF_8);
    Map<String, String> pax = new TreeMap<>(); // sorted: the same entry always gives the same bytes
    if (needsPax(name, nameBytes)) {
      pax.put("path", name);
    }
    if (needsPax(linkName, linkBytes)) {
      pax.put("linkpath", linkName);
    }
    if (sizeBytes > MAX_OCTAL_SIZE) {
      pax.put("size", Long.toString(sizeBytes));
    }
    if (uid > MAX_OCTAL_ID) {
      pax.put("uid", Long.toString(uid));
    }
    if (gid > MAX_OCTAL_ID) {
      pax.put("gid", Long.toString(gid));
    }
    if (mtimeSeconds > MAX_OCTAL_SIZE) {
      pax.put("mtime", Long.toString(mtimeSeconds));
    }
    if (!pax.isEmpty()) {
      writePaxHeader(pax);
    }
    byte[] header = new byte[BLOCK_BYTES];
    // When pax carries the real value the ustar field holds a harmless ASCII stand-in.
    putBytes(header, 0, NAME_FIELD_BYTES, pax.containsKey("path") ? asciiStandIn(name) : nameBytes);
    putOctal(header, 100, 8, mode);
    putOctal(header, 108, 8, Math.min(uid, MAX_OCTAL_ID));
    putOctal(header, 116, 8, Math.min(gid, MAX_OCTAL_ID));
    putOctal(header, 124, 12, sizeBytes > MAX_OCTAL_SIZE ? 0 : sizeBytes);
    putOctal(header, 136, 12, Math.min(mtimeSeconds, MAX_OCTAL_SIZE));
    header[156] = type;
    putBytes(
        header,
        157,
        NAME_FIELD_BYTES,
        pax.containsKey("linkpath") ? asciiStandIn(linkName) : linkBytes);
    putBytes(header, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
    putBytes(header, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
    putOctal(header, 329, 8, 0); // devmajor
    putOctal(header, 337, 8, 0); // devminor
    putChecksum(header);
    out.write(header);
  }

  private void writePaxHeader(Map<String, String> records) throws IOException {
    StringBuilder body = new StringBuilder();
    for (Map.Entry<String, String> record : records.entrySet()) {
      body.append(paxRecord(record.getKey(), record.getValue()));
    }
    byte[] bodyBytes = body.toString().getBytes(StandardCharsets.UTF_8);
    // The extended header's own name is never extracted; a counter keeps it unique and stable.
    String name = "PaxHeaders/" + (paxHeaderCount++);
    byte[] header = new byte[BLOCK_BYTES];
    putBytes(header, 0, NAME_FIELD_BYTES, name.getBytes(StandardCharsets.US_ASCII));
    putOctal(header, 100, 8, 0644);
    putOctal(header, 108, 8, 0);
    putOctal(header, 116, 8, 0);
    putOctal(header, 124, 12, bodyBytes.length);
    putOctal(header, 136, 12, 0);
    header[156] = 'x';
    putBytes(header, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
    putBytes(header, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
    putOctal(header, 329, 8, 0);
    putOctal(header, 337, 8, 0);
    putChecksum(header);
    out.write(header);
    out.write(bodyBytes);
    pad(bodyBytes.length);
  }

  /** One pax record, {@code "<length> <key>=<value>\n"}, whose length counts its own digits. */
  static String paxRecord(String key, String value) {
    int rest = (" " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8).length;
    int length = rest + Integer.toString(rest).length();
    if (Integer.toString(length).length() + rest != length) {
      length++; // adding the digits carried into one more digit
    }
    return length + " " + key + "=" + value + "\n";
  }

  private static boolean needsPax(String text, byte[] utf8) {
    if (utf8.length > NAME_FIELD_BYTES) {
      return true;
    }
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 0x80) {
        return true;
      }
    }
    return false;
  }

  private static byte[] asciiStandIn(String text) {
    StringBuilder ascii = new StringBuilder();
    for (int i = 0; i < text.length() && ascii.length() < NAME_FIELD_BYTES - 1; i++) {
      char c = text.charAt(i);
      ascii.append(c < 0x80 && c != 0 ? c : '_');
    }
    return ascii.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private void pad(long writtenBytes) throws IOException {
    int partial = (int) (writtenBytes % BLOCK_BYTES);
    if (partial != 0) {
      out.write(new byte[BLOCK_BYTES - partial]);
    }
  }

  private static void putBytes(byte[] header, int offset, int fieldBytes, byte[] value) {
    if (value.length > fieldBytes) {
      throw new IllegalArgumentException("tar header field overflow");
    }
    System.arraycopy(value, 0, header, offset, value.length);
  }

  /** Zero-padded octal digits filling the field but its last byte, which is NUL. */
  private static void putOctal(byte[] header, int offset, int fieldBytes, long value) {
    String digits = Long.toOctalString(value);
    int width = fieldBytes - 1;
    if (digits.length() > width) {
      throw new IllegalArgumentException("value " + value + " does not fit a tar header field");
    }
    String padded = "0".repeat(width - digits.length()) + digits;
    putBytes(header, offset, fieldBytes, (padded + "\0").getBytes(StandardCharsets.US_ASCII));
  }

  private static void putChecksum(byte[] header) {
    for (int i = 148; i < 156; i++) {
      header[i] = ' ';
    }
    long sum = 0;
    for (byte b : header) {
      sum += b & 0xff;
    }
    String digits = Long.toOctalString(sum);
    String field = "0".repeat(6 - digits.length()) + digits + "\0 ";
    putBytes(header, 148, 8, field.getBytes(StandardCharsets.US_ASCII));
  }
}
