package org.celaut.protocol.bee;

import io.grpc.stub.CallStreamObserver;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * gRPC flow control for a sender that may block: wait until the stream can take another Buffer,
 * or until the call is over. Both ends of a Gateway call (the node answering, a client uploading
 * a service) send large messages this way instead of letting gRPC buffer them without bound.
 */
public final class ReadyGate {

  private final Object lock = new Object();

  /** Wakes waiters: call it from the stream's on-ready handler and whenever the call ends. */
  public void wake() {
    synchronized (lock) {
      lock.notifyAll();
    }
  }

  /**
   * Waits until {@code stream} is ready or {@code over} is true. The periodic re-check guards
   * against a wake-up lost between the test and the wait.
   */
  public void await(CallStreamObserver<?> stream, BooleanSupplier over) throws InterruptedException {
    synchronized (lock) {
      while (!stream.isReady() && !over.getAsBoolean()) {
        lock.wait(200);
      }
    }
  }

  /**
   * As {@link #await(CallStreamObserver, BooleanSupplier)}, giving up after {@code timeout}:
   * returns false if the stream is still not ready and not over then (its peer reads nothing).
   */
  public boolean await(CallStreamObserver<?> stream, BooleanSupplier over, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (!stream.isReady() && !over.getAsBoolean()) {
        long leftMillis = (deadline - System.nanoTime()) / 1_000_000;
        if (leftMillis <= 0) {
          return false;
        }
        lock.wait(Math.min(200, leftMillis));
      }
      return true;
    }
  }
}
