package org.celaut.sdk.pack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import org.celaut.proto.celaut.BytesKeyValue;
import org.celaut.proto.celaut.Metadata;
import org.celaut.proto.celaut.Service;
import org.celaut.proto.celaut.Service.Container.Filesystem;
import org.celaut.proto.celaut.Service.Container.Filesystem.ItemBranch;
import org.celaut.protocol.Hashes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pack_config.json dependencies: children packed recursively (or taken from a registry by id) and
 * stored in the parent's filesystem under their id, listed in /.dependencies and in
 * possible_environment_workload.
 */
class DependenciesAreEmbeddedTest {

  @TempDir Path tmp;

  private TestProject child(String name, String tag) throws Exception {
    return TestProject.empty(tmp.resolve(name))
        .json("{\"tag\": \"" + tag + "\", \"architecture\": \"linux/amd64\", \"entrypoint\": \"/bin/run\"}")
        .file("/bin/run", "#!/bin/sh\necho " + tag + "\n", "rwxr-xr-x");
  }

  private TestProject parent(String config) throws Exception {
    TestProject p = TestProject.minimal(tmp.resolve("parent"));
    Files.writeString(p.dir.resolve(".service/pack_config.json"), config);
    return p;
  }

  private static Filesystem fs(Service s) throws Exception {
    return Filesystem.parseFrom(s.getContainer().getFilesystem());
  }

  private static ItemBranch find(Filesystem fs, String... path) {
    Filesystem dir = fs;
    ItemBranch found = null;
    for (String name : path) {
      found = dir.getBranchList().stream().filter(b -> b.getName().equals(name)).findFirst()
          .orElseThrow(() -> new AssertionError(name + " not found"));
      dir = found.getFilesystem();
    }
    return found;
  }

  @Test
  void aChildIsStoredUnderItsIdWithItsMetadataAndListed() throws Exception {
    child("db", "database");
    child("cache", "cache");
    TestProject p = parent("{\"dependencies\": {\"db\": \"../db\", \"cache\": \"../cache\"}, \"dependencies_env\": true}");
    PackResult db = new ServicePacker().pack(tmp.resolve("db"));
    PackResult cache = new ServicePacker().pack(tmp.resolve("cache"));

    PackResult r = new ServicePacker().pack(p.dir);
    Service s = Service.parseFrom(Files.readAllBytes(r.output()));
    Filesystem fs = fs(s);

    ItemBranch dbFile = find(fs, "__services__", db.serviceIdHex());
    assertThat(Hashes.toHex(Hashes.sha3(dbFile.getFile().toByteArray()))).isEqualTo(db.serviceIdHex());
    assertThat(dbFile.getFile()).isEqualTo(ByteString.copyFrom(Files.readAllBytes(db.output())));
    assertThat(dbFile.getXattrsList()).containsExactly(
        BytesKeyValue.newBuilder().setKey("mode").setValue(ByteString.copyFromUtf8("420")).build());
    Metadata dbMeta = Metadata.parseFrom(find(fs, "__metadata__", db.serviceIdHex()).getFile());
    assertThat(dbMeta).isEqualTo(db.metadata());
    assertThat(dbMeta.getHashtag().getTag(0)).isEqualTo("database");
    assertThat(find(fs, "__services__", cache.serviceIdHex()).getFile().size()).isPositive();

    String expected = "cache=" + cache.serviceIdHex() + "\ndb=" + db.serviceIdHex() + "\n";
    assertThat(find(fs, ".dependencies").getFile().toStringUtf8()).isEqualTo(expected);
    assertThat(r.dependencies()).isEqualTo(Map.of("db", db.serviceIdHex(), "cache", cache.serviceIdHex()));

    assertThat(s.getPossibleEnvironmentWorkloadCount()).isEqualTo(1);
    var workloads = s.getPossibleEnvironmentWorkload(0).getWorkloadsList();
    assertThat(workloads).hasSize(2);
    String first = db.serviceIdHex().compareTo(cache.serviceIdHex()) < 0 ? db.serviceIdHex() : cache.serviceIdHex();
    assertThat(Hashes.toHex(workloads.get(0).getDependency().getHash(0).getValue())).isEqualTo(first);
    for (var w : workloads) {
      assertThat(w.getCount()).isEqualTo(1);
      assertThat(w.getDependency().getIsCompleted()).isTrue();
      assertThat(w.getDependency().getOnFilesystem()).isTrue();
      assertThat(w.getDependency().getHash(0).getType()).isEqualTo(Hashes.SHA3_256_TYPE);
    }
  }

  @Test
  void withoutDependenciesEnvThereIsNoDependenciesFileAndTheDirectoriesCanBeRenamed() throws Exception {
    child("db", "database");
    TestProject p = parent("{\"dependencies\": {\"db\": \"../db\"}, \"service_dependencies_directory\": \"svc\","
        + " \"metadata_dependencies_directory\": \"meta\"}");
    String dbId = new ServicePacker().pack(tmp.resolve("db")).serviceIdHex();

    Filesystem fs = fs(new ServicePacker().build(p.dir));

    assertThat(fs.getBranchList()).extracting(ItemBranch::getName).containsExactly("bin", "meta", "svc");
    assertThat(find(fs, "svc", dbId).hasFile()).isTrue();
  }

  @Test
  void dependenciesOfDependenciesAreEmbeddedRecursively() throws Exception {
    child("leaf", "leaf");
    TestProject mid = child("mid", "mid");
    Files.writeString(mid.dir.resolve(".service/pack_config.json"), "{\"dependencies\": {\"leaf\": \"../leaf\"}}");
    TestProject p = parent("{\"dependencies\": {\"mid\": \"../mid\"}}");
    String leafId = new ServicePacker().pack(tmp.resolve("leaf")).serviceIdHex();
    PackResult midPacked = new ServicePacker().pack(mid.dir);

    Filesystem fs = fs(new ServicePacker().build(p.dir));

    Service embeddedMid = Service.parseFrom(find(fs, "__services__", midPacked.serviceIdHex()).getFile());
    assertThat(find(fs(embeddedMid), "__services__", leafId).hasFile()).isTrue();
  }

  @Test
  void aCycleIsAnErrorNamingIt() throws Exception {
    TestProject a = child("a", "a");
    TestProject b = child("b", "b");
    Files.writeString(a.dir.resolve(".service/pack_config.json"), "{\"dependencies\": {\"b\": \"../b\"}}");
    Files.writeString(b.dir.resolve(".service/pack_config.json"), "{\"dependencies\": {\"a\": \"../a\"}}");

    assertThatThrownBy(() -> new ServicePacker().pack(a.dir))
        .isInstanceOf(PackException.class)
        .hasMessageContaining("dependency cycle: " + a.dir.toRealPath() + " -> " + b.dir.toRealPath()
            + " -> " + a.dir.toRealPath());
  }

  @Test
  void aProjectDependingOnItselfIsACycle() throws Exception {
    TestProject p = parent("{\"dependencies\": {\"me\": \".\"}}");

    assertThatThrownBy(() -> new ServicePacker().pack(p.dir))
        .hasMessageStartingWith("pack_config.json: dependencies.me: dependency cycle: ");
  }

  @Test
  void aDependencyByIdComesFromTheRegistryAndIsVerified() throws Exception {
    child("db", "database");
    Path registry = Files.createDirectories(tmp.resolve("registry"));
    PackResult db = new ServicePacker().pack(tmp.resolve("db"), registry.resolve("ignored.service"));
    Files.move(db.output(), registry.resolve(db.serviceIdHex()));
    TestProject p = parent("{\"dependencies\": {\"db\": \"" + db.serviceIdHex() + "\"}}");

    assertThatThrownBy(() -> new ServicePacker().pack(p.dir))
        .hasMessageStartingWith("pack_config.json: dependencies.db: service " + db.serviceIdHex()
            + " is named by id, so it must come from a registry folder");
    ServicePacker withRegistry = new ServicePacker(PackOptions.builder().registryDir(registry).build());
    Filesystem fs = fs(withRegistry.build(p.dir));
    assertThat(Hashes.toHex(Hashes.sha3(find(fs, "__services__", db.serviceIdHex()).getFile().toByteArray())))
        .isEqualTo(db.serviceIdHex());
    Metadata meta = Metadata.parseFrom(find(fs, "__metadata__", db.serviceIdHex()).getFile());
    assertThat(meta.getHashtag().getHashList()).isEqualTo(db.metadata().getHashtag().getHashList());

    Files.writeString(registry.resolve(db.serviceIdHex()), "not that service");
    assertThatThrownBy(() -> withRegistry.build(p.dir))
        .hasMessageContaining("hashes to " + Hashes.toHex(Hashes.sha3("not that service".getBytes())))
        .hasMessageContaining("not to the id " + db.serviceIdHex());
    Files.delete(registry.resolve(db.serviceIdHex()));
    assertThatThrownBy(() -> withRegistry.build(p.dir))
        .hasMessageContaining("is not in the registry " + registry);
  }

  @Test
  void aDependencyByIdMayBeABeeFileWithBlocks() throws Exception {
    byte[] big = new byte[4000];
    new Random(3).nextBytes(big);
    child("db", "database").file("/data/big", big, "rw-r--r--");
    Path registry = Files.createDirectories(tmp.resolve("registry"));
    ServicePacker small = new ServicePacker(PackOptions.builder().blockThresholdBytes(1000).registryDir(registry).build());
    PackResult db = small.pack(tmp.resolve("db"));
    assertThat(db.format()).isEqualTo(PackResult.Format.BEE);
    Files.copy(db.output(), registry.resolve(db.serviceIdHex() + ".bee"));
    TestProject p = parent("{\"dependencies\": {\"db\": \"" + db.serviceIdHex() + "\"}}");

    PackResult r = small.pack(p.dir);
    ServicePacker big4 = new ServicePacker(PackOptions.builder().registryDir(registry).build());
    PackResult plain = big4.pack(p.dir, tmp.resolve("plain.service"));

    assertThat(r.serviceId()).isEqualTo(plain.serviceId());
    assertThat(r.blockIds()).contains(db.serviceIdHex());
    Filesystem fs = fs(Service.parseFrom(Files.readAllBytes(plain.output())));
    assertThat(Metadata.parseFrom(find(fs, "__metadata__", db.serviceIdHex()).getFile())).isEqualTo(db.metadata());
  }

  @Test
  void anEmbeddedChildWithBlocksNestsThemAndKeepsTheId() throws Exception {
    byte[] big = new byte[4000];
    new Random(5).nextBytes(big);
    child("db", "database").file("/data/big", big, "rw-r--r--");
    TestProject p = parent("{\"dependencies\": {\"db\": \"../db\"}}");
    ServicePacker small = new ServicePacker(PackOptions.builder().blockThresholdBytes(1000).build());

    PackResult withBlocks = small.pack(p.dir);
    PackResult plain = new ServicePacker().pack(p.dir);
    String dbId = new ServicePacker().pack(tmp.resolve("db")).serviceIdHex();

    assertThat(withBlocks.serviceId()).isEqualTo(plain.serviceId());
    // parent filesystem, then the embedded service (a file whose block id is its service id),
    // then its filesystem, then its big file
    assertThat(withBlocks.blockIds()).hasSize(4);
    assertThat(withBlocks.blockIds().get(1)).isEqualTo(dbId);
    assertThat(withBlocks.blockIds().get(3)).isEqualTo(Hashes.toHex(Hashes.sha3(big)));
    assertThat(BeeServiceFile.open(withBlocks.output()).serviceIdHex()).isEqualTo(plain.serviceIdHex());
  }

  @Test
  void aParentWithChildrenPacksToTheSameIdWhateverTheTimesAndOrder() throws Exception {
    child("db", "database");
    TestProject p = parent("{\"dependencies\": {\"db\": \"../db\"}, \"dependencies_env\": true}");
    String first = new ServicePacker().pack(p.dir).serviceIdHex();

    Path copy = tmp.resolve("copy");
    TestProject.copyDifferently(tmp.resolve("parent"), copy.resolve("parent"), FileTime.from(Instant.parse("2001-02-03T04:05:06Z")));
    TestProject.copyDifferently(tmp.resolve("db"), copy.resolve("db"), FileTime.from(Instant.parse("1999-09-09T09:09:09Z")));
    TestProject.deleteTree(copy.resolve("parent").resolve(ServicePacker.BUILD_DIR));

    assertThat(new ServicePacker().pack(copy.resolve("parent")).serviceIdHex()).isEqualTo(first);
    assertThat(new ServicePacker().pack(p.dir).serviceIdHex()).isEqualTo(first);
  }

  @Test
  void aDependencyClashingWithRootfsIsAnError() throws Exception {
    child("db", "database");
    TestProject p = parent("{\"dependencies\": {\"db\": \"../db\"}, \"dependencies_env\": true}");
    p.file("/.dependencies", "mine", "rw-r--r--");

    assertThatThrownBy(() -> new ServicePacker().pack(p.dir))
        .hasMessage("rootfs: /.dependencies: already exists, but pack_config.json: dependencies_env asks to write it");
    Files.delete(p.at("/.dependencies"));
    p.file("/__services__", "a file", "rw-r--r--");
    assertThatThrownBy(() -> new ServicePacker().pack(p.dir))
        .hasMessageStartingWith("rootfs: /__services__: is not a directory");
  }
}
