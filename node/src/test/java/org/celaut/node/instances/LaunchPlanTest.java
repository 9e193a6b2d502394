package org.celaut.node.instances;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import org.celaut.node.runtime.ContainerSpec;
import org.celaut.proto.celaut.BytesKeyValue;
import org.celaut.proto.celaut.Configuration;
import org.celaut.proto.celaut.Service;
import org.celaut.proto.celaut.Sysresources;
import org.junit.jupiter.api.Test;

class LaunchPlanTest {

  private static Service.Builder service() {
    return Service.newBuilder()
        .setContainer(Service.Container.newBuilder()
            .setArchitecture(Service.Container.Architecture.newBuilder().addTags("linux/amd64"))
            .setInit(Service.Container.Init.newBuilder().addEntryPath("bin").addEntryPath("service")))
        .setApi(Service.Api.newBuilder()
            .addSlot(Service.Api.Slot.newBuilder().setPort(8080)
                .setTransport(Service.Api.Protocol.newBuilder().addTags("tcp")))
            .addSlot(Service.Api.Slot.newBuilder().setPort(53)
                .setTransport(Service.Api.Protocol.newBuilder().addTags("udp"))));
  }

  private static BytesKeyValue kv(String k, String v) {
    return BytesKeyValue.newBuilder().setKey(k).setValue(ByteString.copyFromUtf8(v)).build();
  }

  @Test
  void joinsEntrypointAndDefaultsTheConfigPath() throws Exception {
    LaunchPlan p = LaunchPlan.of(service().build(), Configuration.getDefaultInstance(), 128L << 20);
    assertThat(p.entrypoint()).isEqualTo("/bin/service");
    assertThat(p.configPath()).isEqualTo("/__config__");
    assertThat(p.ports()).containsExactly(
        new ContainerSpec.PortSpec(8080, ContainerSpec.Transport.TCP),
        new ContainerSpec.PortSpec(53, ContainerSpec.Transport.UDP));
  }

  @Test
  void givesTheDefaultMemoryOnlyWhenTheServiceDeclaresNone() throws Exception {
    assertThat(LaunchPlan.of(service().build(), Configuration.getDefaultInstance(), 128L << 20)
        .initialResources().getMemLimit()).isEqualTo(128L << 20);
    Service declared = service().setContainer(service().getContainer().toBuilder()
        .setResources(Service.Container.Resources.newBuilder()
            .setAtInit(Sysresources.newBuilder().setMemLimit(32L << 20).setCpuQuota(50_000)))).build();
    LaunchPlan p = LaunchPlan.of(declared, Configuration.getDefaultInstance(), 128L << 20);
    assertThat(p.initialResources().getMemLimit()).isEqualTo(32L << 20);
    assertThat(p.initialResources().getCpuQuota()).isEqualTo(50_000);
  }

  @Test
  void aServiceThatDeclaresNoCpuGetsTheNodeDefaultAndOneThatDoesKeepsItsOwn() throws Exception {
    ContainerPolicy halfACore = ContainerPolicy.of(0.5, 512, java.util.Set.of());
    Sysresources none = LaunchPlan.of(service().build(), Configuration.getDefaultInstance(), 128L << 20, halfACore)
        .initialResources();
    assertThat(none.getCpuPeriod()).isEqualTo(100_000);
    assertThat(none.getCpuQuota()).isEqualTo(50_000);

    Service declared = service().setContainer(service().getContainer().toBuilder()
        .setResources(Service.Container.Resources.newBuilder()
            .setAtInit(Sysresources.newBuilder().setCpuPeriod(200_000).setCpuQuota(400_000)))).build();
    Sysresources own = LaunchPlan.of(declared, Configuration.getDefaultInstance(), 128L << 20, halfACore)
        .initialResources();
    assertThat(own.getCpuPeriod()).isEqualTo(200_000);
    assertThat(own.getCpuQuota()).isEqualTo(400_000);

    Service quotaOnly = service().setContainer(service().getContainer().toBuilder()
        .setResources(Service.Container.Resources.newBuilder()
            .setAtInit(Sysresources.newBuilder().setCpuQuota(150_000)))).build();
    Sysresources q = LaunchPlan.of(quotaOnly, Configuration.getDefaultInstance(), 128L << 20, halfACore)
        .initialResources();
    assertThat(q.getCpuPeriod()).as("a quota needs its period").isEqualTo(100_000);
    assertThat(q.getCpuQuota()).isEqualTo(150_000);

    Service periodOnly = service().setContainer(service().getContainer().toBuilder()
        .setResources(Service.Container.Resources.newBuilder()
            .setAtInit(Sysresources.newBuilder().setCpuPeriod(50_000)))).build();
    assertThat(LaunchPlan.of(periodOnly, Configuration.getDefaultInstance(), 128L << 20, halfACore)
        .initialResources().getCpuQuota()).as("a period alone limits nothing: the default applies").isEqualTo(50_000);
  }

  @Test
  void passesOnlyCIdentifierVariablesAndTheLastValueWins() throws Exception {
    Configuration cfg = Configuration.newBuilder()
        .addEnvironmentVariables(kv("GREETING", "first"))
        .addEnvironmentVariables(kv("not-an-identifier", "x"))
        .addEnvironmentVariables(kv("NUL", "a\0b"))
        .addEnvironmentVariables(kv("GREETING", "second"))
        .build();
    assertThat(LaunchPlan.of(service().build(), cfg, 128L << 20).environment())
        .containsExactlyEntriesOf(java.util.Map.of("GREETING", "second"));
  }

  @Test
  void refusesAForeignArchitecture() {
    Service arm = service().setContainer(service().getContainer().toBuilder()
        .setArchitecture(Service.Container.Architecture.newBuilder().addTags("linux/arm64"))).build();
    assertThatThrownBy(() -> LaunchPlan.of(arm, Configuration.getDefaultInstance(), 128L << 20))
        .isInstanceOf(LaunchRefusedException.class)
        .hasMessageContaining("linux/arm64");
  }

  @Test
  void refusesAMissingOrEscapingEntrypoint() {
    Service none = service().setContainer(service().getContainer().toBuilder().clearInit()).build();
    assertThatThrownBy(() -> LaunchPlan.of(none, Configuration.getDefaultInstance(), 128L << 20))
        .hasMessageContaining("no entrypoint");
    Service escaping = service().setContainer(service().getContainer().toBuilder()
        .setInit(Service.Container.Init.newBuilder().addEntryPath("..").addEntryPath("x"))).build();
    assertThatThrownBy(() -> LaunchPlan.of(escaping, Configuration.getDefaultInstance(), 128L << 20))
        .hasMessageContaining("bad segment '..'");
  }

  @Test
  void refusesBadOrDuplicatePorts() {
    Service zero = service().setApi(Service.Api.newBuilder().addSlot(Service.Api.Slot.newBuilder().setPort(0))).build();
    assertThatThrownBy(() -> LaunchPlan.of(zero, Configuration.getDefaultInstance(), 128L << 20))
        .hasMessageContaining("port 0");
    Service twice = service().setApi(Service.Api.newBuilder()
        .addSlot(Service.Api.Slot.newBuilder().setPort(80))
        .addSlot(Service.Api.Slot.newBuilder().setPort(80))).build();
    assertThatThrownBy(() -> LaunchPlan.of(twice, Configuration.getDefaultInstance(), 128L << 20))
        .hasMessageContaining("declared twice");
  }
}
