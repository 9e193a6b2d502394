package org.celaut.node.runtime;

import java.io.IOException;

/**
 * A service's filesystem tree cannot become an image as declared: a bad entry name, a bad
 * attribute, a truncated or garbled message. The service is at fault, not the node; other {@link
 * IOException}s from {@link FilesystemTar} (a block that cannot be read, a full disk) are the
 * node's.
 */
public final class MalformedFilesystemException extends IOException {
  private static final long serialVersionUID = 1L;

  public MalformedFilesystemException(String message) {
    super(message);
  }

  public MalformedFilesystemException(String message, Throwable cause) {
    super(message, cause);
  }
}
