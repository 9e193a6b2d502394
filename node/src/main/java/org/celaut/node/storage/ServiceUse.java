package org.celaut.node.storage;

import java.io.InterruptedIOException;

/**
 * The seam through which a StartService tells the garbage collector what it is using: while its
 * lease is open no block is removed, and no service it pinned is removed (a pin waits for a removal
 * of that service already under way, so the call then finds it gone and asks for its body).
 */
public interface ServiceUse {

  /** Opens a lease for one call; close it when the call ends. */
  Lease begin() throws InterruptedIOException;

  /** What one call uses. */
  interface Lease extends AutoCloseable {

    /** Marks a service as in use until {@link #close()}; pin before looking it up. */
    void pin(String serviceIdHex) throws InterruptedIOException;

    /** Ends the lease; the pinned services count as used now. Never throws. */
    @Override
    void close();
  }

  /** For nodes (and tests) without garbage collection. */
  ServiceUse NONE = () -> new Lease() {
    @Override
    public void pin(String serviceIdHex) {}

    @Override
    public void close() {}
  };
}
