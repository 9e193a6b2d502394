package org.celaut.protocol.blocks;

import java.io.IOException;

/** The bytes received for a block do not hash to the id they were announced under. */
public final class BlockHashMismatchException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String expectedIdHex;
  private final String actualIdHex;

  public BlockHashMismatchException(String expectedIdHex, String actualIdHex) {
    super(
        "block announced as "
            + expectedIdHex
            + " hashes to "
            + actualIdHex
            + "; the sender's bytes are corrupt or the marker is wrong");
    this.expectedIdHex = expectedIdHex;
    this.actualIdHex = actualIdHex;
  }

  public String expectedIdHex() {
    return expectedIdHex;
  }

  public String actualIdHex() {
    return actualIdHex;
  }
}
