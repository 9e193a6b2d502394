package org.celaut.sdk.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.celaut.proto.celaut.ConfigurationFile;
import org.celaut.proto.celaut.Instance;
import org.celaut.proto.celaut.Service;
import org.celaut.sdk.client.CelautException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A config file that is missing, garbled, or does not say where the node is fails with a
 * {@link ConfigFileException} naming the file and what to do, never a bare parse error.
 */
class ConfigFileProblemsNameTheFileTest {

  @TempDir Path tmp;

  @Test
  void aMissingFileSaysHowToPointElsewhere() {
    Path missing = tmp.resolve("nope");
    assertThatThrownBy(() -> ServiceContext.fromConfigFile(missing))
        .isInstanceOfSatisfying(ConfigFileException.class, e -> assertThat(e.path()).isEqualTo(missing))
        .isInstanceOf(CelautException.class)
        .hasMessageStartingWith(missing + ": no such file")
        .hasMessageContaining("CELAUT_CONFIG");
  }

  @Test
  void withoutCelautConfigTheDefaultPathIsRead() {
    assertThatThrownBy(() -> ServiceContext.builder().build(Map.<String, String>of()::get))
        .isInstanceOfSatisfying(ConfigFileException.class,
            e -> assertThat(e.path()).isEqualTo(ServiceContext.DEFAULT_CONFIG_FILE))
        .hasMessageStartingWith("/__config__: ");
  }

  @Test
  void bytesThatAreNotAConfigurationFile() throws Exception {
    Path f = Files.write(tmp.resolve("garbled"), new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01});
    assertThatThrownBy(() -> ServiceContext.fromConfigFile(f))
        .isInstanceOf(ConfigFileException.class)
        .hasMessageStartingWith(f + ": not a serialized celaut.ConfigurationFile (4 bytes)");
  }

  @Test
  void textThatHappensToParseButHasNoGateway() throws Exception {
    // Protobuf is lenient: "xx" parses as an unknown field 15 = 120. The missing gateway gives it away.
    Path f = Files.writeString(tmp.resolve("text"), "xx");
    assertThatThrownBy(() -> ServiceContext.fromConfigFile(f))
        .isInstanceOf(ConfigFileException.class)
        .hasMessageStartingWith(f + ": ")
        .hasMessageContaining("no gateway");
  }

  @Test
  void anEmptyFileHasNoGateway() throws Exception {
    Path f = Files.write(tmp.resolve("empty"), new byte[0]);
    assertThatThrownBy(() -> ServiceContext.fromConfigFile(f))
        .isInstanceOf(ConfigFileException.class)
        .hasMessageContaining("no gateway (field 1)");
  }

  @Test
  void aGatewayWithoutAnAddressForItsPorts() throws Exception {
    Instance gw = Instance.newBuilder()
        .setApi(Service.Api.newBuilder().addSlot(Service.Api.Slot.newBuilder().setPort(8090)))
        .addUriSlot(Instance.Uri_Slot.newBuilder().setInternalPort(9000)
            .addUri(Instance.Uri.newBuilder().setIp("10.0.0.1").setPort(9000)))
        .build();
    Path f = ConfigFiles.write(tmp.resolve("cfg"), ConfigurationFile.newBuilder().setGateway(gw).build());
    assertThatThrownBy(() -> ServiceContext.fromConfigFile(f))
        .isInstanceOf(ConfigFileException.class)
        .hasMessage(f + ": the gateway has no address for any of its API ports [8090] (its uri_slot ports: [9000])");
  }

  @Test
  void aGatewayAddressWithoutIpOrPort() throws Exception {
    Instance gw = Instance.newBuilder()
        .setApi(Service.Api.newBuilder().addSlot(Service.Api.Slot.newBuilder().setPort(8090)))
        .addUriSlot(Instance.Uri_Slot.newBuilder().setInternalPort(8090)
            .addUri(Instance.Uri.newBuilder().setIp("").setPort(8090)))
        .build();
    Path f = ConfigFiles.write(tmp.resolve("cfg"), ConfigurationFile.newBuilder().setGateway(gw).build());
    assertThatThrownBy(() -> ServiceContext.fromConfigFile(f))
        .isInstanceOf(ConfigFileException.class)
        .hasMessageContaining("is not usable");
  }

  @Test
  void aFolderIsNotAConfigFile() {
    assertThatThrownBy(() -> ServiceContext.fromConfigFile(tmp))
        .isInstanceOf(ConfigFileException.class)
        .hasMessageStartingWith(tmp + ": cannot read it");
  }
}
