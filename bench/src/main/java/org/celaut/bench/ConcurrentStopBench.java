package org.celaut.bench;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.celaut.node.Node;
import org.celaut.node.config.NodeConfig;
import org.celaut.sdk.client.NodeClient;
import org.celaut.sdk.client.ServiceHandle;
import org.celaut.sdk.client.ServiceSource;
import org.celaut.sdk.client.StartOptions;
import org.celaut.sdk.pack.PackResult;

/**
 * {@code n} concurrent stops through the node against the floor measured in the same run: {@code
 * n} concurrent {@code docker rm -f} of the same kind of containers (same image, network,
 * published port). Each stop is what one {@code celaut stop} does once its JVM runs: its own
 * connection to the node (connected inside the measured time) and one StopService; all from this
 * one process, so {@code n} JVM start-ups do not hide what the node does. Prints the median wall
 * time of each side, from the first request until the last answer, and their ratio.
 */
final class ConcurrentStopBench {

  private ConcurrentStopBench() {}

  static void run(int rounds, int n, Path work, String runId) throws Exception {
    PackResult packed = BenchSupport.packHelloHttp(work);
    // Its own network, removed with the node's leftovers: nobody else can be using it.
    String network = "celaut-bench-stops-" + Long.toHexString(System.nanoTime() & 0xffffffL);
    NodeConfig cfg = NodeConfig.defaults().withDataDir(work.resolve("node")).withPort(0)
        .withNetworkName(network).withStopInstancesOnShutdown(true);
    List<Long> ours = new ArrayList<>();
    List<Long> bare = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(n);
    String nodeId = null;
    try (Node node = Node.start(cfg, Clock.systemUTC());
        NodeClient client = NodeClient.connect("127.0.0.1:" + node.port())) {
      nodeId = node.nodeId();
      // Stores the service and builds its image; not measured. The bare containers use the image
      // this node's own container runs.
      ServiceHandle cold = client.start(ServiceSource.fromFile(packed.output()), StartOptions.defaults());
      String image = BenchSupport.imageOfRunningInstance(node.nodeId());
      client.stop(cold.token());
      String address = "127.0.0.1:" + node.port();
      for (int r = 0; r < rounds + 1; r++) {
        // Alternate so drift in the machine's load hits both sides alike; the first round warms up.
        List<CompletableFuture<ServiceHandle>> starts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          starts.add(client.startAsync(ServiceSource.byId(packed.serviceIdHex()), StartOptions.defaults()));
        }
        List<String> tokens = new ArrayList<>();
        for (CompletableFuture<ServiceHandle> s : starts) {
          tokens.add(s.get(5, TimeUnit.MINUTES).token());
        }
        long t0 = System.nanoTime();
        List<Future<BigInteger>> stops = new ArrayList<>();
        for (String t : tokens) {
          stops.add(pool.submit(() -> {
            try (NodeClient own = NodeClient.connect(address)) {
              return own.stop(t);
            }
          }));
        }
        for (Future<BigInteger> s : stops) {
          s.get(5, TimeUnit.MINUTES);
        }
        long t1 = System.nanoTime();

        List<Future<String>> runs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          runs.add(pool.submit(() -> BenchSupport.docker("run", "-d", "--label", BenchSupport.BENCH_LABEL + "=" + runId,
              "--network", network, "-p", "127.0.0.1::" + BenchSupport.SLOT, "--entrypoint", "/bin/service", image).trim()));
        }
        List<String> ids = new ArrayList<>();
        for (Future<String> f : runs) {
          ids.add(f.get());
        }
        long b0 = System.nanoTime();
        List<Future<String>> removals = new ArrayList<>();
        for (String id : ids) {
          removals.add(pool.submit(() -> BenchSupport.docker("rm", "-f", id)));
        }
        for (Future<String> f : removals) {
          f.get();
        }
        long b1 = System.nanoTime();
        System.out.printf("stops: round %d: %d stops through the node %.0f ms, %d docker rm -f %.0f ms%n",
            r, n, (t1 - t0) / 1e6, n, (b1 - b0) / 1e6);
        if (r > 0) {
          ours.add(t1 - t0);
          bare.add(b1 - b0);
        }
      }
    } finally {
      pool.shutdownNow();
      BenchSupport.removeBenchContainers(runId);
      if (nodeId != null) {
        BenchSupport.removeNodeLeftovers(nodeId, "the stops benchmark's node in this process");
      }
    }
    double oursMs = BenchSupport.median(ours) / 1e6;
    double bareMs = BenchSupport.median(bare) / 1e6;
    System.out.printf("stops: %d concurrent stops through the node, each on its own connection (median of %d)  %.0f ms%n",
        n, rounds, oursMs);
    System.out.printf("stops: floor %d concurrent docker rm -f of the same kind of containers (median of %d)  %.0f ms%n",
        n, rounds, bareMs);
    System.out.printf("stops: ratio node stops / docker rm -f  %.2f%n", oursMs / bareMs);
  }
}
