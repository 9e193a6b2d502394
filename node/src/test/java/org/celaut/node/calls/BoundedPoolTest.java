package org.celaut.node.calls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Reuses idle threads, never runs more than its maximum, queues the rest. */
class BoundedPoolTest {

  @Test
  void neverMoreThreadsThanItsMaximumAndEveryTaskRuns() throws Exception {
    ExecutorService pool = BoundedPool.create("test-bounded", 3, Duration.ofSeconds(30));
    try {
      CountDownLatch release = new CountDownLatch(1);
      Set<String> threads = ConcurrentHashMap.newKeySet();
      List<Future<?>> tasks = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        tasks.add(pool.submit(() -> {
          threads.add(Thread.currentThread().getName());
          release.await();
          return null;
        }));
      }
      release.countDown();
      for (Future<?> t : tasks) {
        t.get(10, TimeUnit.SECONDS);
      }
      assertThat(threads).hasSizeLessThanOrEqualTo(3).allMatch(n -> n.startsWith("test-bounded-"));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anIdleThreadIsReusedBeforeANewOneStarts() throws Exception {
    ExecutorService pool = BoundedPool.create("test-reuse", 8, Duration.ofSeconds(30));
    try {
      Set<String> threads = ConcurrentHashMap.newKeySet();
      LinkedTransferQueue<Runnable> queue = (LinkedTransferQueue<Runnable>) ((ThreadPoolExecutor) pool).getQueue();
      for (int i = 0; i < 20; i++) {
        pool.submit(() -> threads.add(Thread.currentThread().getName())).get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(queue::hasWaitingConsumer); // the thread is idle again
      }
      // One after another, each finds the previous thread waiting for work (a fixed pool of 8
      // would have started all 8).
      assertThat(threads).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
  }
}
