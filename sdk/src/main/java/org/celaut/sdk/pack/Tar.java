package org.celaut.sdk.pack;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The little of the tar format the packer needs: reading what {@code docker export} writes
 * (ustar, with PAX or GNU long-name records) and writing a build context for {@code docker build
 * -}. Times, owners and names of owners are never written (a context is sent with mtime 0, owner
 * 0), so a context depends only on the files' names, modes and bytes.
 */
final class Tar {

  static final int BLOCK = 512;

  private Tar() {}

  /** Kinds of entries, by tar typeflag. */
  enum Kind {
    FILE,
    HARD_LINK,
    SYMLINK,
    DIRECTORY,
    OTHER
  }

  /** One entry's header, with long names already applied. */
  record Entry(String name, Kind kind, int mode, long size, String linkName) {}

  /** Reads entries one after the other; the caller reads each file's bytes from {@link #data()}. */
  static final class Reader {
    private final InputStream in;
    private long remaining;
    private long padding;
    private final InputStream data =
        new InputStream() {
          @Override
          public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            if (remaining == 0) {
              return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
              throw new EOFException("the tar stream ends inside an entry");
            }
            remaining -= n;
            return n;
          }
        };

    Reader(InputStream in) {
      this.in = in;
    }

    /** The current entry's bytes (only a FILE has any). */
    InputStream data() {
      return data;
    }

    /** The next entry, or null at the end of the archive. */
    Entry next() throws IOException {
      skipRest();
      String longName = null;
      String longLink = null;
      Long paxSize = null;
      while (true) {
        byte[] h = in.readNBytes(BLOCK);
        if (h.length == 0) {
          return null;
        }
        if (h.length < BLOCK) {
          throw new EOFException("the tar stream ends inside a header");
        }
        if (allZero(h)) {
          return null;
        }
        checkChecksum(h);
        char type = (char) h[156];
        long size = number(h, 124, 12);
        if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
          if (size > 1 << 20) {
            throw new IOException("a tar extended header of " + size + " bytes is not plausible");
          }
          byte[] body = in.readNBytes((int) size);
          if (body.length != size) {
            throw new EOFException("the tar stream ends inside an extended header");
          }
          in.skipNBytes(pad(size));
          if (type == 'L') {
            longName = cString(body, 0, body.length);
          } else if (type == 'K') {
            longLink = cString(body, 0, body.length);
          } else if (type == 'x') {
            for (String[] kv : pax(body)) {
              switch (kv[0]) {
                case "path" -> longName = kv[1];
                case "linkpath" -> longLink = kv[1];
                case "size" -> paxSize = Long.parseLong(kv[1]);
                default -> { }
              }
            }
          }
          continue;
        }
        String name = longName;
        if (name == null) {
          name = cString(h, 0, 100);
          boolean ustar = h[257] == 'u' && h[258] == 's' && h[259] == 't' && h[260] == 'a' && h[261] == 'r';
          String prefix = ustar ? cString(h, 345, 155) : "";
          if (!prefix.isEmpty()) {
            name = prefix + "/" + name;
          }
        }
        String link = longLink != null ? longLink : cString(h, 157, 100);
        if (paxSize != null) {
          size = paxSize;
        }
        int mode = (int) (number(h, 100, 8) & 07777);
        Kind kind =
            switch (type) {
              case '0', '\0', '7' -> Kind.FILE;
              case '1' -> Kind.HARD_LINK;
              case '2' -> Kind.SYMLINK;
              case '5' -> Kind.DIRECTORY;
              default -> Kind.OTHER;
            };
        // Only regular files carry data in practice, but honour a size on anything else too.
        remaining = size;
        padding = pad(size);
        return new Entry(name, kind, mode, kind == Kind.FILE ? size : 0, link);
      }
    }

    private void skipRest() throws IOException {
      if (remaining > 0) {
        in.skipNBytes(remaining);
        remaining = 0;
      }
      if (padding > 0) {
        in.skipNBytes(padding);
        padding = 0;
      }
    }
  }

  /** Writes a tar; {@link #finish()} writes the end-of-archive blocks. */
  static final class Writer {
    private final OutputStream out;

    Writer(OutputStream out) {
      this.out = out;
    }

    void directory(String name, int mode) throws IOException {
      header(name.endsWith("/") ? name : name + "/", '5', mode, 0, "");
    }

    void symlink(String name, String target) throws IOException {
      header(name, '2', 0777, 0, target);
    }

    /** A regular file of {@code size} bytes read from {@code content}. */
    void file(String name, int mode, long size, InputStream content) throws IOException {
      header(name, '0', mode, size, "");
      long copied = content.transferTo(new BoundedOutput(out, size));
      if (copied != size) {
        throw new IOException(name + " changed size while being sent (" + copied + " of " + size + " bytes)");
      }
      out.write(new byte[(int) pad(size)]);
    }

    void finish() throws IOException {
      out.write(new byte[2 * BLOCK]);
      out.flush();
    }

    private void header(String name, char type, int mode, long size, String link)
        throws IOException {
      byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
      byte[] linkBytes = link.getBytes(StandardCharsets.UTF_8);
      boolean pax = nameBytes.length > 100 || linkBytes.length > 100 || size > 077777777777L;
      if (pax) {
        StringBuilder records = new StringBuilder();
        if (nameBytes.length > 100) {
          records.append(paxRecord("path", name));
        }
        if (linkBytes.length > 100) {
          records.append(paxRecord("linkpath", link));
        }
        if (size > 077777777777L) {
          records.append(paxRecord("size", Long.toString(size)));
        }
        byte[] body = records.toString().getBytes(StandardCharsets.UTF_8);
        out.write(rawHeader("PaxHeader", 'x', 0644, body.length, new byte[0]));
        out.write(body);
        out.write(new byte[(int) pad(body.length)]);
      }
      byte[] shortName = pax && nameBytes.length > 100 ? Arrays.copyOf(nameBytes, 100) : nameBytes;
      byte[] shortLink = pax && linkBytes.length > 100 ? Arrays.copyOf(linkBytes, 100) : linkBytes;
      out.write(rawHeader(shortName, type, mode, size > 077777777777L ? 0 : size, shortLink));
    }

    private static byte[] rawHeader(String name, char type, int mode, long size, byte[] link) {
      return rawHeader(name.getBytes(StandardCharsets.UTF_8), type, mode, size, link);
    }

    private static byte[] rawHeader(byte[] name, char type, int mode, long size, byte[] link) {
      byte[] h = new byte[BLOCK];
      System.arraycopy(name, 0, h, 0, Math.min(100, name.length));
      octal(h, 100, 8, mode);
      octal(h, 108, 8, 0);
      octal(h, 116, 8, 0);
      octal(h, 124, 12, size);
      octal(h, 136, 12, 0);
      Arrays.fill(h, 148, 156, (byte) ' ');
      h[156] = (byte) type;
      System.arraycopy(link, 0, h, 157, Math.min(100, link.length));
      byte[] magic = "ustar\u000000".getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(magic, 0, h, 257, magic.length);
      long sum = 0;
      for (byte b : h) {
        sum += b & 0xff;
      }
      octal(h, 148, 7, sum);
      h[155] = ' ';
      return h;
    }

    private static String paxRecord(String key, String value) {
      String body = " " + key + "=" + value + "\n";
      int bodyLen = body.getBytes(StandardCharsets.UTF_8).length;
      int len = bodyLen + 1;
      while (Integer.toString(len).length() + bodyLen != len) {
        len = Integer.toString(len).length() + bodyLen;
      }
      return len + body;
    }

    private static void octal(byte[] h, int off, int len, long value) {
      String s = Long.toOctalString(value);
      int digits = len - 1;
      if (s.length() > digits) {
        throw new IllegalArgumentException("value " + value + " does not fit a tar field");
      }
      Arrays.fill(h, off, off + digits, (byte) '0');
      byte[] b = s.getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(b, 0, h, off + digits - b.length, b.length);
      h[off + digits] = 0;
    }
  }

  /** Writes at most {@code limit} bytes through, so a growing file cannot break the archive. */
  private static final class BoundedOutput extends OutputStream {
    private final OutputStream out;
    private long left;

    BoundedOutput(OutputStream out, long limit) {
      this.out = out;
      this.left = limit;
    }

    @Override
    public void write(int b) throws IOException {
      if (left > 0) {
        out.write(b);
        left--;
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      int n = (int) Math.min(len, left);
      if (n > 0) {
        out.write(b, off, n);
        left -= n;
      }
    }
  }

  static long pad(long size) {
    long r = size % BLOCK;
    return r == 0 ? 0 : BLOCK - r;
  }

  private static boolean allZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private static void checkChecksum(byte[] h) throws IOException {
    long stored = number(h, 148, 8);
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xff);
    }
    if (sum != stored) {
      throw new IOException("not a tar stream (bad header checksum)");
    }
  }

  /** An octal field, or GNU base-256 when its first byte has the high bit set. */
  private static long number(byte[] h, int off, int len) throws IOException {
    if ((h[off] & 0x80) != 0) {
      long v = h[off] & 0x7f;
      for (int i = off + 1; i < off + len; i++) {
        v = (v << 8) | (h[i] & 0xff);
      }
      return v;
    }
    int i = off;
    int end = off + len;
    while (i < end && h[i] == ' ') {
      i++;
    }
    long v = 0;
    for (; i < end; i++) {
      int c = h[i];
      if (c == 0 || c == ' ') {
        break;
      }
      if (c < '0' || c > '7') {
        throw new IOException("not a tar stream (bad octal field)");
      }
      v = (v << 3) | (c - '0');
    }
    return v;
  }

  private static String cString(byte[] b, int off, int len) {
    int end = off;
    while (end < off + len && b[end] != 0) {
      end++;
    }
    return new String(b, off, end - off, StandardCharsets.UTF_8);
  }

  private static java.util.List<String[]> pax(byte[] body) throws IOException {
    java.util.List<String[]> out = new java.util.ArrayList<>();
    int pos = 0;
    while (pos < body.length) {
      int space = pos;
      while (space < body.length && body[space] != ' ') {
        space++;
      }
      int len;
      try {
        len = Integer.parseInt(new String(body, pos, space - pos, StandardCharsets.US_ASCII));
      } catch (NumberFormatException e) {
        throw new IOException("malformed PAX header", e);
      }
      if (len <= 0 || pos + len > body.length) {
        throw new IOException("malformed PAX header");
      }
      String rec = new String(body, space + 1, pos + len - space - 2, StandardCharsets.UTF_8);
      int eq = rec.indexOf('=');
      if (eq > 0) {
        out.add(new String[] {rec.substring(0, eq), rec.substring(eq + 1)});
      }
      pos += len;
    }
    return out;
  }
}
