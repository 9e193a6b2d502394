package org.celaut.protocol;

import com.google.protobuf.ByteString;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.celaut.proto.celaut.Metadata;

/**
 * Hash algorithms as Celaut names them.
 *
 * <p>A hash <em>type</em> id is the digest of the empty input under that algorithm, so an
 * algorithm names itself. Service ids and block ids are SHA3-256; the node also computes
 * SHAKE-256 (32-byte output) for {@code Metadata.hashtag.hash}, as the reference does.
 */
public final class Hashes {

  // Declared first: the constants below are built with it during class initialization.
  private static final HexFormat HEX = HexFormat.of();

  /** SHA3-256 of the empty input: the type id of service and block ids. */
  public static final ByteString SHA3_256_TYPE =
      hex("a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a");

  /** SHAKE-256 (32-byte output) of the empty input. */
  public static final ByteString SHAKE_256_TYPE =
      hex("46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762f");

  /** SHA-256 of the empty input. */
  public static final ByteString SHA_256_TYPE =
      hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

  /** Length in bytes of a SHA3-256 digest. */
  public static final int SHA3_256_BYTES = 32;

  private Hashes() {}

  /** A fresh SHA3-256 digest (the JDK has it; no extra provider needed). */
  public static MessageDigest newSha3() {
    try {
      return MessageDigest.getInstance("SHA3-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM lacks SHA3-256, which Java 9+ always has", e);
    }
  }

  /** SHA3-256 of {@code bytes}. */
  public static byte[] sha3(byte[] bytes) {
    return newSha3().digest(bytes);
  }

  /** Lower-case hex of {@code bytes}. */
  public static String toHex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }

  /** Lower-case hex of {@code bytes}. */
  public static String toHex(ByteString bytes) {
    return HEX.formatHex(bytes.toByteArray());
  }

  /** Bytes of a hex string; throws {@link IllegalArgumentException} naming the bad input. */
  public static ByteString hex(String hex) {
    try {
      return ByteString.copyFrom(HEX.parseHex(hex));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a hex string: '" + hex + "'", e);
    }
  }

  /** True if {@code s} is 64 lower- or upper-case hex characters (a SHA3-256 id). */
  public static boolean isSha3Hex(String s) {
    if (s == null || s.length() != 2 * SHA3_256_BYTES) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (Character.digit(s.charAt(i), 16) < 0) {
        return false;
      }
    }
    return true;
  }

  /** The {@code Metadata.HashTag.Hash} naming a SHA3-256 id. */
  public static Metadata.HashTag.Hash sha3Hash(byte[] id) {
    return Metadata.HashTag.Hash.newBuilder()
        .setType(SHA3_256_TYPE)
        .setValue(ByteString.copyFrom(id))
        .build();
  }
}
