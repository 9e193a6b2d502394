package org.celaut.sdk.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.celaut.proto.celaut.BytesKeyValue;
import org.celaut.proto.celaut.Configuration;
import org.celaut.proto.celaut.ConfigurationFile;
import org.celaut.proto.celaut.Instance;
import org.celaut.proto.celaut.Service;
import org.celaut.proto.celaut.Sysresources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service reads the raw ConfigurationFile its node wrote: the gateway is the first uri of the
 * uri_slot whose internal port is one of the gateway's API ports; the variables and the initial
 * resources are the ones the node recorded. Connecting is lazy, so no node is needed here.
 */
class ServiceContextReadsItsConfigFileTest {

  @TempDir Path tmp;

  @Test
  void findsTheGatewayVariablesAndResources() throws Exception {
    Sysresources initial = Sysresources.newBuilder().setMemLimit(64L << 20).setCpuQuota(50_000).build();
    ConfigurationFile cfg = ConfigFiles.of(ConfigFiles.gateway("172.30.0.1", 8090),
        Map.of("CHILD_SERVICE", "ab".repeat(32), "GREETING", "hé, ünïcode"), initial);
    Path file = ConfigFiles.write(tmp.resolve("__config__"), cfg);

    try (ServiceContext ctx = ServiceContext.fromConfigFile(file)) {
      assertThat(ctx.configFile()).isEqualTo(file);
      assertThat(ctx.configuration()).isEqualTo(cfg);
      assertThat(ctx.gatewayAddress()).isEqualTo("172.30.0.1:8090");
      assertThat(ctx.environment("GREETING")).contains("hé, ünïcode");
      assertThat(ctx.environment("CHILD_SERVICE")).contains("ab".repeat(32));
      assertThat(ctx.environment("MISSING")).isEmpty();
      assertThat(ctx.environment()).containsOnlyKeys("CHILD_SERVICE", "GREETING");
      assertThat(ctx.initialResources()).isEqualTo(initial);
      assertThat(ctx.servicesDir()).isEqualTo(ServiceContext.DEFAULT_SERVICES_DIR);
    }
  }

  @Test
  void skipsUriSlotsOfPortsTheGatewayDoesNotServeAndTakesTheFirstUri() throws Exception {
    Instance gw = Instance.newBuilder()
        .setApi(Service.Api.newBuilder().addSlot(Service.Api.Slot.newBuilder().setPort(7000)))
        .addUriSlot(Instance.Uri_Slot.newBuilder().setInternalPort(9999)
            .addUri(Instance.Uri.newBuilder().setIp("10.0.0.9").setPort(9999)))
        .addUriSlot(Instance.Uri_Slot.newBuilder().setInternalPort(7000))  // no address: skipped
        .addUriSlot(Instance.Uri_Slot.newBuilder().setInternalPort(7000)
            .addUri(Instance.Uri.newBuilder().setIp("10.0.0.1").setPort(17000))
            .addUri(Instance.Uri.newBuilder().setIp("10.0.0.2").setPort(27000)))
        .build();
    Path file = ConfigFiles.write(tmp.resolve("cfg"), ConfigurationFile.newBuilder().setGateway(gw).build());
    try (ServiceContext ctx = ServiceContext.fromConfigFile(file)) {
      assertThat(ctx.gatewayAddress()).isEqualTo("10.0.0.1:17000");
      assertThat(ctx.initialResources()).isEqualTo(Sysresources.getDefaultInstance());
    }
  }

  @Test
  void anIpv6GatewayIsBracketed() throws Exception {
    Path file = ConfigFiles.write(tmp.resolve("cfg"),
        ConfigurationFile.newBuilder().setGateway(ConfigFiles.gateway("fd00::1", 8090)).build());
    try (ServiceContext ctx = ServiceContext.fromConfigFile(file)) {
      assertThat(ctx.gatewayAddress()).isEqualTo("[fd00::1]:8090");
    }
  }

  @Test
  void theLastEntryOfARepeatedVariableWins() throws Exception {
    ConfigurationFile cfg = ConfigurationFile.newBuilder()
        .setGateway(ConfigFiles.gateway("127.0.0.1", 8090))
        .setConfig(Configuration.newBuilder()
            .addEnvironmentVariables(BytesKeyValue.newBuilder().setKey("A").setValue(ByteString.copyFromUtf8("first")))
            .addEnvironmentVariables(BytesKeyValue.newBuilder().setKey("A").setValue(ByteString.copyFromUtf8("last")))
            .addEnvironmentVariables(BytesKeyValue.newBuilder().setKey("EMPTY").setValue(ByteString.EMPTY)))
        .build();
    try (ServiceContext ctx = ServiceContext.fromConfigFile(ConfigFiles.write(tmp.resolve("cfg"), cfg))) {
      assertThat(ctx.environment("A")).contains("last");
      assertThat(ctx.environment("EMPTY")).contains("");
    }
  }

  @Test
  void celautConfigPointsAtAnotherFileAndSettingsWin() throws Exception {
    Path viaEnv = ConfigFiles.write(tmp.resolve("env-config"),
        ConfigurationFile.newBuilder().setGateway(ConfigFiles.gateway("10.9.9.9", 1234)).build());
    Path explicit = ConfigFiles.write(tmp.resolve("explicit-config"),
        ConfigurationFile.newBuilder().setGateway(ConfigFiles.gateway("10.8.8.8", 4321)).build());
    Map<String, String> env = Map.of(ServiceContext.CONFIG_ENV, viaEnv.toString());

    try (ServiceContext ctx = ServiceContext.builder().build(env::get)) {
      assertThat(ctx.configFile()).isEqualTo(viaEnv);
      assertThat(ctx.gatewayAddress()).isEqualTo("10.9.9.9:1234");
    }
    try (ServiceContext ctx = ServiceContext.builder().configFile(explicit).servicesDir(tmp).build(env::get)) {
      assertThat(ctx.gatewayAddress()).isEqualTo("10.8.8.8:4321");
      assertThat(ctx.servicesDir()).isEqualTo(tmp);
    }
  }

  @Test
  void anEmbeddedServiceIsAFileNamedByItsIdInTheServicesFolder() throws Exception {
    Path file = ConfigFiles.write(tmp.resolve("cfg"),
        ConfigurationFile.newBuilder().setGateway(ConfigFiles.gateway("127.0.0.1", 8090)).build());
    Path services = Files.createDirectories(tmp.resolve("__services__"));
    String id = "cd".repeat(32);
    Files.write(services.resolve(id), new byte[] {1, 2, 3});
    Files.createDirectories(services.resolve("ef".repeat(32)));
    try (ServiceContext ctx = ServiceContext.builder().configFile(file).servicesDir(services).build()) {
      assertThat(ctx.embeddedService(id)).contains(services.resolve(id));
      assertThat(ctx.embeddedService(id.toUpperCase())).contains(services.resolve(id));
      assertThat(ctx.embeddedService("ef".repeat(32))).as("a folder is not a service file").isEmpty();
      assertThat(ctx.embeddedService("01".repeat(32))).isEmpty();
    }
  }
}
