package org.celaut.protocol.bee;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.celaut.proto.buffer.Buffer;
import org.celaut.proto.celaut.Metadata;
import org.celaut.proto.celaut.Service;
import org.celaut.protocol.blocks.BlockStore;

/**
 * {@code .bee} / {@code .celaut} export files (FRAMING.md §1.7): the Buffer stream of a service
 * stored as repeated {@code [4-byte big-endian length][serialized Buffer]}, with the map {1:
 * Metadata, 2: Service}. Byte-compatible with the reference's {@code write_to_file} / {@code
 * read_from_file}.
 */
public final class BeeFiles {

  /**
   * Largest frame accepted when reading: the reference writes at most 1 MiB of chunk plus a few
   * bytes per Buffer, so anything far larger is not a .bee file.
   */
  public static final int MAX_FRAME_BYTES = 16 << 20;

  private BeeFiles() {}

  /**
   * The map of a .bee file: 1 Metadata (parsed in memory: it is small), 2 Service (spooled). The
   * reference reads both in save mode; parsing the Metadata gives the same message without a
   * file.
   */
  public static IndexMap indexMap() {
    return IndexMap.builder().message(1, Metadata.parser()).spooled(2, Service.class).build();
  }

  /**
   * Writes a .bee file holding {@code metadata} (index 1) and {@code service} (index 2, Dir form
   * with its block markers, bodies read from {@code blocks}). The file appears atomically: it is
   * written beside its final name and renamed.
   */
  public static void write(Path file, Metadata metadata, SpooledMessage service, BlockStore blocks)
      throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, ".bee-", ".tmp");
    try {
      try (FileOutputStream fos = new FileOutputStream(temp.toFile());
          OutputStream out = new BufferedOutputStream(fos, 1 << 16)) {
        BufferSink sink = sink(out);
        for (Buffer b : BeeEncoder.message(1, metadata)) {
          sink.send(b);
        }
        BeeEncoder.spooled(2, service, blocks, sink, id -> false);
        out.flush();
        fos.getFD().sync();
      } catch (InterruptedException e) {
        // A file sink never waits, but the encoder's signature allows it.
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while writing " + file);
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** A sink that writes each Buffer as {@code [4-byte big-endian length][bytes]} to {@code out}. */
  public static BufferSink sink(OutputStream out) {
    DataOutputStream data = new DataOutputStream(out);
    return b -> {
      data.writeInt(b.getSerializedSize());
      b.writeTo(data);
    };
  }

  /** Reads a .bee file with {@link DecoderLimits#defaults()}; see {@link #read(Path, Path, BlockStore, DecoderLimits)}. */
  public static List<BeeEvent> read(Path file, Path spoolDir, BlockStore blocks)
      throws IOException, FramingException {
    return read(file, spoolDir, blocks, DecoderLimits.defaults());
  }

  /**
   * Reads a .bee file: usually {@code Parsed(1, Metadata)} and {@code Spooled(2, Service)}, the
   * latter's blocks stored in {@code blocks}. The caller owns the spooled messages returned.
   *
   * @throws FramingException if the file is cut short ({@code TRUNCATED}), holds an oversized
   *     frame ({@code TOO_LARGE}) or breaks the framing; nothing is left in {@code spoolDir}
   * @throws IOException if the file cannot be read
   */
  public static List<BeeEvent> read(
      Path file, Path spoolDir, BlockStore blocks, DecoderLimits limits)
      throws IOException, FramingException {
    List<BeeEvent> events = new ArrayList<>();
    boolean ok = false;
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        DataInputStream in = new DataInputStream(raw);
        BeeDecoder decoder = new BeeDecoder(indexMap(), limits, spoolDir, blocks)) {
      long offset = 0;
      while (true) {
        int first = in.read();
        if (first < 0) {
          break;
        }
        int length;
        byte[] bytes;
        try {
          length = (first << 24) | (in.readUnsignedByte() << 16) | in.readUnsignedShort();
          if (length < 0 || length > MAX_FRAME_BYTES) {
            throw new FramingException(
                FramingException.Kind.TOO_LARGE,
                file + " declares a frame of " + Integer.toUnsignedString(length) + " bytes at"
                    + " offset " + offset + " (limit " + MAX_FRAME_BYTES + "); it is not a .bee"
                    + " file or is corrupt");
          }
          bytes = in.readNBytes(length);
          if (bytes.length != length) {
            throw new EOFException();
          }
        } catch (EOFException e) {
          throw new FramingException(
              FramingException.Kind.TRUNCATED,
              file + " ends inside the frame at offset " + offset + "; the file is incomplete",
              e);
        }
        Buffer frame;
        try {
          frame = Buffer.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
          throw new FramingException(
              FramingException.Kind.MALFORMED,
              "the frame at offset " + offset + " of " + file + " is not a buffer.Buffer",
              e);
        }
        events.addAll(decoder.accept(frame));
        offset += 4L + length;
      }
      decoder.finish();
      ok = true;
      return events;
    } finally {
      if (!ok) {
        // The caller never sees these, so nobody else would delete them.
        for (BeeEvent e : events) {
          if (e instanceof BeeEvent.Spooled s) {
            s.message().delete();
          }
        }
      }
    }
  }
}
