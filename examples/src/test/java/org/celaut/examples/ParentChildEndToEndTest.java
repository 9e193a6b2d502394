package org.celaut.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import org.celaut.node.Node;
import org.celaut.node.runtime.OwnedContainer;
import org.celaut.node.runtime.docker.DockerRuntime;
import org.celaut.node.runtime.docker.DockerRuntimeConfig;
import org.celaut.proto.admin.InstanceInfo;
import org.celaut.proto.admin.ServiceInfo;
import org.celaut.sdk.client.NodeClient;
import org.celaut.sdk.client.ServiceHandle;
import org.celaut.sdk.client.ServiceSource;
import org.celaut.sdk.client.StartOptions;
import org.celaut.sdk.pack.PackResult;
import org.celaut.testkit.TestNodes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service that uses another service, end to end on real Docker: the parent (Java, the service
 * SDK, a jlinked JVM in a registry-free image) declares its child (hello-http) in {@code
 * pack_config.json}, so the child is packed with it, embedded at {@code /__services__/<id>} and
 * named in {@code /.dependencies}. Only the parent is started, without {@code CHILD_SERVICE}, on a
 * node that has never seen the child; on {@code GET /combined} the parent starts the child
 * through the node it runs on (uploading the embedded file), asks the child over the node
 * network, stops it and answers {@code parent+<greeting>}. That proves client → node → parent →
 * node → child → parent → client. Then a child left running by {@code GET /spawn} must go when
 * the parent is stopped.
 */
class ParentChildEndToEndTest {

  @RegisterExtension static final TestNodes nodes = new TestNodes();

  @TempDir static Path work;

  /** Built once per run (the jlinked runtime is cached in examples/parent-child/target/). */
  private static ParentChildImage.Image parent;
  private static String childId;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeAll
  static void buildImages() throws Exception {
    Path module = TestNode.projectDir().resolve("examples/parent-child");
    parent = ParentChildImage.build(module, work.resolve("parent-child"), module.resolve("target/image-cache"),
        work.resolve("parent-child.service"));
    System.out.printf("parent-child image: %.1f MiB service (jar %.1f, java %.1f, libraries %.1f MiB), built in %d ms%n",
        parent.packed().sizeBytes() / 1048576.0, parent.jarBytes() / 1048576.0,
        parent.runtimeBytes() / 1048576.0, parent.librariesBytes() / 1048576.0, parent.took().toMillis());
    childId = parent.packed().dependencies().get(ParentChildImage.CHILD_DEPENDENCY);
    // The embedded child is hello-http as it packs on its own.
    PackResult alone = TestNode.packHelloHttp(Files.createDirectories(work.resolve("alone")));
    assertThat(childId).isEqualTo(alone.serviceIdHex());
  }

  private HttpResponse<String> get(InetSocketAddress a, String path, Duration timeout) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://" + a.getHostString() + ":" + a.getPort() + path))
        .timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
  }

  private boolean answers(InetSocketAddress a) {
    try {
      return get(a, "/", Duration.ofSeconds(2)).statusCode() == 200;
    } catch (Exception e) {
      return false;
    }
  }

  private static List<OwnedContainer> containersOf(DockerRuntime docker, String nodeId, String serviceId)
      throws Exception {
    List<OwnedContainer> out = new ArrayList<>();
    for (OwnedContainer c : docker.listOwned(nodeId)) {
      if (c.serviceIdHex().equals(serviceId)) {
        out.add(c);
      }
    }
    return out;
  }

  @Test
  void theParentUsesItsChildThroughItsNodeAndTheChildGoesWithTheParent() throws Exception {
    String parentId = parent.packed().serviceIdHex();
    try (Node node = nodes.start(TestNode.config(work.resolve("node")));
        NodeClient client = NodeClient.connect("127.0.0.1:" + node.port());
        DockerRuntime docker = DockerRuntime.connect(DockerRuntimeConfig.defaults("e2e-observer"))) {
      assertThat(client.listServices()).as("the node has never seen the child").extracting(ServiceInfo::getId)
          .doesNotContain(childId);

      // No CHILD_SERVICE: the parent finds its child in /.dependencies.
      ServiceHandle p = client.start(ServiceSource.fromFile(parent.packed().output()), StartOptions.builder()
          .env("CHILD_GREETING", "hi from the child")
          .build());
      assertThat(p.serviceIdHex()).isEqualTo(parentId);
      InetSocketAddress outside = p.address(8080);
      assertThat(outside.getHostString()).isEqualTo("127.0.0.1");
      String parentContainer = client.listInstances(false).stream()
          .filter(i -> i.getServiceId().equals(parentId)).findFirst().orElseThrow().getContainerId();
      try {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> answers(outside));
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        throw new AssertionError("the parent never answered; its output:\n" + docker.logs(parentContainer, 50), e);
      }

      HttpResponse<String> combined = get(outside, "/combined", Duration.ofSeconds(90));
      assertThat(combined.statusCode()).as("GET /combined: %s\nparent output:\n%s", combined.body(),
          docker.logs(parentContainer, 50)).isEqualTo(200);
      assertThat(combined.body()).isEqualTo("parent+hi from the child\n");
      assertThat(client.listServices()).as("the parent uploaded the child it ships in /__services__")
          .extracting(ServiceInfo::getId).contains(childId);
      assertThat(containersOf(docker, node.nodeId(), childId)).as("the parent stopped the child it used").isEmpty();
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
          assertThat(docker.logs(parentContainer, 20)).as("the parent reached the child on the node network")
              .containsPattern("event=combined child_address=(?!127\\.)\\d+\\.\\d+\\.\\d+\\.\\d+:8080"));

      // A child the parent leaves running...
      HttpResponse<String> spawn = get(outside, "/spawn", Duration.ofSeconds(90));
      assertThat(spawn.statusCode()).as("GET /spawn: %s", spawn.body()).isEqualTo(200);
      List<InstanceInfo> running = client.listInstances(false).stream()
          .filter(i -> i.getServiceId().equals(childId)).toList();
      assertThat(running).hasSize(1);
      assertThat(containersOf(docker, node.nodeId(), childId)).singleElement()
          .satisfies(c -> assertThat(c.running()).isTrue());

      assertThat(client.stop(p.token())).isZero();
      assertThat(docker.inspect(parentContainer)).isEmpty();

      // ...goes when the parent is stopped: the node stops an instance's children with it.
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
        assertThat(containersOf(docker, node.nodeId(), childId))
            .as("containers of the child still there after its parent was stopped"
                + " (the node must stop an instance's children when the instance stops)")
            .isEmpty();
        assertThat(client.listInstances(false)).as("instances still running").isEmpty();
      });
    }
  }

  @Test
  void theRuntimeHasEveryModuleTheParentJarNeeds() throws Exception {
    ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc = jdeps.run(new PrintWriter(out), new PrintWriter(err), "--print-module-deps", "--ignore-missing-deps",
        "--multi-release", "17", parent.rootfs().resolve(ParentChildImage.JAR).toString());
    assertThat(rc).as("jdeps: %s", err).isZero();
    Set<String> needed = new TreeSet<>(List.of(out.toString().strip().split(",")));
    needed.removeAll(MinimalJavaRuntime.PARENT_OPTIONAL_MODULES);
    assertThat(MinimalJavaRuntime.PARENT_MODULES).containsAll(needed);

    // The image runs from nothing but what it carries: no shell or library beyond those copied in.
    Path rootfs = parent.rootfs();
    assertThat(rootfs.resolve("bin/service")).content().startsWith("#!/bin/busybox sh\n").contains("-jar /app/parent.jar");
    assertThat(rootfs.resolve("lib64/ld-linux-x86-64.so.2")).isRegularFile();
    assertThat(Files.isExecutable(rootfs.resolve("opt/java/bin/java"))).isTrue();
    assertThat(parent.packed().sizeBytes()).as("service size").isLessThan(100L << 20);
  }
}
