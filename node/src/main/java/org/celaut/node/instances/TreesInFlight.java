package org.celaut.node.instances;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The trees this node is answering a StartService for right now, by recursion token. A second
 * request for a tree it is still answering can only be that tree coming back to this node
 * through other nodes — a loop — and is refused, as the reference does. A token is held from
 * {@link #enter} until the lease closes (when the call ends).
 */
public final class TreesInFlight {

  private final Set<String> tokens = ConcurrentHashMap.newKeySet();

  /** Held while the call that took it is answered; closing it twice is harmless. */
  @FunctionalInterface
  public interface Lease extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Takes {@code token} for the calling request, atomically.
   *
   * @throws LaunchRefusedException {@link LaunchRefusedException.Kind#FORBIDDEN} "Block recursion
   *     loop, recursion token: …" if another request holds it
   */
  public Lease enter(String token) throws LaunchRefusedException {
    if (!tokens.add(token)) {
      throw new LaunchRefusedException(LaunchRefusedException.Kind.FORBIDDEN,
          "Block recursion loop, recursion token: " + token
              + " (this node is already answering a start for that tree)");
    }
    java.util.concurrent.atomic.AtomicBoolean open = new java.util.concurrent.atomic.AtomicBoolean(true);
    return () -> {
      if (open.compareAndSet(true, false)) {
        tokens.remove(token);
      }
    };
  }

  /** True while some request holds {@code token}. */
  public boolean holds(String token) {
    return tokens.contains(token);
  }
}
