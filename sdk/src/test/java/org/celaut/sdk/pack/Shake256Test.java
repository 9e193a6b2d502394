package org.celaut.sdk.pack;

import org.celaut.protocol.Hashes;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** SHAKE-256/32 matches known digests (Python's hashlib.shake_256(...).hexdigest(32)). */
class Shake256Test {

  @Test
  void theEmptyInputHashesToItsOwnTypeIdAsEveryCelautHashTypeDoes() {
    assertThat(Shake256.digest32(new byte[0])).isEqualTo(Shake256.TYPE.toByteArray());
    assertThat(Hashes.toHex(Shake256.TYPE))
        .isEqualTo("46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762f");
    assertThat(Hashes.sha3(new byte[0])).isEqualTo(Hashes.SHA3_256_TYPE.toByteArray());
  }

  @Test
  void knownInputsGiveTheReferenceDigests() {
    assertThat(Hashes.toHex(Shake256.digest32("abc".getBytes(StandardCharsets.US_ASCII))))
        .isEqualTo("483366601360a8771c6863080cc4114d8db44530f8f1e1ee4f94ea37e78b5739");
    byte[] big = new byte[256 * 1000];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) i;
    }
    assertThat(Hashes.toHex(Shake256.digest32(big)))
        .isEqualTo("d2ae1a70ce5f025d0bca61a62e384b8308bc94975c00cb848c288fd2e04b122b");
  }

  @Test
  void theMetadataHashCarriesTypeAndValue() {
    byte[] input = {1, 2, 3};
    var hash = Shake256.hashOf(input);
    assertThat(hash.getType()).isEqualTo(Shake256.TYPE);
    assertThat(hash.getValue().toByteArray()).isEqualTo(Shake256.digest32(input));
  }
}
