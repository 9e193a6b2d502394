package org.celaut.node.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.celaut.node.runtime.ContainerSpec;
import org.celaut.node.runtime.RuntimeFailure;
import org.celaut.node.runtime.StartedContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every container the runtime starts is confined: a pids limit, the CPU and memory of its spec,
 * no privilege gain, every capability dropped but the ones the spec keeps, and a rotated log —
 * as the engine records it and as the process inside sees it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DockerRuntimeConfinesContainersTest {
  private static final long NET_BIND_SERVICE_BIT = 1L << 10;

  private DockerFixture fx;
  private DockerRuntime rotating;
  private String serviceId;
  private String imageRef;

  @BeforeAll
  void buildImage() throws RuntimeFailure {
    fx = new DockerFixture();
    rotating = new DockerRuntime(fx.runtime.config().withLogRotation(64 << 10, 2));
    serviceId = fx.serviceId("busybox-confined");
    imageRef = fx.runtime.ensureImage(fx.imageSource(serviceId, fx.busyboxFilesystem()));
    fx.runtime.ensureNetwork(fx.networkName);
  }

  @AfterAll
  void cleanUp() {
    if (rotating != null) {
      rotating.close();
    }
    if (fx != null) {
      fx.close();
    }
  }

  private ContainerSpec confined(String instance, long pidsLimit, Set<String> capabilities) {
    ContainerSpec base = fx.spec(imageRef, instance, serviceId);
    return new ContainerSpec(base.name(), base.imageRef(), base.entrypoint(), base.environment(),
        base.configFilePath(), base.configFileContent(), 48L << 20, 100_000, 50_000, pidsLimit,
        capabilities, base.ports(), base.networkName(), base.publishHostIp(), base.labels());
  }

  @Test
  void theEngineRecordsEveryLimitAndTheNameDockerPsShows() throws Exception {
    StartedContainer c = rotating.start(confined("instance-inspected", 64, Set.of("NET_BIND_SERVICE")));
    try {
      HostConfig host = fx.verify.inspectContainerCmd(c.containerId()).exec().getHostConfig();
      assertThat(host.getPidsLimit()).isEqualTo(64L);
      assertThat(host.getCpuPeriod()).isEqualTo(100_000L);
      assertThat(host.getCpuQuota()).isEqualTo(50_000L);
      assertThat(host.getMemory()).isEqualTo(48L << 20);
      assertThat(host.getSecurityOpts()).containsExactly("no-new-privileges");
      assertThat(host.getCapDrop()).containsExactly(Capability.ALL);
      assertThat(host.getCapAdd()).containsExactly(Capability.NET_BIND_SERVICE);
      assertThat(host.getLogConfig().getType().getType()).isEqualTo("json-file");
      assertThat(host.getLogConfig().getConfig())
          .containsEntry("max-size", Integer.toString(64 << 10))
          .containsEntry("max-file", "2");

      String name = ContainerSpec.nameFor(fx.nodeId + "-instance-inspected");
      assertThat(fx.verify.listContainersCmd().withNameFilter(java.util.List.of(name)).exec())
          .extracting(Container::getId)
          .containsExactly(c.containerId());
    } finally {
      rotating.remove(c.containerId());
    }
  }

  @Test
  void theServiceProcessHasOnlyTheKeptCapabilitiesAndCannotGainPrivileges() throws Exception {
    StartedContainer kept = fx.runtime.start(confined("instance-caps", 64, Set.of("NET_BIND_SERVICE")));
    StartedContainer none = fx.runtime.start(confined("instance-nocaps", 64, Set.of()));
    try {
      // pid 1 is the service itself (its script exec'd httpd), not something exec'd beside it.
      Map<String, String> withCap = status(kept.containerId());
      assertThat(Long.parseLong(withCap.get("CapEff"), 16)).isEqualTo(NET_BIND_SERVICE_BIT);
      assertThat(Long.parseLong(withCap.get("CapBnd"), 16)).isEqualTo(NET_BIND_SERVICE_BIT);
      assertThat(withCap.get("NoNewPrivs")).isEqualTo("1");

      Map<String, String> without = status(none.containerId());
      assertThat(Long.parseLong(without.get("CapEff"), 16)).isZero();
      assertThat(Long.parseLong(without.get("CapBnd"), 16)).isZero();
      assertThat(without.get("NoNewPrivs")).isEqualTo("1");
    } finally {
      fx.runtime.remove(kept.containerId());
      fx.runtime.remove(none.containerId());
    }
  }

  @Test
  void aProcessThatKeepsForkingStopsAtThePidsLimit() throws Exception {
    StartedContainer c = fx.runtime.start(confined("instance-forks", 16, Set.of()));
    try {
      // ash gives up at the first fork that fails; every one before it is still running.
      String out = new String(fx.exec(c.containerId(), "/bin/busybox", "sh", "-c",
          "i=0; while [ $i -lt 60 ]; do /bin/busybox sleep 60 & i=$((i+1)); echo \"spawned=$i\"; done"),
          StandardCharsets.UTF_8);
      assertThat(out).contains("can't fork");
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("spawned=(\\d+)").matcher(out);
      int spawned = 0;
      while (m.find()) {
        spawned = Integer.parseInt(m.group(1));
      }
      // 16 in all: the service's httpd and the exec'd shell hold two of them.
      assertThat(spawned).as("processes started before the limit: %s", out).isBetween(1, 14);
    } finally {
      fx.runtime.remove(c.containerId());
    }
  }

  @Test
  void everyCapabilityTheConfigurationAcceptsIsOneTheEngineClientKnows() {
    for (String name : org.celaut.node.runtime.ContainerCapabilities.KNOWN) {
      assertThat(Capability.valueOf(name).name()).isEqualTo(name);
    }
  }

  /** {@code /proc/1/status} of the container as name → value. */
  private Map<String, String> status(String containerId) {
    String text = new String(fx.exec(containerId, "/bin/busybox", "cat", "/proc/1/status"), StandardCharsets.UTF_8);
    Map<String, String> fields = new java.util.HashMap<>();
    for (String line : text.split("\n")) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
      }
    }
    return fields;
  }
}
