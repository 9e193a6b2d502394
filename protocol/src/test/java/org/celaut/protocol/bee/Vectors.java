package org.celaut.protocol.bee;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.celaut.proto.buffer.Buffer;
import org.celaut.protocol.Hashes;
import org.celaut.protocol.blocks.BlockStore;

/**
 * Access to the golden vectors (the repository's {@code testdata/golden-vectors}, copied from the
 * reference captures with their provenance note) and small decode/encode helpers.
 */
final class Vectors {

  static final String T3 = "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a";
  static final String TK = "46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762f";
  static final String CID = "0123456789abcdef0123456789abcdef";

  private Vectors() {}

  static Path dir() {
    return Path.of(System.getProperty("celaut.project.dir", "..")).resolve("testdata/golden-vectors");
  }

  /** The Buffers of a .hex vector, one per line. */
  static List<Buffer> frames(String name) {
    List<Buffer> out = new ArrayList<>();
    for (ByteString line : lines(name)) {
      try {
        out.add(Buffer.parseFrom(line));
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException(name + " holds a line that is not a Buffer", e);
      }
    }
    return out;
  }

  /** The raw bytes of each line of a .hex vector. */
  static List<ByteString> lines(String name) {
    try {
      List<ByteString> out = new ArrayList<>();
      for (String line : Files.readAllLines(dir().resolve(name), StandardCharsets.US_ASCII)) {
        if (!line.isBlank()) {
          out.add(Hashes.hex(line.trim()));
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ByteString hex(String hex) {
    return Hashes.hex(hex);
  }

  static List<ByteString> serialized(List<Buffer> frames) {
    return frames.stream().map(Buffer::toByteString).toList();
  }

  /** Decodes a whole stream with default limits, calling finish() at the end. */
  static List<BeeEvent> decode(IndexMap map, List<Buffer> frames, Path spool, BlockStore store)
      throws FramingException {
    return decode(map, DecoderLimits.defaults(), frames, spool, store);
  }

  static List<BeeEvent> decode(
      IndexMap map, DecoderLimits limits, List<Buffer> frames, Path spool, BlockStore store)
      throws FramingException {
    List<BeeEvent> events = new ArrayList<>();
    try (BeeDecoder d = new BeeDecoder(map, limits, spool, store)) {
      for (Buffer b : frames) {
        events.addAll(d.accept(b));
      }
      d.finish();
    }
    return events;
  }

  /** Runs an encoder that writes to a sink and collects its frames. */
  static List<Buffer> collect(SinkWriter w) throws IOException, InterruptedException {
    List<Buffer> out = new ArrayList<>();
    w.write(out::add);
    return out;
  }

  @FunctionalInterface
  interface SinkWriter {
    void write(BufferSink sink) throws IOException, InterruptedException;
  }

  static byte[] expanded(SpooledMessage m, BlockStore store) throws IOException {
    try (var in = m.openExpanded(store)) {
      return in.readAllBytes();
    }
  }

  static byte[] wbp(SpooledMessage m, BlockStore store) throws IOException {
    var out = new java.io.ByteArrayOutputStream();
    m.writeWithBlockPointers(out, store);
    return out.toByteArray();
  }

  static long fileCount(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (var s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).count();
    }
  }
}
