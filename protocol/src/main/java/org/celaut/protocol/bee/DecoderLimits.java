package org.celaut.protocol.bee;

/**
 * Size limits a {@link BeeDecoder} enforces; a message over a limit fails with {@link
 * FramingException.Kind#TOO_LARGE} as soon as it crosses it, so no more than the limit is ever
 * buffered.
 *
 * @param maxInMemoryMessageBytes largest parsed or raw (index 0) message, held in memory
 * @param maxSpooledMessageBytes largest spooled message, counted in expanded bytes (segments and
 *     blocks, whether received or already held)
 */
public record DecoderLimits(long maxInMemoryMessageBytes, long maxSpooledMessageBytes) {

  /** Default in-memory limit: 4 MiB, the gRPC default message size both ends already accept. */
  public static final long DEFAULT_MAX_IN_MEMORY_MESSAGE_BYTES = 4L << 20;

  /** Default spooled limit: 8 GiB, room for a large service filesystem. */
  public static final long DEFAULT_MAX_SPOOLED_MESSAGE_BYTES = 8L << 30;

  /** Validates the limits. */
  public DecoderLimits {
    if (maxInMemoryMessageBytes < 0 || maxSpooledMessageBytes < 0) {
      throw new IllegalArgumentException(
          "limits must be >= 0, got " + maxInMemoryMessageBytes + " / " + maxSpooledMessageBytes);
    }
    if (maxInMemoryMessageBytes > Integer.MAX_VALUE - 8) {
      // An in-memory message is one byte array / ByteString, which Java caps near 2 GiB.
      throw new IllegalArgumentException(
          "maxInMemoryMessageBytes " + maxInMemoryMessageBytes + " exceeds what one array holds");
    }
  }

  /** 4 MiB in memory, 8 GiB spooled. */
  public static DecoderLimits defaults() {
    return new DecoderLimits(DEFAULT_MAX_IN_MEMORY_MESSAGE_BYTES, DEFAULT_MAX_SPOOLED_MESSAGE_BYTES);
  }
}
