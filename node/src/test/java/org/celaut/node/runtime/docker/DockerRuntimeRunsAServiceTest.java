package org.celaut.node.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.command.InspectContainerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.celaut.node.runtime.ContainerLabels;
import org.celaut.node.runtime.ContainerState;
import org.celaut.node.runtime.ContainerStats;
import org.celaut.node.runtime.NodeNetwork;
import org.celaut.node.runtime.OwnedContainer;
import org.celaut.node.runtime.RuntimeFailure;
import org.celaut.node.runtime.StartedContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** A service built from a Celaut filesystem runs, serves, sees its config and goes away cleanly. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DockerRuntimeRunsAServiceTest {
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private DockerFixture fx;
  private String serviceId;
  private String imageRef;
  private NodeNetwork network;

  @BeforeAll
  void buildImageAndNetwork() throws RuntimeFailure {
    fx = new DockerFixture();
    serviceId = fx.serviceId("busybox-httpd");
    imageRef = fx.runtime.ensureImage(fx.imageSource(serviceId, fx.busyboxFilesystem()));
    network = fx.runtime.ensureNetwork(fx.networkName);
  }

  @AfterAll
  void cleanUp() {
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  void servesItsPageOnAnEngineChosenLoopbackPort() throws Exception {
    StartedContainer started = fx.runtime.start(fx.spec(imageRef, "instance-http", serviceId));
    try {
      int hostPort = started.publishedPorts().get(DockerFixture.HTTP_PORT);

      assertThat(hostPort).isPositive();
      assertThat(fetch(hostPort, "/index.html"))
          .isEqualTo(DockerFixture.PAGE.getBytes(StandardCharsets.UTF_8));
      assertThat(fetch(hostPort, "/alias.html"))
          .isEqualTo(DockerFixture.PAGE.getBytes(StandardCharsets.UTF_8));
      assertThat(fetch(hostPort, "/" + DockerFixture.LONG_PAGE_NAME))
          .isEqualTo("long name\n".getBytes(StandardCharsets.UTF_8));
      assertThat(started.networkIp())
          .startsWith(network.subnet().substring(0, network.subnet().lastIndexOf('.')));
      assertThat(fx.runtime.logs(started.containerId(), 10)).contains("service starting as 0");
    } finally {
      fx.runtime.remove(started.containerId());
    }
  }

  @Test
  void theEntrypointFindsTheConfigFileWithItsExactBytesAtANestedPath() throws Exception {
    byte[] config = new byte[512];
    for (int i = 0; i < config.length; i++) {
      config[i] = (byte) (i * 7); // every byte value, NULs and 0xff included
    }
    String path = "/etc/celaut/deeper/__config__";
    StartedContainer started =
        fx.runtime.start(
            fx.spec(imageRef, "/bin/service", "instance-config", serviceId, path, config, 0));
    try {
      // The script copied it to the web root before starting httpd: this is what it saw at start.
      assertThat(fetch(started.publishedPorts().get(DockerFixture.HTTP_PORT), "/config"))
          .isEqualTo(config);
      assertThat(fx.exec(started.containerId(), "/bin/busybox", "cat", path)).isEqualTo(config);
      try (InputStream archive =
              fx.verify.copyArchiveFromContainerCmd(started.containerId(), path).exec();
          TarArchiveInputStream tar = new TarArchiveInputStream(archive)) {
        TarArchiveEntry entry = tar.getNextEntry();
        assertThat(entry.getMode() & 07777).isEqualTo(0444);
        assertThat(entry.getLongUserId()).isZero();
      }
    } finally {
      fx.runtime.remove(started.containerId());
    }
  }

  @Test
  void isListedAsOwnedWhileItExistsAndGoneAfterRemove() throws Exception {
    StartedContainer started = fx.runtime.start(fx.spec(imageRef, "instance-owned", serviceId));

    assertThat(fx.runtime.listOwned(fx.nodeId))
        .containsExactly(
            new OwnedContainer(started.containerId(), "instance-owned", serviceId, true));
    ContainerState state = fx.runtime.inspect(started.containerId()).orElseThrow();
    assertThat(state.running()).isTrue();
    assertThat(state.labels()).containsEntry(ContainerLabels.INSTANCE, "instance-owned");
    assertThat(fx.runtime.listOwned("some-other-node")).isEmpty();

    fx.runtime.remove(started.containerId());

    assertThat(fx.runtime.inspect(started.containerId())).isEmpty();
    assertThat(fx.runtime.listOwned(fx.nodeId)).isEmpty();
    fx.runtime.remove(started.containerId()); // removing what is gone is not an error
  }

  @Test
  void theMemoryLimitAndCpuQuotaAreEnforcedByTheEngine() throws Exception {
    long limitBytes = 64L * 1024 * 1024;
    var base =
        fx.spec(
            imageRef,
            "/bin/service",
            "instance-limits",
            serviceId,
            "/__config__",
            new byte[] {9},
            limitBytes);
    var spec =
        new org.celaut.node.runtime.ContainerSpec(
            base.name(),
            base.imageRef(),
            base.entrypoint(),
            base.environment(),
            base.configFilePath(),
            base.configFileContent(),
            base.memLimitBytes(),
            100_000,
            50_000,
            base.pidsLimit(),
            base.capabilities(),
            base.ports(),
            base.networkName(),
            base.publishHostIp(),
            base.labels());
    StartedContainer started = fx.runtime.start(spec);
    try {
      InspectContainerResponse inspected =
          fx.verify.inspectContainerCmd(started.containerId()).exec();
      assertThat(inspected.getHostConfig().getMemory()).isEqualTo(limitBytes);
      assertThat(inspected.getHostConfig().getCpuPeriod()).isEqualTo(100_000L);
      assertThat(inspected.getHostConfig().getCpuQuota()).isEqualTo(50_000L);
      assertThat(inspected.getConfig().getEntrypoint()).containsExactly("/bin/service");
      assertThat(inspected.getConfig().getEnv()).contains("GREETING=hello world");

      AtomicReference<ContainerStats> stats = new AtomicReference<>();
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                stats.set(fx.runtime.stats(started.containerId()));
                assertThat(stats.get().memUsageBytes()).isPositive();
              });
      assertThat(stats.get().memLimitBytes()).isEqualTo(limitBytes);
    } finally {
      fx.runtime.remove(started.containerId());
    }
  }

  private byte[] fetch(int hostPort, String path) {
    URI uri = URI.create("http://127.0.0.1:" + hostPort + path);
    AtomicReference<byte[]> body = new AtomicReference<>();
    // httpd starts a moment after the container does.
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(100))
        .ignoreException(IOException.class)
        .untilAsserted(
            () -> {
              HttpResponse<byte[]> response =
                  http.send(
                      HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                      HttpResponse.BodyHandlers.ofByteArray());
              assertThat(response.statusCode()).isEqualTo(200);
              body.set(response.body());
            });
    return body.get();
  }
}
