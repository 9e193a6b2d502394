package org.celaut.node.calls;

/** A call refused by {@link CallAdmission}; the message says which limit and what to do. */
public final class TooManyCallsException extends Exception {
  private static final long serialVersionUID = 1L;

  public TooManyCallsException(String message) {
    super(message);
  }
}
