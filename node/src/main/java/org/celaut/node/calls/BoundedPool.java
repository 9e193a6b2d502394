package org.celaut.node.calls;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A thread pool that reuses an idle thread when there is one, starts a new one otherwise, never
 * runs more than {@code maxThreads}, and queues what comes beyond. A plain {@link
 * ThreadPoolExecutor} does one or the other: a cached pool grows without bound (1,000 stalled
 * calls made 1,000 threads), a fixed one starts all its threads before reusing any.
 */
public final class BoundedPool {

  private BoundedPool() {}

  /** A pool of at most {@code maxThreads} daemon threads named {@code prefix-N}. */
  public static ExecutorService create(String prefix, int maxThreads, Duration keepAlive) {
    HandOffFirst queue = new HandOffFirst();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(0, maxThreads, keepAlive.toMillis(),
        TimeUnit.MILLISECONDS, queue, named(prefix), (task, executor) -> {
          if (executor.isShutdown()) {
            throw new RejectedExecutionException("the pool " + prefix + " is shut down");
          }
          queue.enqueue(task); // every thread is busy: the next free one takes it
        });
    return pool;
  }

  /**
   * The executor offers a task here first: taken only by a thread already waiting for work, else
   * refused, so that the executor starts a new thread (up to its maximum) instead of queueing.
   */
  private static final class HandOffFirst extends LinkedTransferQueue<Runnable> {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean offer(Runnable task) {
      return tryTransfer(task);
    }

    void enqueue(Runnable task) {
      super.put(task);
    }
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
