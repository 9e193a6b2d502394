package org.celaut.node.instances;

import java.util.Optional;
import java.util.regex.Pattern;
import org.celaut.proto.celaut.RecursionGuard;

/**
 * The rules of the reference's recursion guard ({@code RecursionGuard} at StartService index 2),
 * as pure functions. The guard names the whole delegation tree (its token) and how many more
 * nodes that tree may enter ({@code remaining_hops}, counting the receiver).
 */
public final class RecursionGuards {

  /** Longest token accepted. */
  public static final int MAX_TOKEN_CHARS = 128;
  /** Hops a tree may still make when its guard does not say (the reference's default). */
  public static final int DEFAULT_MAX_HOPS = 16;
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._:-]{1," + MAX_TOKEN_CHARS + "}");

  private RecursionGuards() {}

  /**
   * A guard that passed.
   *
   * @param token the tree's token
   * @param remainingHops nodes the tree may still enter counting this one (1..max); a delegation
   *     from here would carry {@code remainingHops - 1}
   */
  public record Checked(String token, int remainingHops) {}

  /**
   * Checks a received guard. An all-default guard (empty token, no hops) is as good as none, as
   * it is on the reference's wire (it serializes to nothing and is never delivered).
   *
   * @param maxHops the node's most hops; an absent or larger {@code remaining_hops} becomes this
   * @return empty for a guard that says nothing
   * @throws LaunchRefusedException {@link LaunchRefusedException.Kind#FORBIDDEN}: "Malformed
   *     recursion token …" or "Recursion depth exhausted, recursion token: …"
   */
  public static Optional<Checked> check(RecursionGuard guard, int maxHops) throws LaunchRefusedException {
    if (guard.getToken().isEmpty() && !guard.hasRemainingHops()) {
      return Optional.empty();
    }
    String token = guard.getToken();
    if (!TOKEN.matcher(token).matches()) {
      throw new LaunchRefusedException(LaunchRefusedException.Kind.FORBIDDEN,
          "Malformed recursion token " + quoteClipped(token) + ": a token is 1 to " + MAX_TOKEN_CHARS
              + " characters of A-Z a-z 0-9 . _ : - (this one has " + token.length() + ")");
    }
    long asked = guard.hasRemainingHops() ? Integer.toUnsignedLong(guard.getRemainingHops()) : maxHops;
    if (asked == 0) {
      throw new LaunchRefusedException(LaunchRefusedException.Kind.FORBIDDEN,
          "Recursion depth exhausted, recursion token: " + token);
    }
    return Optional.of(new Checked(token, (int) Math.min(asked, maxHops)));
  }

  /** True if {@code token} could be a guard's token. */
  public static boolean wellFormed(String token) {
    return token != null && TOKEN.matcher(token).matches();
  }

  private static String quoteClipped(String s) {
    StringBuilder b = new StringBuilder("'");
    s.codePoints().limit(40).forEach(cp -> {
      if (cp < 0x20 || cp == 0x7f) {
        b.append(String.format("\\x%02x", cp));
      } else {
        b.appendCodePoint(cp);
      }
    });
    if (s.codePointCount(0, s.length()) > 40) {
      b.append('…');
    }
    return b.append('\'').toString();
  }
}
