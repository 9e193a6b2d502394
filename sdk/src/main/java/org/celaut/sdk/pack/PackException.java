package org.celaut.sdk.pack;

/**
 * A project could not be packed because of its input: a missing or malformed {@code
 * service.json}, a field with a bad value, or a root filesystem entry that cannot go into a
 * service.
 *
 * <p>The message always starts with what is at fault, as {@code <file>: <field path>: <problem>}
 * (for example {@code service.json: api[0].port: must be 1..65535, got 0}) or {@code rootfs:
 * <path in the image>: <problem>}, so a person can fix the input without reading code. When this
 * is thrown nothing has been written: no output file and no temporary file.
 */
public final class PackException extends Exception {

  private static final long serialVersionUID = 1L;

  /** An input problem described by {@code message}. */
  public PackException(String message) {
    super(message);
  }

  /** An input problem described by {@code message}, found through {@code cause}. */
  public PackException(String message, Throwable cause) {
    super(message, cause);
  }
}
