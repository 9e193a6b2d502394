package org.celaut.bench;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.celaut.node.Node;
import org.celaut.node.config.NodeConfig;
import org.celaut.sdk.client.NodeClient;
import org.celaut.sdk.client.ServiceHandle;
import org.celaut.sdk.client.ServiceSource;
import org.celaut.sdk.client.StartOptions;
import org.celaut.sdk.pack.PackResult;

/**
 * Warm start latency: from StartService until the instance's slot answers (TCP + an HTTP status line), against the
 * physical floor measured in the same run: a bare {@code docker run} of the same image until its
 * published port answers the same way. Prints both medians and their ratio. The node runs in this
 * process (the figure is the node's own work, not a client's start-up).
 *
 * <p>Run from the repository root after {@code ./mvnw -q package -DskipTests}:
 * {@code java -jar bench/target/celaut-bench.jar start [runs]}.
 */
public final class StartLatencyBench {

  private static final int SLOT = BenchSupport.SLOT;
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

  private StartLatencyBench() {}

  public static void main(String[] args) throws Exception {
    Bench.main(new String[] {"start", args.length > 0 ? args[0] : "15"});
  }

  /** {@code runs} measured starts on each side, after two warm-ups; {@code work} is the scratch directory. */
  static void run(int runs, Path work) throws Exception {
    PackResult packed = BenchSupport.packHelloHttp(work);
    String network = "celaut-bench-start-" + Long.toHexString(System.nanoTime() & 0xffffffL);
    NodeConfig cfg = NodeConfig.defaults().withDataDir(work.resolve("node")).withPort(0)
        .withNetworkName(network).withStopInstancesOnShutdown(true);
    List<Long> ours = new ArrayList<>();
    List<Long> bare = new ArrayList<>();
    String nodeId = null;
    try (Node node = Node.start(cfg, Clock.systemUTC());
        NodeClient client = NodeClient.connect("127.0.0.1:" + node.port())) {
      nodeId = node.nodeId();
      // Cold start once: stores the service and builds its image; not measured.
      ServiceHandle cold = client.start(ServiceSource.fromFile(packed.output()), StartOptions.defaults());
      BenchSupport.awaitHttp(cold.address(SLOT), ANSWER_TIMEOUT);
      String image = BenchSupport.imageOfRunningInstance(node.nodeId());
      client.stop(cold.token());

      for (int i = 0; i < runs + 2; i++) {
        // Alternate so drift in the machine's load hits both sides alike; first two are warm-up.
        long t0 = System.nanoTime();
        ServiceHandle h = client.start(ServiceSource.byId(packed.serviceIdHex()), StartOptions.defaults());
        BenchSupport.awaitHttp(h.address(SLOT), ANSWER_TIMEOUT);
        long t1 = System.nanoTime();
        client.stop(h.token());

        long b0 = System.nanoTime();
        String id = BenchSupport.docker("run", "-d", "--network", network, "-p", "127.0.0.1::" + SLOT,
            "--entrypoint", "/bin/service", image).trim();
        String port = BenchSupport.docker("port", id, SLOT + "/tcp").trim().lines().findFirst().orElseThrow();
        BenchSupport.awaitHttp(new InetSocketAddress("127.0.0.1",
            Integer.parseInt(port.substring(port.lastIndexOf(':') + 1))), ANSWER_TIMEOUT);
        long b1 = System.nanoTime();
        BenchSupport.docker("rm", "-f", id);
        if (i >= 2) {
          ours.add(t1 - t0);
          bare.add(b1 - b0);
        }
      }
    } finally {
      if (nodeId != null) {
        BenchSupport.removeNodeLeftovers(nodeId, "the start benchmark's node in this process");
      }
    }
    double oursMs = BenchSupport.median(ours) / 1e6;
    double bareMs = BenchSupport.median(bare) / 1e6;
    System.out.printf("start: warm start, StartService until the slot answers (median of %d): %.1f ms%n", runs, oursMs);
    System.out.printf("start: bare docker run of the same image until its port answers (median of %d): %.1f ms%n", runs, bareMs);
    System.out.printf("start: ratio ours / bare docker run: %.2f%n", oursMs / bareMs);
  }
}
