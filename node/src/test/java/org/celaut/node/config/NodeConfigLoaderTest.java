package org.celaut.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeConfigLoaderTest {

  @Test
  void withNothingGivenEveryDefaultApplies() {
    NodeConfig c = NodeConfigLoader.load(Map.of(), Map.of(), Map.of());
    assertThat(c).isEqualTo(NodeConfig.defaults());
    assertThat(c.port()).isEqualTo(8090);
    assertThat(c.bindHost()).isEqualTo("127.0.0.1");
  }

  @Test
  void flagsBeatEnvironmentWhichBeatsTheFile() {
    NodeConfig c = NodeConfigLoader.load(
        Map.of("port", "1000", "data-dir", "/from/file", "bind-host", "127.0.0.2"),
        NodeConfigLoader.fromEnvironment(Map.of("CELAUT_PORT", "2000", "CELAUT_DATA_DIR", "/from/env")),
        Map.of("port", "3000"));
    assertThat(c.port()).isEqualTo(3000);
    assertThat(c.dataDir()).isEqualTo(Path.of("/from/env"));
    assertThat(c.bindHost()).isEqualTo("127.0.0.2");
    assertThat(c.advertisedHost()).as("defaults to the bind host").isEqualTo("127.0.0.2");
  }

  @Test
  void sizesAndDurationsTakeUnits() {
    NodeConfig c = NodeConfigLoader.load(Map.of(), Map.of(),
        Map.of("default-mem-limit-bytes", "64MiB", "max-service-bytes", "1GiB", "start-timeout-seconds", "5",
            "stop-instances-on-shutdown", "yes"));
    assertThat(c.defaultMemLimitBytes()).isEqualTo(64L << 20);
    assertThat(c.maxServiceBytes()).isEqualTo(1L << 30);
    assertThat(c.startTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.stopInstancesOnShutdown()).isTrue();
  }

  @Test
  void callLimitsAndTheInputTimeoutHaveDefaultsAndKeys() {
    NodeConfig d = NodeConfig.defaults();
    assertThat(d.maxConcurrentCalls()).isEqualTo(256);
    assertThat(d.maxCallsPerCaller()).isEqualTo(64);
    assertThat(d.inputTimeout()).isEqualTo(Duration.ofSeconds(60));
    NodeConfig c = NodeConfigLoader.load(Map.of("max-concurrent-calls", "100"),
        NodeConfigLoader.fromEnvironment(Map.of("CELAUT_MAX_CALLS_PER_CALLER", "10")),
        Map.of("input-timeout-seconds", "5"));
    assertThat(c.maxConcurrentCalls()).isEqualTo(100);
    assertThat(c.maxCallsPerCaller()).isEqualTo(10);
    assertThat(c.inputTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThatThrownBy(() -> NodeConfigLoader.load(Map.of(), Map.of(), Map.of("max-concurrent-calls", "0")))
        .hasMessageContaining("max-concurrent-calls = '0' (from flags)");
  }

  @Test
  void aTypoInTheFileIsAnErrorNamingTheKey() {
    assertThatThrownBy(() -> NodeConfigLoader.load(Map.of("prot", "1"), Map.of(), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[prot]")
        .hasMessageContaining("config file");
  }

  @Test
  void aBadValueNamesKeyValueAndLayer() {
    assertThatThrownBy(() -> NodeConfigLoader.load(Map.of(), Map.of("port", "eighty"), Map.of()))
        .hasMessageContaining("port = 'eighty' (from environment)");
    assertThatThrownBy(() -> NodeConfigLoader.load(Map.of(), Map.of(), Map.of("port", "70000")))
        .hasMessageContaining("0 to 65535");
    assertThatThrownBy(() -> NodeConfigLoader.load(Map.of(), Map.of(), Map.of("default-mem-limit-bytes", "1KiB")))
        .hasMessageContaining("at least 4 MiB");
  }

  @Test
  void treeAndMemoryLimitsHaveDefaultsAndKeys() {
    NodeConfig d = NodeConfigLoader.load(Map.of(), Map.of(), Map.of());
    assertThat(d.maxChildDepth()).isEqualTo(8);
    assertThat(d.maxChildrenPerInstance()).isEqualTo(16);
    assertThat(d.maxRecursionHops()).isEqualTo(16);
    assertThat(d.maxTotalMemBytes()).as("physical memory").isEqualTo(NodeConfig.physicalMemoryBytes()).isPositive();

    NodeConfig c = NodeConfigLoader.load(Map.of("max-child-depth", "2"),
        NodeConfigLoader.fromEnvironment(Map.of("CELAUT_MAX_CHILDREN_PER_INSTANCE", "3", "CELAUT_MAX_TOTAL_MEM_BYTES", "2GiB")),
        Map.of("max-recursion-hops", "4"));
    assertThat(c.maxChildDepth()).isEqualTo(2);
    assertThat(c.maxChildrenPerInstance()).isEqualTo(3);
    assertThat(c.maxTotalMemBytes()).isEqualTo(2L << 30);
    assertThat(c.maxRecursionHops()).isEqualTo(4);
    assertThat(NodeConfigLoader.load(Map.of("max-child-depth", "0"), Map.of(), Map.of()).maxChildDepth())
        .as("0 = no children at all").isZero();
  }

  @Test
  void badTreeAndMemoryLimitsAreRefused() {
    assertThatThrownBy(() -> NodeConfigLoader.load(Map.of(), Map.of(), Map.of("max-child-depth", "-1")))
        .hasMessageContaining("max-child-depth");
    assertThatThrownBy(() -> NodeConfigLoader.load(Map.of(), Map.of(), Map.of("max-recursion-hops", "0")))
        .hasMessageContaining("max-recursion-hops");
    assertThatThrownBy(() -> NodeConfigLoader.load(Map.of(), Map.of(), Map.of("max-total-mem-bytes", "1MiB")))
        .hasMessageContaining("memory budget");
  }

  @Test
  void readsAPropertiesFile(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("node.properties");
    Files.writeString(f, "# a node\nport = 9100\nnetwork-name=my-net\n");
    NodeConfig c = NodeConfigLoader.load(NodeConfigLoader.readFile(f), Map.of(), Map.of());
    assertThat(c.port()).isEqualTo(9100);
    assertThat(c.networkName()).isEqualTo("my-net");
  }

  @Test
  void isolationAndDiskKeysHaveDocumentedDefaults() {
    NodeConfig d = NodeConfigLoader.load(Map.of(), Map.of(), Map.of());
    assertThat(d.pidsLimit()).isEqualTo(512);
    assertThat(d.defaultCpus()).isEqualTo(1.0);
    assertThat(d.containerLogMaxBytes()).isEqualTo(10L << 20);
    assertThat(d.containerLogFiles()).isEqualTo(3);
    assertThat(d.containerCapabilities()).containsExactly("NET_BIND_SERVICE");
    assertThat(d.diskBudgetBytes()).isEqualTo(16L << 30);

    NodeConfig c = NodeConfigLoader.load(Map.of("pids-limit", "64", "default-cpus", "0.5"),
        NodeConfigLoader.fromEnvironment(Map.of("CELAUT_CONTAINER_CAPABILITIES", "cap_chown, NET_BIND_SERVICE")),
        Map.of("container-log-max-bytes", "1MiB", "container-log-files", "2", "disk-budget-bytes", "2GiB"));
    assertThat(c.pidsLimit()).isEqualTo(64);
    assertThat(c.defaultCpus()).isEqualTo(0.5);
    assertThat(c.containerCapabilities()).containsExactlyInAnyOrder("CHOWN", "NET_BIND_SERVICE");
    assertThat(c.containerLogMaxBytes()).isEqualTo(1L << 20);
    assertThat(c.containerLogFiles()).isEqualTo(2);
    assertThat(c.diskBudgetBytes()).isEqualTo(2L << 30);
    assertThat(NodeConfigLoader.load(Map.of(), Map.of(), Map.of("disk-budget-bytes", "none")).diskBudgetBytes())
        .as("no budget").isZero();
    assertThat(NodeConfigLoader.load(Map.of(), Map.of(), Map.of("container-capabilities", "")).containerCapabilities())
        .as("an empty list keeps none").isEmpty();
  }

  @Test
  void badIsolationValuesNameTheKey() {
    assertThatThrownBy(() -> NodeConfigLoader.load(Map.of(), Map.of(), Map.of("container-capabilities", "NET_BIND,CHOWN")))
        .hasMessageContaining("container-capabilities = 'NET_BIND,CHOWN' (from flags)")
        .hasMessageContaining("'NET_BIND' is not a Linux capability");
    assertThatThrownBy(() -> NodeConfigLoader.load(Map.of(), Map.of(), Map.of("default-cpus", "lots")))
        .hasMessageContaining("default-cpus = 'lots'");
    assertThatThrownBy(() -> NodeConfigLoader.load(Map.of(), Map.of(), Map.of("default-cpus", "0")))
        .hasMessageContaining("0.01 to 1024");
    assertThatThrownBy(() -> NodeConfigLoader.load(Map.of(), Map.of(), Map.of("pids-limit", "0")))
        .hasMessageContaining("pids-limit");
    assertThatThrownBy(() -> NodeConfigLoader.load(Map.of(), Map.of(), Map.of("disk-budget-bytes", "-1")))
        .hasMessageContaining("disk-budget-bytes");
  }
}
