package org.celaut.sdk.pack;

import org.celaut.protocol.Hashes;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import org.celaut.proto.celaut.DataFormat;
import org.celaut.proto.celaut.DataFormatKeyValue;
import org.celaut.proto.celaut.Metadata;
import org.celaut.proto.celaut.Service;
import org.celaut.proto.celaut.Service.Container.Filesystem;
import org.celaut.proto.celaut.Sysresources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackedServiceHasExactlyTheDeclaredFieldsTest {

  @TempDir Path tmp;

  private final ServicePacker packer = new ServicePacker();

  @Test
  void everyDeclaredFieldLandsWhereTheSchemaSaysAndNothingElse() throws Exception {
    TestProject p =
        TestProject.empty(tmp.resolve("p"))
            .json(
                """
                {
                  "tag": "full",
                  "prose": "does things",
                  "architecture": "linux/arm64",
                  "entrypoint": "/usr/bin/svc",
                  "api": [
                    {"port": 8080, "transport": "tcp", "protocol": ["http", "json"]},
                    {"port": 53, "transport": "udp"},
                    {"port": 9000}
                  ],
                  "envs": ["ZETA", "ALPHA", "_mid"],
                  "resources": {
                    "at_init": {"mem_limit": 1000, "cpu_quota": 50000, "disk_space": 7},
                    "at_most": {"mem_limit": 500, "cpu_period": 100000, "blkio_weight": 300}
                  },
                  "config_declaration": ["etc", "celaut.conf"],
                  "network": [{"tags": ["*"], "prose": "anywhere"}, {"tags": ["lan", "home"]}],
                  "rootfs": "image"
                }
                """);
    Path exe = p.dir.resolve("image/usr/bin/svc");
    Files.createDirectories(exe.getParent());
    Files.writeString(exe, "x");
    exe.toFile().setExecutable(true);

    Path out = tmp.resolve("out/full.bin");
    PackResult result = packer.pack(p.dir, out);

    byte[] written = Files.readAllBytes(out);
    Service service = Service.parseFrom(written);
    Filesystem fs = Filesystem.parseFrom(service.getContainer().getFilesystem());

    Service expected =
        Service.newBuilder()
            .setProse("does things")
            .setContainer(
                Service.Container.newBuilder()
                    .setArchitecture(
                        Service.Container.Architecture.newBuilder().addTags("linux/arm64"))
                    .setFilesystem(service.getContainer().getFilesystem())
                    .setInit(
                        Service.Container.Init.newBuilder().addEntryPath("usr").addEntryPath("bin")
                            .addEntryPath("svc"))
                    .setResources(
                        Service.Container.Resources.newBuilder()
                            .setAtInit(
                                Sysresources.newBuilder().setMemLimit(1000).setCpuQuota(50000)
                                    .setDiskSpace(7))
                            // mem_limit raised to at_init; cpu_quota and disk_space added.
                            .setAtMost(
                                Sysresources.newBuilder().setMemLimit(1000).setCpuPeriod(100000)
                                    .setBlkioWeight(300).setCpuQuota(50000).setDiskSpace(7)))
                    .setConfigDeclaration(
                        Service.Container.ConfigDeclaration.newBuilder().addPath("etc")
                            .addPath("celaut.conf"))
                    .addEnvironmentVariables(env("ALPHA"))
                    .addEnvironmentVariables(env("ZETA"))
                    .addEnvironmentVariables(env("_mid")))
            .setApi(
                Service.Api.newBuilder()
                    .addSlot(
                        Service.Api.Slot.newBuilder().setPort(8080).setTransport(proto("tcp"))
                            .addProtocolStack(proto("http")).addProtocolStack(proto("json")))
                    .addSlot(Service.Api.Slot.newBuilder().setPort(53).setTransport(proto("udp")))
                    .addSlot(Service.Api.Slot.newBuilder().setPort(9000).setTransport(proto("tcp"))))
            .addNetwork(Service.Network.newBuilder().addTags("*").setProse("anywhere"))
            .addNetwork(Service.Network.newBuilder().addTags("lan").addTags("home"))
            .build();
    assertThat(service).isEqualTo(expected);
    assertThat(service.getUnknownFields().asMap()).isEmpty();
    // A declared variable carries an explicitly present, empty format (as a map entry did).
    assertThat(service.getContainer().getEnvironmentVariables(0).hasValue()).isTrue();
    assertThat(env("A").toByteArray()).containsExactly(0x0a, 0x01, 'A', 0x12, 0x00);
    assertThat(service.getPossibleEnvironmentWorkloadCount()).isZero();
    // The tag names the service for people; it is not part of what is hashed.
    assertThat(new String(written, java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("full");
    assertThat(fs.getBranchList()).extracting(Filesystem.ItemBranch::getName).containsExactly("usr");

    // Re-serializing what was parsed gives the same bytes: nothing unexpected was written.
    assertThat(service.toByteArray()).isEqualTo(written);
    assertThat(result.output()).isEqualTo(out);
    assertThat(result.sizeBytes()).isEqualTo(written.length);
    assertThat(result.tag()).isEqualTo("full");
    assertThat(result.serviceId().toByteArray()).isEqualTo(Hashes.sha3(written));
    assertThat(result.serviceIdHex()).isEqualTo(Hashes.toHex(Hashes.sha3(written)));
    assertThat(result.metadata())
        .isEqualTo(
            Metadata.newBuilder()
                .setHashtag(
                    Metadata.HashTag.newBuilder()
                        .addHash(
                            Metadata.HashTag.Hash.newBuilder().setType(Hashes.SHA3_256_TYPE)
                                .setValue(ByteString.copyFrom(Hashes.sha3(written))))
                        .addHash(
                            Metadata.HashTag.Hash.newBuilder().setType(Hashes.SHAKE_256_TYPE)
                                .setValue(ByteString.copyFrom(Shake256.digest32(written))))
                        .addTag("full"))
                .build());
  }

  @Test
  void aMinimalSpecGivesOnlyArchitectureFilesystemInitAndTheDefaultConfigPath() throws Exception {
    TestProject p = TestProject.minimal(tmp.resolve("m"));

    PackResult result = packer.pack(p.dir);

    assertThat(result.output())
        .isEqualTo(p.dir.resolve(".service/build/t.service"))
        .exists();
    Service service = Service.parseFrom(Files.readAllBytes(result.output()));
    assertThat(service.getProse()).isEmpty();
    assertThat(service.hasApi()).isFalse();
    assertThat(service.getNetworkCount()).isZero();
    Service.Container c = service.getContainer();
    assertThat(c.getArchitecture().getTagsList()).containsExactly("linux/amd64");
    assertThat(c.getInit().getEntryPathList()).containsExactly("bin", "run");
    assertThat(c.getInit().getXattrsCount()).isZero();
    assertThat(c.hasResources()).isFalse();
    assertThat(c.getConfigDeclaration().getPathList()).containsExactly("__config__");
    assertThat(c.getConfigDeclaration().hasFormat()).isFalse();
    assertThat(c.getEnvironmentVariablesCount()).isZero();
    assertThat(c.getNodeProtocolStackCount()).isZero();
    assertThat(service)
        .isEqualTo(packer.build(p.dir))
        .as("build() gives what pack() writes");
  }

  @Test
  void initEntryPathIsAcceptedAsTheReferenceWritesIt() throws Exception {
    TestProject p =
        TestProject.minimal(tmp.resolve("i"))
            .json("{\"tag\":\"t\",\"architecture\":\"linux/amd64\",\"init\":{\"entry_path\":[\"bin\",\"run\"]}}");
    TestProject q = TestProject.minimal(tmp.resolve("e"));

    assertThat(packer.pack(p.dir).serviceId()).isEqualTo(packer.pack(q.dir).serviceId());
  }

  @Test
  void atMostIsFilledFromAtInitWhenOnlyAtInitIsGiven() throws Exception {
    TestProject p =
        TestProject.minimal(tmp.resolve("r"))
            .json(
                "{\"tag\":\"t\",\"architecture\":\"linux/amd64\",\"entrypoint\":\"/bin/run\","
                    + "\"resources\":{\"at_init\":{\"mem_limit\":18446744073709551615}}}");

    Service.Container.Resources r = packer.build(p.dir).getContainer().getResources();

    assertThat(r.getAtInit().getMemLimit()).isEqualTo(-1L); // uint64 max, as Java sees it
    assertThat(r.getAtMost()).isEqualTo(r.getAtInit());
  }

  @Test
  void anotherOutputDoesNotChangeTheIdAndReplacesAnOldFile() throws Exception {
    TestProject p = TestProject.minimal(tmp.resolve("o"));
    Path out = tmp.resolve("elsewhere/x.service");
    Files.createDirectories(out.getParent());
    Files.writeString(out, "old");

    PackResult a = packer.pack(p.dir, out);
    PackResult b = packer.pack(p.dir);

    assertThat(a.serviceId()).isEqualTo(b.serviceId());
    assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(b.output()));
    assertThat(TestProject.listAll(out.getParent())).containsExactly(out);
  }

  private static DataFormatKeyValue env(String name) {
    return DataFormatKeyValue.newBuilder().setKey(name).setValue(DataFormat.getDefaultInstance())
        .build();
  }

  private static Service.Api.Protocol proto(String tag) {
    return Service.Api.Protocol.newBuilder().addTags(tag).build();
  }
}
