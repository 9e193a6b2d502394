package org.celaut.protocol.bee;

/**
 * The received frames break the bee-rpc framing rules; the call should be failed (the Python
 * reference aborts the whole call in the same situations). The message says what was wrong and,
 * where it helps, what the sender must do differently. The decoder has already deleted the spool
 * files and discarded the partial blocks of the message in progress.
 */
public final class FramingException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What kind of violation; stable, so callers can map it to a gRPC status. */
  public enum Kind {
    /** A head index that the call's map does not declare (the peer speaks another call version). */
    UNKNOWN_INDEX,
    /** The stream (or a {@code .bee} file) ended inside a message. */
    TRUNCATED,
    /** A message crossed a {@link DecoderLimits} limit. */
    TOO_LARGE,
    /** Frames or message bytes that cannot be what a conforming sender emits. */
    MALFORMED,
    /** A block's bytes do not hash to the id its markers announced. */
    BLOCK_MISMATCH,
    /** Local storage failed (spool directory or block store); the peer is not at fault. */
    IO
  }

  private final Kind kind;

  /** A violation of the given kind. */
  public FramingException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  /** A violation of the given kind, caused by {@code cause}. */
  public FramingException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  /** What kind of violation this is. */
  public Kind kind() {
    return kind;
  }

  @Override
  public String getMessage() {
    return kind + ": " + super.getMessage();
  }
}
