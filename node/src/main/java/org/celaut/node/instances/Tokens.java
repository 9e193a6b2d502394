package org.celaut.node.instances;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Instance tokens and ids. A token is the only credential for an instance (stop, metrics,
 * tunnel), so it is 256 bits from {@link SecureRandom}; the database keeps only its SHA-256.
 * An id is public (labels, listings) and only needs to be unique.
 */
public final class Tokens {

  /** Bytes of randomness in a token (hex doubles it). */
  public static final int TOKEN_BYTES = 32;
  /** Bytes of randomness in an instance id. */
  public static final int ID_BYTES = 8;

  private final SecureRandom random;

  public Tokens(SecureRandom random) {
    this.random = random;
  }

  /** A new secret token: 64 hex characters. */
  public String newToken() {
    return hex(TOKEN_BYTES);
  }

  /** A new public instance id: 16 hex characters. */
  public String newInstanceId() {
    return hex(ID_BYTES);
  }

  /** True if {@code s} has the shape of {@link #newInstanceId()}: 16 lower-case hex characters. */
  public static boolean isInstanceId(String s) {
    return s != null && s.matches("[0-9a-f]{" + 2 * ID_BYTES + "}");
  }

  /** The hex SHA-256 of a token, as stored and looked up. */
  public static String digest(String token) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private String hex(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
