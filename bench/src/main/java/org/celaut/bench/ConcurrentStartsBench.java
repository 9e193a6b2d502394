package org.celaut.bench;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.celaut.sdk.client.NodeClient;
import org.celaut.sdk.client.ResourcesExhaustedException;
import org.celaut.sdk.client.ServiceHandle;
import org.celaut.sdk.client.ServiceSource;
import org.celaut.sdk.client.StartOptions;
import org.celaut.sdk.pack.PackResult;

/**
 * {@code n} starts at once through the SDK (one process, one {@link NodeClient}, {@code n}
 * threads released together) against {@code n} {@code docker run -d -p} of the same image at once
 * (n threads, one process each), in the same run, alternating batches. A batch counts from the
 * release until the last instance answers an HTTP GET (the same check on both sides), so it is the
 * rate at which usable instances appear: starts per second = n / that time. Then every instance is
 * stopped (not timed).
 *
 * <p>If the node refuses a start because it bounds concurrent calls (RESOURCE_EXHAUSTED), the
 * thread retries it after 20 ms, as a client should; the retries are counted and printed.
 */
final class ConcurrentStartsBench {

  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(120);

  private ConcurrentStartsBench() {}

  static void run(int n, int batches, Path work, String runId) throws Exception {
    PackResult packed = BenchSupport.packHelloHttp(work);
    List<Long> ours = new ArrayList<>();
    List<Long> floor = new ArrayList<>();
    AtomicInteger retries = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try (NodeProcess node = NodeProcess.start(work, runId);
        NodeClient client = NodeClient.connect(node.address())) {
      // Cold start once: the node stores the service and builds its image; not measured.
      ServiceHandle cold = client.start(ServiceSource.fromFile(packed.output()), StartOptions.defaults());
      String image = BenchSupport.imageOfRunningInstance(node.nodeId());
      client.stop(cold.token());
      ServiceSource byId = ServiceSource.byId(packed.serviceIdHex());
      for (int b = 0; b < batches + 1; b++) {
        // The first batch of each side warms up; then alternate sides batch by batch.
        long o = sdkBatch(n, pool, client, byId, retries);
        long f = dockerBatch(n, pool, image, runId);
        if (b >= 1) {
          ours.add(o);
          floor.add(f);
        }
      }
    } finally {
      pool.shutdownNow();
      BenchSupport.removeBenchContainers(runId);
    }
    double o = BenchSupport.median(ours) / 1e9;
    double f = BenchSupport.median(floor) / 1e9;
    System.out.printf("concurrent: %d starts through the SDK until all answer (median of %d batches)  %.2f s  = %.1f starts/s"
        + "  (%d retries after RESOURCE_EXHAUSTED)%n", n, batches, o, n / o, retries.get());
    System.out.printf("concurrent: floor %d x docker run -d -p, same image, until all answer (median of %d)  %.2f s  = %.1f starts/s%n",
        n, batches, f, n / f);
    System.out.printf("concurrent: ratio docker starts/s / ours  %.2f%n", (n / f) / (n / o));
  }

  private static long sdkBatch(int n, ExecutorService pool, NodeClient client, ServiceSource source,
      AtomicInteger retries) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<Future<ServiceHandle>> started = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      started.add(pool.submit(() -> {
        go.await();
        ServiceHandle h;
        while (true) {
          try {
            h = client.start(source, StartOptions.defaults());
            break;
          } catch (ResourcesExhaustedException busy) {
            retries.incrementAndGet();
            Thread.sleep(20);
          }
        }
        BenchSupport.awaitHttp(h.address(BenchSupport.SLOT), ANSWER_TIMEOUT);
        return h;
      }));
    }
    long t0 = System.nanoTime();
    go.countDown();
    List<ServiceHandle> handles = new ArrayList<>();
    Exception failed = null;
    for (Future<ServiceHandle> f : started) {
      try {
        handles.add(f.get());
      } catch (Exception e) {
        failed = failed == null ? e : failed;
      }
    }
    long elapsed = System.nanoTime() - t0;
    List<Callable<Object>> stops = new ArrayList<>();
    for (ServiceHandle h : handles) {
      stops.add(() -> client.stop(h.token()));
    }
    pool.invokeAll(stops);
    if (failed != null) {
      throw new IllegalStateException("a start through the SDK failed: " + failed.getMessage(), failed);
    }
    return elapsed;
  }

  private static long dockerBatch(int n, ExecutorService pool, String image, String runId) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<Future<String>> started = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      started.add(pool.submit(() -> {
        go.await();
        BenchSupport.Published run = BenchSupport.dockerRunPublished(image, runId);
        BenchSupport.awaitHttp(new InetSocketAddress("127.0.0.1", run.port()), ANSWER_TIMEOUT);
        return run.containerId();
      }));
    }
    long t0 = System.nanoTime();
    go.countDown();
    Exception failed = null;
    for (Future<String> f : started) {
      try {
        f.get();
      } catch (Exception e) {
        failed = failed == null ? e : failed;
      }
    }
    long elapsed = System.nanoTime() - t0;
    BenchSupport.removeBenchContainers(runId);
    if (failed != null) {
      throw new IllegalStateException("a docker run failed: " + failed.getMessage(), failed);
    }
    return elapsed;
  }
}
