package org.celaut.sdk.pack;

import org.celaut.protocol.Hashes;
import com.google.protobuf.ByteString;
import org.bouncycastle.crypto.digests.SHAKEDigest;
import org.celaut.proto.celaut.Metadata;

/**
 * SHAKE-256 with a 32-byte output, the second hash the reference puts in {@code
 * Metadata.hashtag.hash} beside the SHA3-256 id.
 *
 * <p>The JDK implements SHAKE-256 only inside its provider and does not offer it through {@code
 * MessageDigest}, so this uses Bouncy Castle's lightweight API (no provider registration, no
 * global state).
 */
public final class Shake256 {

  /** The hash type id: SHAKE-256/32 of the empty input. */
  public static final ByteString TYPE = Hashes.SHAKE_256_TYPE;

  /** Output length the reference uses, in bytes. */
  public static final int OUTPUT_BYTES = 32;

  private Shake256() {}

  /** SHAKE-256 of {@code input} with a {@value #OUTPUT_BYTES}-byte output. */
  public static byte[] digest32(byte[] input) {
    SHAKEDigest shake = new SHAKEDigest(256);
    shake.update(input, 0, input.length);
    byte[] out = new byte[OUTPUT_BYTES];
    shake.doFinal(out, 0, OUTPUT_BYTES);
    return out;
  }

  /** The {@code Metadata.HashTag.Hash} of {@code input}: type SHAKE-256/32, value its digest. */
  public static Metadata.HashTag.Hash hashOf(byte[] input) {
    return Metadata.HashTag.Hash.newBuilder()
        .setType(TYPE)
        .setValue(ByteString.copyFrom(digest32(input)))
        .build();
  }
}
