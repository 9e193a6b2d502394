package org.celaut.sdk.pack;

import com.google.protobuf.ByteString;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.celaut.proto.celaut.Metadata;

/**
 * SHA3-256 ids and hash type ids for the packer.
 *
 * <p>This mirrors a part of {@code org.celaut.protocol.Hashes} on purpose: that class currently
 * fails its static initialisation (its type-id constants are built before its {@code HEX} field
 * is assigned), so nothing that touches it can run. Switch back to it once it is fixed.
 */
final class Digests {

  private static final HexFormat HEX = HexFormat.of();

  /** SHA3-256 of the empty input: the type id of service ids. */
  static final ByteString SHA3_256_TYPE =
      ByteString.copyFrom(
          HEX.parseHex("a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a"));

  /** SHAKE-256 (32-byte output) of the empty input. */
  static final ByteString SHAKE_256_TYPE =
      ByteString.copyFrom(
          HEX.parseHex("46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762f"));

  private Digests() {}

  static byte[] sha3(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA3-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM lacks SHA3-256, which Java 9+ always has", e);
    }
  }

  static Metadata.HashTag.Hash sha3Hash(byte[] id) {
    return Metadata.HashTag.Hash.newBuilder()
        .setType(SHA3_256_TYPE)
        .setValue(ByteString.copyFrom(id))
        .build();
  }

  static String toHex(ByteString bytes) {
    return HEX.formatHex(bytes.toByteArray());
  }

  static String toHex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }
}
