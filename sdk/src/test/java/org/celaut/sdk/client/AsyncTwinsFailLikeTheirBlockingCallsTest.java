package org.celaut.sdk.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Every {@code …Async} twin runs its blocking call on the client's executor and fails with the
 * same exception type (here: a node that is not there → {@link NodeUnavailableException}).
 */
class AsyncTwinsFailLikeTheirBlockingCallsTest {

  private static final String ID = "ab".repeat(32);

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static Throwable failure(CompletableFuture<?> f) {
    try {
      f.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError("the future did not fail: " + e, e);
    }
    throw new AssertionError("the future completed");
  }

  @Test
  void twinsRunOnTheGivenExecutorAndFailWithTheBlockingType() throws Exception {
    AtomicInteger ran = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (NodeClient c = NodeClient.connect("127.0.0.1:" + closedPort(), r -> pool.execute(() -> {
      ran.incrementAndGet();
      r.run();
    }))) {
      List<CompletableFuture<?>> twins = List.of(
          c.startAsync(ServiceSource.byId(ID), StartOptions.defaults()),
          c.stopAsync("token"),
          c.metricsAsync("token"),
          c.peerInfoAsync(),
          c.estimateCostAsync(ServiceSource.byId(ID), StartOptions.defaults()),
          c.listInstancesAsync(false),
          c.listServicesAsync(),
          c.stopInstanceByIdAsync("0123456789abcdef"));
      for (CompletableFuture<?> f : twins) {
        assertThat(failure(f)).isInstanceOf(NodeUnavailableException.class);
      }
      assertThat(ran).hasValue(twins.size());
      assertThatThrownBy(() -> c.stop("token")).isInstanceOf(NodeUnavailableException.class);
    } finally {
      pool.shutdownNow();
    }
    assertThat(pool.isShutdown()).isTrue();
  }

  @Test
  void anOwnedExecutorEndsWithTheClient() throws Exception {
    NodeClient c = NodeClient.connect("127.0.0.1:" + closedPort());
    assertThat(failure(c.peerInfoAsync())).isInstanceOf(NodeUnavailableException.class);
    c.close();
    assertThat(failure(c.peerInfoAsync()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void joinWrapsTheTypedFailureAsUsual() throws Exception {
    try (NodeClient c = NodeClient.connect("127.0.0.1:" + closedPort())) {
      assertThatThrownBy(() -> c.metricsAsync("t").join())
          .hasCauseInstanceOf(NodeUnavailableException.class);
    }
  }
}
