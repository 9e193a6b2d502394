package org.celaut.node.store;

/** The node's database failed; the message names the file and what went wrong. */
public final class StoreException extends Exception {
  private static final long serialVersionUID = 1L;

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
