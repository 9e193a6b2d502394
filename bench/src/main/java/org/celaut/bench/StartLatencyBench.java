package org.celaut.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.celaut.node.Node;
import org.celaut.node.config.NodeConfig;
import org.celaut.node.runtime.docker.DockerRuntimeConfig;
import org.celaut.sdk.client.NodeClient;
import org.celaut.sdk.client.ServiceHandle;
import org.celaut.sdk.client.ServiceSource;
import org.celaut.sdk.client.StartOptions;
import org.celaut.sdk.pack.PackResult;
import org.celaut.sdk.pack.ServicePacker;

/**
 * Warm start latency: from StartService until the instance's slot answers (TCP + an HTTP status line), against the
 * physical floor measured in the same run: a bare {@code docker run} of the same image until its
 * published port answers the same way. Prints both medians and their ratio.
 *
 * <p>Run from the repository root after {@code ./mvnw -q package -DskipTests}:
 * {@code java -jar bench/target/celaut-bench.jar [runs]}.
 */
public final class StartLatencyBench {

  private static final int SLOT = 8080;

  private StartLatencyBench() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    Path work = Files.createTempDirectory("celaut-bench");
    PackResult packed = pack(work);
    NodeConfig cfg = NodeConfig.defaults().withDataDir(work.resolve("node")).withPort(0)
        .withNetworkName("celaut-bench").withStopInstancesOnShutdown(true);
    List<Long> ours = new ArrayList<>();
    List<Long> bare = new ArrayList<>();
    try (Node node = Node.start(cfg, Clock.systemUTC());
        NodeClient client = NodeClient.connect("127.0.0.1:" + node.port())) {
      // Cold start once: stores the service and builds its image; not measured.
      ServiceHandle cold = client.start(ServiceSource.fromFile(packed.output()), StartOptions.defaults());
      awaitTcp(cold.address(SLOT));
      client.stop(cold.token());
      String image = DockerRuntimeConfig.defaults(node.nodeId()).imageRepository() + ":" + packed.serviceIdHex();

      for (int i = 0; i < runs + 2; i++) {
        // Alternate so drift in the machine's load hits both sides alike; first two are warm-up.
        long t0 = System.nanoTime();
        ServiceHandle h = client.start(ServiceSource.byId(packed.serviceIdHex()), StartOptions.defaults());
        awaitTcp(h.address(SLOT));
        long t1 = System.nanoTime();
        client.stop(h.token());

        long b0 = System.nanoTime();
        String id = docker("run", "-d", "--network", "celaut-bench", "-p", "127.0.0.1::" + SLOT,
            "--entrypoint", "/bin/service", image).trim();
        String port = docker("port", id, SLOT + "/tcp").trim().lines().findFirst().orElseThrow();
        awaitTcp(new InetSocketAddress("127.0.0.1", Integer.parseInt(port.substring(port.lastIndexOf(':') + 1))));
        long b1 = System.nanoTime();
        docker("rm", "-f", id);
        if (i >= 2) {
          ours.add(t1 - t0);
          bare.add(b1 - b0);
        }
      }
      // A benchmark run leaves no image behind: the service goes with the image the node built.
      node.storage().remove(packed.serviceIdHex());
    }
    double oursMs = median(ours) / 1e6;
    double bareMs = median(bare) / 1e6;
    System.out.printf("warm start, StartService until the slot answers (median of %d): %.1f ms%n", runs, oursMs);
    System.out.printf("bare docker run of the same image until its port answers (median of %d): %.1f ms%n", runs, bareMs);
    System.out.printf("ratio ours / bare docker run: %.2f%n", oursMs / bareMs);
  }

  private static PackResult pack(Path work) throws Exception {
    Path src = Path.of("examples/hello-http");
    if (!Files.isDirectory(src)) {
      throw new IllegalStateException("run from the repository root (examples/hello-http not found)");
    }
    Path copy = work.resolve("hello-http");
    try (var walk = Files.walk(src)) {
      for (Path p : walk.toList()) {
        Path to = copy.resolve(src.relativize(p).toString());
        if (p.toString().contains(".service/build")) {
          continue;
        }
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

  /**
   * Waits until the slot really answers. A bare TCP connect is not enough: Docker's port proxy
   * accepts connections on the published port before the service inside listens, so we count
   * the slot as ready once an HTTP request over it gets a status line back.
   */
  private static void awaitTcp(InetSocketAddress a) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(a.getHostString(), a.getPort()), 200);
        s.setSoTimeout(1000);
        s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        byte[] head = s.getInputStream().readNBytes(7);
        if (new String(head, StandardCharsets.US_ASCII).equals("HTTP/1.")) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(1);
    }
    throw new IllegalStateException(a + " never answered");
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
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2.0;
  }
}
