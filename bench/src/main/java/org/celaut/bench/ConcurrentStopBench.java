package org.celaut.bench;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.celaut.node.Node;
import org.celaut.node.config.NodeConfig;
import org.celaut.protocol.FileTrees;
import org.celaut.sdk.client.NodeClient;
import org.celaut.sdk.client.ServiceHandle;
import org.celaut.sdk.client.ServiceSource;
import org.celaut.sdk.client.StartOptions;
import org.celaut.sdk.pack.PackResult;
import org.celaut.sdk.pack.ServicePacker;

/**
 * Fifty concurrent stops through the node against the floor measured in the same run: fifty
 * concurrent {@code docker rm -f} of the same kind of containers (same image, network, published
 * port). Each stop is what one {@code celaut stop} does once its JVM runs: its own connection to
 * the node (connected inside the measured time) and one StopService; all from this one process,
 * so fifty JVM start-ups do not hide what the node does. Prints the median wall time of each
 * side, from the first request until the last answer, and their ratio.
 *
 * <p>Run from the repository root after {@code ./mvnw -q package -DskipTests}:
 * {@code java -cp bench/target/celaut-bench.jar org.celaut.bench.ConcurrentStopBench [rounds] [n]}.
 */
public final class ConcurrentStopBench {

  private static final int SLOT = 8080;

  private ConcurrentStopBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    Path work = Files.createTempDirectory("celaut-bench-stops");
    // Its own network, removed at the end: nobody else can be using it.
    String network = "celaut-bench-stops-" + Long.toHexString(new java.security.SecureRandom().nextLong());
    PackResult packed = pack(work);
    NodeConfig cfg = NodeConfig.defaults().withDataDir(work.resolve("node")).withPort(0)
        .withNetworkName(network).withStopInstancesOnShutdown(true);
    List<Long> ours = new ArrayList<>();
    List<Long> bare = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try (Node node = Node.start(cfg, Clock.systemUTC());
        NodeClient client = NodeClient.connect("127.0.0.1:" + node.port())) {
      // Stores the service and builds its image; not measured. The bare containers use the image
      // this node's own container runs.
      ServiceHandle cold = client.start(ServiceSource.fromFile(packed.output()), StartOptions.defaults());
      String image = docker("inspect", "--format", "{{.Config.Image}}",
          client.listInstances(false).get(0).getContainerId()).trim();
      client.stop(cold.token());
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
        String address = "127.0.0.1:" + node.port();
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
          runs.add(pool.submit(() -> docker("run", "-d", "--network", network, "-p", "127.0.0.1::" + SLOT,
              "--entrypoint", "/bin/service", image).trim()));
        }
        List<String> ids = new ArrayList<>();
        for (Future<String> f : runs) {
          ids.add(f.get());
        }
        long b0 = System.nanoTime();
        List<Future<String>> removals = new ArrayList<>();
        for (String id : ids) {
          removals.add(pool.submit(() -> docker("rm", "-f", id)));
        }
        for (Future<String> f : removals) {
          f.get();
        }
        long b1 = System.nanoTime();
        System.out.printf("round %d: %d stops through the node %.0f ms, %d docker rm -f %.0f ms%n",
            r, n, (t1 - t0) / 1e6, n, (b1 - b0) / 1e6);
        if (r > 0) {
          ours.add(t1 - t0);
          bare.add(b1 - b0);
        }
      }
    } finally {
      pool.shutdownNow();
      FileTrees.deleteQuietly(work);
      try {
        docker("network", "rm", network);
      } catch (IOException e) {
        System.err.println("could not remove network " + network + ": " + e.getMessage());
      }
    }
    double oursMs = median(ours) / 1e6;
    double bareMs = median(bare) / 1e6;
    System.out.printf("%d concurrent stops through the node, each on its own connection (median of %d): %.0f ms%n",
        n, rounds, oursMs);
    System.out.printf("%d concurrent docker rm -f of the same kind of containers (median of %d): %.0f ms%n",
        n, rounds, bareMs);
    System.out.printf("ratio node stops / docker rm -f: %.2f%n", oursMs / bareMs);
  }

  private static PackResult pack(Path work) throws Exception {
    Path src = Path.of("examples/hello-http");
    if (!Files.isDirectory(src)) {
      throw new IllegalStateException("run from the repository root (examples/hello-http not found)");
    }
    Path copy = work.resolve("hello-http");
    try (var walk = Files.walk(src)) {
      for (Path p : walk.toList()) {
        if (p.toString().contains(".service/build")) {
          continue;
        }
        Path to = copy.resolve(src.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    Files.copy(Path.of("/bin/busybox"), copy.resolve("rootfs/bin/busybox"), StandardCopyOption.REPLACE_EXISTING);
    return new ServicePacker().pack(copy, work.resolve("hello-http.service"));
  }

  private static String docker(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add("docker");
    Collections.addAll(cmd, args);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + out);
    }
    return out;
  }

  private static double median(List<Long> xs) {
    List<Long> s = new ArrayList<>(xs);
    Collections.sort(s);
    int k = s.size();
    return k % 2 == 1 ? s.get(k / 2) : (s.get(k / 2 - 1) + s.get(k / 2)) / 2.0;
  }
}
