package org.celaut.sdk.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs blocking SDK calls on an executor and reports them as {@link CompletableFuture}s. Internal:
 * the public surface is the {@code …Async} methods of the client and service packages.
 */
public final class Async {

  private Async() {}

  /** A blocking call that may throw a checked exception. */
  @FunctionalInterface
  public interface Call<T> {
    /** Does the call. */
    T call() throws Exception;
  }

  /**
   * Runs {@code call} on {@code executor}. The future completes with its result, or exceptionally
   * with exactly what it threw (so {@code join()} wraps it in a {@code CompletionException} and
   * {@code get()} in an {@code ExecutionException}, as usual).
   */
  public static <T> CompletableFuture<T> run(Executor executor, Call<T> call) {
    CompletableFuture<T> f = new CompletableFuture<>();
    try {
      executor.execute(() -> {
        if (f.isDone()) {
          return; // cancelled before it ran
        }
        try {
          f.complete(call.call());
        } catch (Throwable t) {
          f.completeExceptionally(t);
        }
      });
    } catch (RejectedExecutionException e) {
      f.completeExceptionally(new IllegalStateException("the client is closed (its executor refused the call)", e));
    }
    return f;
  }

  /**
   * An executor for a client that was given none: a growing pool of daemon threads (calls block
   * on the network, so a fixed pool could stall), idle threads dropped after a minute.
   */
  public static ExecutorService ownedExecutor(String namePrefix) {
    AtomicInteger n = new AtomicInteger();
    ThreadFactory tf = r -> {
      Thread t = new Thread(r, namePrefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    return Executors.newCachedThreadPool(tf);
  }
}
