package org.celaut.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

class HashesTest {

  @Test
  void anAlgorithmIsNamedByItsDigestOfTheEmptyInput() throws Exception {
    assertThat(Hashes.sha3(new byte[0])).isEqualTo(Hashes.SHA3_256_TYPE.toByteArray());
    assertThat(MessageDigest.getInstance("SHA-256").digest(new byte[0]))
        .isEqualTo(Hashes.SHA_256_TYPE.toByteArray());
  }

  @Test
  void sha3MatchesAKnownAnswer() {
    // FIPS 202 test vector: SHA3-256("abc").
    assertThat(Hashes.toHex(Hashes.sha3("abc".getBytes())))
        .isEqualTo("3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532");
  }

  @Test
  void recognisesServiceIds() {
    String id = Hashes.toHex(Hashes.sha3(new byte[] {1}));
    assertThat(Hashes.isSha3Hex(id)).isTrue();
    assertThat(Hashes.isSha3Hex(id.toUpperCase())).isTrue();
    assertThat(Hashes.isSha3Hex(id.substring(1))).isFalse();
    assertThat(Hashes.isSha3Hex(id.substring(1) + "g")).isFalse();
    assertThat(Hashes.isSha3Hex(null)).isFalse();
  }

  @Test
  void badHexIsRefusedNamingTheInput() {
    assertThatThrownBy(() -> Hashes.hex("xyz")).hasMessageContaining("'xyz'");
  }

  @Test
  void aSha3HashNamesItsType() {
    byte[] id = Hashes.sha3(new byte[] {2});
    var h = Hashes.sha3Hash(id);
    assertThat(h.getType()).isEqualTo(Hashes.SHA3_256_TYPE);
    assertThat(h.getValue().toByteArray()).isEqualTo(id);
  }
}
