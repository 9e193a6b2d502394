package org.celaut.protocol.bee;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.Locale;
import org.celaut.proto.buffer.Buffer;
import org.celaut.protocol.Hashes;

/** Block markers and pointers (FRAMING.md §1.5): how a block is named on the wire and at rest. */
final class BlockMarkers {

  /** Size of the typed pointer {@code 0a44 0a20 <SHA3 type> 1220 <id>}. */
  static final int TYPED_POINTER_BYTES = 70;

  private BlockMarkers() {}

  /** The marker (start and end are identical) naming {@code idHex} with its enclosing offsets. */
  static Buffer.Block marker(String idHex, List<Long> previousLengthsPositions) {
    return Buffer.Block.newBuilder()
        .addHashes(sha3Hash(idHex))
        .addAllPreviousLengthsPosition(previousLengthsPositions)
        .build();
  }

  /** {@code Block{hashes [{SHA3 type, id}]}}, the body of a skip request and of a pointer. */
  static Buffer.Block pointer(String idHex) {
    return Buffer.Block.newBuilder().addHashes(sha3Hash(idHex)).build();
  }

  /** The 70 serialized bytes that stand for a block inside a stored message. */
  static byte[] typedPointer(String idHex) {
    byte[] bytes = pointer(idHex).toByteArray();
    if (bytes.length != TYPED_POINTER_BYTES) {
      throw new IllegalStateException("typed pointer is " + bytes.length + " bytes, expected 70");
    }
    return bytes;
  }

  /**
   * The lower-case hex SHA3-256 id a marker names, or null if it carries no SHA3-256 typed hash
   * with a 32-byte value (the reference would not recognise such a marker either).
   */
  static String sha3Id(Buffer.Block block) {
    for (Buffer.Block.Hash h : block.getHashesList()) {
      if (h.getType().equals(Hashes.SHA3_256_TYPE)
          && h.getValue().size() == Hashes.SHA3_256_BYTES) {
        return Hashes.toHex(h.getValue());
      }
    }
    return null;
  }

  /** Validates and lower-cases a block id given by a caller. */
  static String checkId(String idHex) {
    if (!Hashes.isSha3Hex(idHex)) {
      throw new IllegalArgumentException(
          "not a block id (64 hex characters of a SHA3-256): '" + idHex + "'");
    }
    return idHex.toLowerCase(Locale.ROOT);
  }

  private static Buffer.Block.Hash sha3Hash(String idHex) {
    ByteString value = Hashes.hex(checkId(idHex));
    return Buffer.Block.Hash.newBuilder().setType(Hashes.SHA3_256_TYPE).setValue(value).build();
  }
}
