package org.celaut.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.celaut.node.Node;
import org.celaut.proto.celaut.BytesKeyValue;
import org.celaut.proto.celaut.Configuration;
import org.celaut.proto.celaut.ConfigurationFile;
import org.celaut.proto.celaut.Instance;
import org.celaut.proto.celaut.Service;
import org.celaut.proto.celaut.Sysresources;
import org.celaut.sdk.client.CelautException;
import org.celaut.sdk.client.NodeClient;
import org.celaut.sdk.client.NotFoundException;
import org.celaut.sdk.client.ServiceHandle;
import org.celaut.sdk.client.ServiceSource;
import org.celaut.sdk.client.StartOptions;
import org.celaut.sdk.client.UnsupportedByNodeException;
import org.celaut.sdk.pack.PackResult;
import org.celaut.sdk.service.ServiceContext;
import org.celaut.testkit.TestNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service SDK against a real node in this JVM (real Docker): a config file written here the
 * way the node writes it, naming the node's gateway; children started from a file, by id, and
 * by id from a shipped file the node lacks; stopped; the async twins; and the client's calls the
 * node does not serve yet.
 */
class ServiceContextAgainstARealNodeTest {

  @RegisterExtension static final TestNodes nodes = new TestNodes();

  @TempDir static Path work;
  private static PackResult hello;
  private static Node node;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeAll
  static void nodeUp() throws Exception {
    hello = TestNode.packHelloHttp(work);
    node = nodes.start(TestNode.config(work.resolve("node")));
  }

  @AfterAll
  static void nodeDown() {
    if (node != null) {
      node.close();
    }
  }

  /** The config file the node would write for an instance, its gateway reached on loopback. */
  private static Path configFor(Node n, String name, String... env) throws Exception {
    Instance gw = Instance.newBuilder()
        .setApi(Service.Api.newBuilder().addSlot(Service.Api.Slot.newBuilder().setPort(n.port())))
        .addUriSlot(Instance.Uri_Slot.newBuilder().setInternalPort(n.port())
            .addUri(Instance.Uri.newBuilder().setIp("127.0.0.1").setPort(n.port())))
        .build();
    Configuration.Builder c = Configuration.newBuilder();
    for (int i = 0; i < env.length; i += 2) {
      c.addEnvironmentVariables(BytesKeyValue.newBuilder().setKey(env[i]).setValue(ByteString.copyFromUtf8(env[i + 1])));
    }
    Path f = work.resolve(name);
    Files.write(f, ConfigurationFile.newBuilder().setGateway(gw).setConfig(c)
        .setInitialSysresources(Sysresources.newBuilder().setMemLimit(32L << 20)).build().toByteArray());
    return f;
  }

  private String greeting(ServiceHandle h) {
    InetSocketAddress a = h.address(8080);
    AtomicReference<String> body = new AtomicReference<>();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                URI.create("http://" + a.getHostString() + ":" + a.getPort() + "/cgi-bin/greet"))
            .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
        body.set(r.statusCode() == 200 ? r.body() : null);
      } catch (Exception e) {
        body.set(null);
      }
      return body.get() != null;
    });
    return body.get().strip();
  }

  private static long alive(NodeClient c, String serviceId) throws CelautException {
    return c.listInstances(false).stream().filter(i -> i.getServiceId().equals(serviceId)).count();
  }

  @Test
  void startsAChildFromAFileAndStopsIt() throws Exception {
    try (ServiceContext ctx = ServiceContext.fromConfigFile(configFor(node, "cfg-file", "WHO", "parent"));
        NodeClient observer = NodeClient.connect("127.0.0.1:" + node.port())) {
      assertThat(ctx.gatewayAddress()).isEqualTo("127.0.0.1:" + node.port());
      assertThat(ctx.environment("WHO")).contains("parent");
      assertThat(ctx.initialResources().getMemLimit()).isEqualTo(32L << 20);

      ServiceHandle h = ctx.startChild(ServiceSource.fromFile(hello.output()),
          StartOptions.builder().env("GREETING", "from a file").build());
      assertThat(h.serviceIdHex()).isEqualTo(hello.serviceIdHex());
      assertThat(greeting(h)).isEqualTo("from a file");
      assertThat(h.siblingAddress(8080).getHostString()).isNotEqualTo("127.0.0.1");
      assertThat(ctx.node().metrics(h.token()).getBalance().getN()).isEqualTo("0");

      assertThat(ctx.stopChild(h.token())).isZero();
      assertThat(alive(observer, hello.serviceIdHex())).isZero();
      assertThatThrownBy(() -> ctx.stopChild(h.token())).as("a second stop says it stopped nothing")
          .isInstanceOf(org.celaut.sdk.client.InstanceEndedException.class)
          .hasMessageContaining("had already ended");
    }
  }

  @Test
  void startsAChildByIdUploadingTheFileTheServiceShipsWhenTheNodeLacksIt() throws Exception {
    Path services = Files.createDirectories(work.resolve("shipped/__services__"));
    try (Node fresh = nodes.start(TestNode.config(work.resolve("fresh-node")));
        NodeClient observer = NodeClient.connect("127.0.0.1:" + fresh.port())) {
      Path cfg = configFor(fresh, "cfg-fresh");
      try (ServiceContext ctx = ServiceContext.builder().configFile(cfg).servicesDir(services).build()) {
        assertThatThrownBy(() -> ctx.startChild(hello.serviceIdHex(), StartOptions.defaults()))
            .as("neither the node nor the service has it")
            .isInstanceOf(NotFoundException.class)
            .hasMessageContaining(hello.serviceIdHex());

        Files.copy(hello.output(), services.resolve(hello.serviceIdHex()));
        ServiceHandle h = ctx.startChild(hello.serviceIdHex(), StartOptions.builder().env("GREETING", "shipped").build());
        assertThat(greeting(h)).isEqualTo("shipped");
        assertThat(fresh.registry().contains(hello.serviceIdHex())).as("uploaded to the node").isTrue();
        ctx.stopChild(h.token());
      }
      Files.delete(services.resolve(hello.serviceIdHex()));
      try (ServiceContext ctx = ServiceContext.builder().configFile(cfg).servicesDir(services).build()) {
        ServiceHandle h = ctx.startChild(hello.serviceIdHex().toUpperCase(), StartOptions.defaults());
        assertThat(greeting(h)).as("the node holds it now").isEqualTo("hello");
        ctx.stopChild(h.token());
      }
      assertThat(alive(observer, hello.serviceIdHex())).isZero();
    }
  }

  @Test
  void aShippedFileThatDoesNotHashToItsNameIsNotSent() throws Exception {
    Path services = Files.createDirectories(work.resolve("mislabelled/__services__"));
    String otherId = "0f".repeat(32);
    Files.copy(hello.output(), services.resolve(otherId));
    try (ServiceContext ctx = ServiceContext.builder().configFile(configFor(node, "cfg-bad")).servicesDir(services).build()) {
      assertThatThrownBy(() -> ctx.startChild(otherId, StartOptions.defaults()))
          .isInstanceOf(CelautException.class)
          .hasMessageContaining("hashes to " + hello.serviceIdHex() + ", not to the id it is named by");
    }
  }

  @Test
  void asyncTwinsStartAndStopChildren() throws Exception {
    try (ServiceContext ctx = ServiceContext.fromConfigFile(configFor(node, "cfg-async"));
        NodeClient observer = NodeClient.connect("127.0.0.1:" + node.port())) {
      ctx.node().start(ServiceSource.fromFile(hello.output()), StartOptions.defaults()); // stored, and one running
      long before = alive(observer, hello.serviceIdHex());
      ServiceHandle h = ctx.startChildAsync(hello.serviceIdHex(), StartOptions.builder().env("GREETING", "async").build())
          .get(60, TimeUnit.SECONDS);
      assertThat(greeting(h)).isEqualTo("async");
      assertThat(alive(observer, hello.serviceIdHex())).isEqualTo(before + 1);
      assertThat(ctx.stopChildAsync(h.token()).get(30, TimeUnit.SECONDS)).isZero();
      assertThat(alive(observer, hello.serviceIdHex())).isEqualTo(before);

      ServiceHandle viaClient = observer.startAsync(ServiceSource.byId(hello.serviceIdHex()), StartOptions.defaults())
          .get(60, TimeUnit.SECONDS);
      assertThat(observer.metricsAsync(viaClient.token()).get(30, TimeUnit.SECONDS).getBalance().getN()).isEqualTo("0");
      assertThat(observer.peerInfoAsync().get(30, TimeUnit.SECONDS).getResourcesCount()).isPositive();
      assertThat(observer.stopAsync(viaClient.token()).get(30, TimeUnit.SECONDS)).isZero();
    }
  }

  @Test
  void callsThisNodeDoesNotServeYetAreUnsupported() throws Exception {
    try (NodeClient client = NodeClient.connect("127.0.0.1:" + node.port())) {
      assertThatThrownBy(() -> client.estimateCost(ServiceSource.fromFile(hello.output()), StartOptions.defaults()))
          .isInstanceOf(UnsupportedByNodeException.class)
          .hasMessageContaining("GetServiceEstimatedCost");
    }
  }
}
