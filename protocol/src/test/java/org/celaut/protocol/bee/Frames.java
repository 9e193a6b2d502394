package org.celaut.protocol.bee;

import com.google.protobuf.ByteString;
import java.util.List;
import org.celaut.proto.buffer.Buffer;
import org.celaut.protocol.Hashes;

/** Hand-built frames for tests that need shapes our encoder never produces. */
final class Frames {
  private Frames() {}

  static Buffer head(int index) {
    return Buffer.newBuilder().setHead(Buffer.Head.newBuilder().setIndex(index)).build();
  }

  static Buffer chunk(ByteString bytes) {
    return Buffer.newBuilder().setChunk(bytes).build();
  }

  static Buffer chunk(String utf8) {
    return chunk(ByteString.copyFromUtf8(utf8));
  }

  static Buffer separator() {
    return Buffer.newBuilder().setSeparator(true).build();
  }

  static Buffer marker(String id, Long... positions) {
    return Buffer.newBuilder().setBlock(BlockMarkers.marker(id, List.of(positions))).build();
  }

  static String idOf(ByteString bytes) {
    return Hashes.toHex(Hashes.sha3(bytes.toByteArray()));
  }
}
