package org.celaut.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.celaut.sdk.client.NodeClient;
import org.celaut.sdk.client.ServiceHandle;
import org.celaut.sdk.client.ServiceSource;
import org.celaut.sdk.client.StartOptions;
import org.celaut.sdk.pack.PackResult;

/**
 * What a user does to use a service once, timed end to end, against doing the same with Docker
 * alone, in the same run, alternating:
 *
 * <ul>
 *   <li>ours: {@code bin/celaut start FILE --json} (a new process; the node already holds the
 *       service, as after the first start), one HTTP GET of the published address, {@code
 *       bin/celaut stop TOKEN};
 *   <li>floor: {@code docker run -d -p 127.0.0.1:PORT:8080} of the image the node built for the
 *       same service, the same GET, {@code docker rm -f}. The port is one the benchmark found
 *       free, so Docker needs no {@code docker port} call to tell where it is: the strictest
 *       floor.
 * </ul>
 *
 * <p>The GET is retried until it gets an HTTP status line, alike on both sides (Docker's port
 * proxy accepts connections before the service listens). Goal: ours at most 1.3 × the floor.
 */
final class FlowBench {

  static final double GOAL_RATIO = 1.3;
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);

  private FlowBench() {}

  static void run(int runs, Path work, String runId) throws Exception {
    Path repo = BenchSupport.repository();
    System.out.println("flow: the CLI's class-data-sharing archive is " + BenchSupport.cliArchiveState());
    String celaut = repo.resolve("bin/celaut").toString();
    ObjectMapper json = new ObjectMapper();
    PackResult packed = BenchSupport.packHelloHttp(work);
    String file = packed.output().toString();
    List<Long> ours = new ArrayList<>();
    List<Long> floor = new ArrayList<>();
    List<Long> oursCpu = new ArrayList<>();
    List<Long> floorCpu = new ArrayList<>();
    try (NodeProcess node = NodeProcess.start(work, runId)) {
      // Cold start once: the node stores the service and builds its image; not measured.
      String image;
      try (NodeClient client = NodeClient.connect(node.address())) {
        ServiceHandle cold = client.start(ServiceSource.fromFile(packed.output()), StartOptions.defaults());
        image = BenchSupport.imageOfRunningInstance(node.nodeId());
        client.stop(cold.token());
      }
      for (int i = 0; i < runs + 2; i++) {
        long[] a = new long[2];
        startStop(celaut, file, node, json, repo, a);
        long[] b = dockerFlow(image, runId, repo);
        if (i >= 2) {
          ours.add(a[0]);
          oursCpu.add(a[1]);
          floor.add(b[0]);
          floorCpu.add(b[1]);
        }
      }
    } finally {
      BenchSupport.removeBenchContainers(runId);
    }
    double o = BenchSupport.millis(BenchSupport.median(ours));
    double f = BenchSupport.millis(BenchSupport.median(floor));
    System.out.printf("flow: celaut start FILE --json + GET + celaut stop (median of %d)  wall %.0f ms  cli cpu %.0f ms%n",
        runs, o, BenchSupport.millis(BenchSupport.median(oursCpu)));
    System.out.printf("flow: floor docker run -d -p + GET + docker rm -f, same image (median of %d)  wall %.0f ms  cli cpu %.0f ms%n",
        runs, f, BenchSupport.millis(BenchSupport.median(floorCpu)));
    System.out.printf("flow: ratio ours / docker  %.2f   goal <= %.1f: %s%n", o / f, GOAL_RATIO,
        o / f <= GOAL_RATIO ? "met" : "NOT met");
  }

  /** One start-GET-stop through bin/celaut; {@code out} gets {wall, cpu of both commands}. */
  private static void startStop(String celaut, String file, NodeProcess node, ObjectMapper json, Path repo,
      long[] out) throws Exception {
    long t0 = System.nanoTime();
    BenchSupport.Timed start = BenchSupport.timed(List.of(celaut, "start", file, "--json", "--node", node.address()), repo);
    if (start.exitCode() != 0) {
      throw new IllegalStateException("celaut start failed (" + start.exitCode() + "): " + start.err());
    }
    JsonNode doc = json.readTree(start.out());
    String token = doc.get("token").asText();
    String published = doc.get("slots").get(0).get("addresses").get(0).asText();
    int colon = published.lastIndexOf(':');
    BenchSupport.awaitHttp(new InetSocketAddress(published.substring(0, colon),
        Integer.parseInt(published.substring(colon + 1))), ANSWER_TIMEOUT);
    BenchSupport.Timed stop = BenchSupport.timed(List.of(celaut, "stop", token, "--node", node.address()), repo);
    if (stop.exitCode() != 0) {
      throw new IllegalStateException("celaut stop failed (" + stop.exitCode() + "): " + stop.err());
    }
    out[0] = System.nanoTime() - t0;
    out[1] = start.cpuNanos() + stop.cpuNanos();
  }

  /** One run-GET-remove with the docker command; {wall, cpu of both commands}. */
  private static long[] dockerFlow(String image, String runId, Path repo) throws Exception {
    long t0 = System.nanoTime();
    BenchSupport.Published run = BenchSupport.dockerRunPublished(image, runId);
    BenchSupport.awaitHttp(new InetSocketAddress("127.0.0.1", run.port()), ANSWER_TIMEOUT);
    BenchSupport.Timed rm = BenchSupport.timed(List.of("docker", "rm", "-f", run.containerId()), repo);
    if (rm.exitCode() != 0) {
      throw new IllegalStateException("docker rm -f failed: " + rm.err());
    }
    return new long[] {System.nanoTime() - t0, run.run().cpuNanos() + rm.cpuNanos()};
  }
}
