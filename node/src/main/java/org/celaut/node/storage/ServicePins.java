package org.celaut.node.storage;

import java.io.InterruptedIOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Which services calls are using right now, and the claims by which the collector removes
 * something without racing them. A service can be pinned or being removed, never both: {@link
 * #claim} fails for a pinned service, and {@link Lease#pin} waits for a claimed one. Blocks are
 * removed only under {@link #lockBlocks}, which succeeds only with no call in flight and holds new
 * calls back until {@link #unlockBlocks}.
 */
final class ServicePins implements ServiceUse {

  private final Map<String, Integer> pinned = new HashMap<>();
  private final Set<String> claimed = new HashSet<>();
  private final Consumer<Set<String>> onLeaseClosed;
  private int leases;
  private boolean blocksLocked;

  /** @param onLeaseClosed told the services a closed lease had pinned (possibly none) */
  ServicePins(Consumer<Set<String>> onLeaseClosed) {
    this.onLeaseClosed = onLeaseClosed;
  }

  @Override
  public Lease begin() throws InterruptedIOException {
    synchronized (this) {
      while (blocksLocked) {
        await("block removal");
      }
      leases++;
    }
    return new PinLease();
  }

  /** The services pinned now. */
  synchronized Set<String> pinned() {
    return Set.copyOf(pinned.keySet());
  }

  /** True while a lease is open. */
  synchronized boolean anyInFlight() {
    return leases > 0;
  }

  /** Claims a service for removal; false if a call has it pinned (or it is claimed already). */
  synchronized boolean claim(String serviceId) {
    if (pinned.containsKey(serviceId) || claimed.contains(serviceId)) {
      return false;
    }
    claimed.add(serviceId);
    return true;
  }

  /** Ends a claim: calls waiting to pin it go on. */
  synchronized void release(String serviceId) {
    claimed.remove(serviceId);
    notifyAll();
  }

  /** Stops new calls from starting if none is in flight; false (and nothing held) otherwise. */
  synchronized boolean lockBlocks() {
    if (leases > 0 || blocksLocked) {
      return false;
    }
    blocksLocked = true;
    return true;
  }

  /** Lets calls start again. */
  synchronized void unlockBlocks() {
    blocksLocked = false;
    notifyAll();
  }

  private void await(String what) throws InterruptedIOException {
    try {
      wait();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for a " + what + " to finish");
    }
  }

  private final class PinLease implements Lease {
    private final Set<String> mine = new HashSet<>();
    private boolean closed;

    @Override
    public void pin(String serviceIdHex) throws InterruptedIOException {
      String id = serviceIdHex.toLowerCase(java.util.Locale.ROOT);
      synchronized (ServicePins.this) {
        if (closed || mine.contains(id)) {
          return;
        }
        while (claimed.contains(id)) {
          await("removal of service " + id);
        }
        mine.add(id);
        pinned.merge(id, 1, Integer::sum);
      }
    }

    @Override
    public void close() {
      Set<String> used;
      synchronized (ServicePins.this) {
        if (closed) {
          return;
        }
        closed = true;
        for (String id : mine) {
          pinned.computeIfPresent(id, (k, n) -> n == 1 ? null : n - 1);
        }
        leases--;
        used = Set.copyOf(mine);
        ServicePins.this.notifyAll();
      }
      onLeaseClosed.accept(used);
    }
  }
}
