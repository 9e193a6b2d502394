package org.celaut.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.celaut.sdk.client.NodeClient;
import org.celaut.sdk.client.ResourcesExhaustedException;
import org.celaut.sdk.client.ServiceHandle;
import org.celaut.sdk.client.ServiceSource;
import org.celaut.sdk.client.StartOptions;
import org.celaut.sdk.pack.PackResult;

/**
 * The node's memory with 0, then {@code counts[0]}, {@code counts[1]}, … instances of hello-http
 * running, and again after they are all stopped: heap committed and the resident set size of the
 * node's JVM as they are (what the node holds from the system), then the heap in use after a full
 * collection (what it keeps). The node is a real process started by {@code bin/celaut node run},
 * so with the JVM options that script gives it; the instances are started the way the CLI starts
 * them (the service file named, uploaded only if the node lacks it), {@value #START_CONCURRENCY}
 * at a time. The floor is the same node idle, measured in the same run; the figure that matters
 * is what each instance adds. Goal: heap committed at most 256 MiB at 200 instances.
 *
 * <p>With {@code --histogram}, also prints the classes holding the most heap at the largest
 * count ({@code jcmd GC.class_histogram}) and, if the node runs with {@code
 * CELAUT_JAVA_OPTS=-XX:NativeMemoryTracking=summary}, its native memory by kind.
 */
final class NodeMemoryBench {

  static final long GOAL_HEAP_BYTES = 256L << 20;
  /** Starts in flight at once while filling the node: enough to be quick, few enough to be polite. */
  private static final int START_CONCURRENCY = 8;

  private NodeMemoryBench() {}

  record Sample(String when, int instances, long heapUsed, long heapCommitted, long rss, long threads) {}

  static void run(List<Integer> counts, boolean histogram, Path work, String runId) throws Exception {
    List<Integer> sorted = new ArrayList<>(counts);
    Collections.sort(sorted);
    PackResult packed = BenchSupport.packHelloHttp(work);
    List<Sample> samples = new ArrayList<>();
    String histo = "";
    ExecutorService pool = Executors.newFixedThreadPool(START_CONCURRENCY);
    try (NodeProcess node = NodeProcess.start(work, runId);
        NodeClient client = NodeClient.connect(node.address())) {
      System.out.println("memory: the node runs as: " + node.commandLine());
      ServiceHandle cold = client.start(ServiceSource.fromFile(packed.output()), StartOptions.defaults());
      client.stop(cold.token());
      ServiceSource source = ServiceSource.fromFile(packed.output());
      List<ServiceHandle> running = new ArrayList<>();
      samples.add(sample(node, "idle, after one start and stop", 0));
      for (int target : sorted) {
        List<Future<ServiceHandle>> starting = new ArrayList<>();
        for (int i = running.size(); i < target; i++) {
          starting.add(pool.submit(() -> startRetrying(client, source)));
        }
        for (Future<ServiceHandle> f : starting) {
          running.add(f.get());
        }
        samples.add(sample(node, "running", running.size()));
        System.out.printf("memory: %d instances running%n", running.size());
      }
      if (histogram) {
        histo = node.jcmd("GC.class_histogram", 27) + node.jcmd("VM.native_memory summary", 60);
      }
      List<Future<?>> stopping = new ArrayList<>();
      for (ServiceHandle h : running) {
        stopping.add(pool.submit(() -> client.stop(h.token())));
      }
      for (Future<?> f : stopping) {
        f.get();
      }
      samples.add(sample(node, "all stopped again", 0));
    } finally {
      pool.shutdownNow();
    }
    Sample idle = samples.get(0);
    System.out.printf("memory: %-32s %9s %17s %14s %10s %8s%n", "node", "instances", "heap used after GC",
        "heap committed", "RSS", "threads");
    for (Sample s : samples) {
      System.out.printf("memory: %-32s %9d %14.1f MiB %11.1f MiB %6.1f MiB %8d%n", s.when(), s.instances(),
          mib(s.heapUsed()), mib(s.heapCommitted()), mib(s.rss()), s.threads());
    }
    Sample top = samples.get(samples.size() - 2);
    if (top.instances() > 0) {
      System.out.printf("memory: per instance above idle: heap used %.1f KiB, RSS %.1f KiB, threads %.2f%n",
          (top.heapUsed() - idle.heapUsed()) / 1024.0 / top.instances(),
          (top.rss() - idle.rss()) / 1024.0 / top.instances(),
          (top.threads() - idle.threads()) / (double) top.instances());
      System.out.printf("memory: ratio at %d instances / idle  heap used %.2f  heap committed %.2f  RSS %.2f%n",
          top.instances(), top.heapUsed() / (double) idle.heapUsed(),
          top.heapCommitted() / (double) idle.heapCommitted(), top.rss() / (double) idle.rss());
      System.out.printf("memory: goal heap committed <= %d MiB at %d instances: %s%n", GOAL_HEAP_BYTES >> 20,
          top.instances(), top.heapCommitted() <= GOAL_HEAP_BYTES ? "met" : "NOT met");
    }
    if (!histo.isEmpty()) {
      System.out.println("memory: at " + top.instances() + " instances, the classes holding the most heap (and native memory, if tracked):");
      histo.lines().forEach(l -> System.out.println("memory:   " + l));
    }
  }

  private static ServiceHandle startRetrying(NodeClient client, ServiceSource source) throws Exception {
    while (true) {
      try {
        return client.start(source, StartOptions.defaults());
      } catch (ResourcesExhaustedException busy) {
        Thread.sleep(20);
      }
    }
  }

  private static Sample sample(NodeProcess node, String when, int instances) throws Exception {
    NodeProcess.Memory m = node.memory();
    return new Sample(when, instances, m.heapUsedAfterGc(), m.heapCommitted(), m.rss(), node.threads());
  }

  private static double mib(long bytes) {
    return bytes / 1024.0 / 1024.0;
  }
}
