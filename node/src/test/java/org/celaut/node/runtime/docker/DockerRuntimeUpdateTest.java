package org.celaut.node.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.command.InspectContainerResponse;
import java.time.Duration;
import org.celaut.node.runtime.ContainerSpec;
import org.celaut.node.runtime.RuntimeFailure;
import org.celaut.node.runtime.StartedContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The limits of a running container change in place: the engine reports them, it keeps running. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DockerRuntimeUpdateTest {
  private static final long MIB = 1L << 20;
  private DockerFixture fx;
  private String serviceId;
  private String imageRef;

  @BeforeAll
  void buildImageAndNetwork() throws RuntimeFailure {
    fx = new DockerFixture();
    serviceId = fx.serviceId("busybox-update");
    imageRef = fx.runtime.ensureImage(fx.imageSource(serviceId, fx.busyboxFilesystem()));
    fx.runtime.ensureNetwork(fx.networkName);
  }

  @AfterAll
  void cleanUp() {
    if (fx != null) {
      fx.close();
    }
  }

  private StartedContainer start(String instance, long memBytes, long period, long quota) throws RuntimeFailure {
    ContainerSpec base = fx.spec(imageRef, "/bin/service", instance, serviceId, "/__config__", new byte[] {1}, memBytes);
    return fx.runtime.start(new ContainerSpec(base.name(), base.imageRef(), base.entrypoint(), base.environment(),
        base.configFilePath(), base.configFileContent(), memBytes, period, quota, base.pidsLimit(),
        base.capabilities(), base.ports(), base.networkName(), base.publishHostIp(), base.labels()));
  }

  private InspectContainerResponse.ContainerState stateOf(String id) {
    return fx.verify.inspectContainerCmd(id).exec().getState();
  }

  @Test
  void memoryAndCpuChangeWhileTheContainerRuns() throws Exception {
    StartedContainer c = start("instance-grow", 32 * MIB, 100_000, 50_000);
    try {
      fx.runtime.update(c.containerId(), 96 * MIB, 200_000, 300_000);

      InspectContainerResponse after = fx.verify.inspectContainerCmd(c.containerId()).exec();
      assertThat(after.getHostConfig().getMemory()).isEqualTo(96 * MIB);
      assertThat(after.getHostConfig().getMemorySwap()).as("no swap beyond the limit").isEqualTo(96 * MIB);
      assertThat(after.getHostConfig().getCpuPeriod()).isEqualTo(200_000L);
      assertThat(after.getHostConfig().getCpuQuota()).isEqualTo(300_000L);
      assertThat(after.getState().getRunning()).isTrue();
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(fx.runtime.stats(c.containerId()).memLimitBytes()).isEqualTo(96 * MIB));

      // And back down, below where it started: swap must follow memory down too.
      fx.runtime.update(c.containerId(), 24 * MIB, 0, 0);
      InspectContainerResponse smaller = fx.verify.inspectContainerCmd(c.containerId()).exec();
      assertThat(smaller.getHostConfig().getMemory()).isEqualTo(24 * MIB);
      assertThat(smaller.getHostConfig().getMemorySwap()).isEqualTo(24 * MIB);
      assertThat(smaller.getHostConfig().getCpuQuota()).as("0 leaves a limit as it is").isEqualTo(300_000L);
      assertThat(stateOf(c.containerId()).getRunning()).isTrue();
    } finally {
      fx.runtime.remove(c.containerId());
    }
  }

  @Test
  void aContainerThatIsGoneIsNotFound() throws Exception {
    StartedContainer c = start("instance-gone", 32 * MIB, 0, 0);
    fx.runtime.remove(c.containerId());
    assertThatThrownBy(() -> fx.runtime.update(c.containerId(), 64 * MIB, 0, 0))
        .isInstanceOfSatisfying(RuntimeFailure.class, e -> {
          assertThat(e.kind()).isEqualTo(RuntimeFailure.Kind.NOT_FOUND);
          assertThat(e.getMessage()).contains(c.containerId());
        });
  }
}
