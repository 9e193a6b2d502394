package org.celaut.node.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.celaut.proto.celaut.Metadata;
import org.celaut.proto.celaut.Service;
import org.celaut.protocol.Hashes;
import org.celaut.protocol.bee.SpooledMessage;
import org.celaut.protocol.blocks.FileBlockStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceRegistryTest {

  @TempDir Path dir;
  private ServiceRegistry registry;
  private int n;

  @BeforeEach
  void open() throws Exception {
    registry = new ServiceRegistry(dir.resolve("services"), new FileBlockStore(dir.resolve("blocks")));
  }

  private SpooledMessage spool(byte[] bytes) throws Exception {
    Path f = dir.resolve("in-" + (++n));
    Files.write(f, bytes);
    return SpooledMessage.fromFile(6, f, dir.resolve("spool-" + n));
  }

  private static Service service(String prose) {
    return Service.newBuilder().setProse(prose)
        .setContainer(Service.Container.newBuilder()
            .setInit(Service.Container.Init.newBuilder().addEntryPath("bin").addEntryPath("x"))
            .setFilesystem(ByteString.copyFromUtf8("not parsed here")))
        .build();
  }

  private static Metadata tagged(String tag) {
    return Metadata.newBuilder().setHashtag(Metadata.HashTag.newBuilder().addTag(tag)).build();
  }

  @Test
  void storesAServiceUnderTheHashOfItsBytesAndReadsItBack() throws Exception {
    Service s = service("one");
    String id = Hashes.toHex(Hashes.sha3(s.toByteArray()));
    StoredService stored = registry.put(spool(s.toByteArray()), tagged("demo"));
    assertThat(stored.idHex()).isEqualTo(id);
    assertThat(registry.contains(id)).isTrue();
    assertThat(registry.contains(id.toUpperCase())).as("ids are case-insensitive hex").isTrue();
    assertThat(registry.get(id).orElseThrow().service()).isEqualTo(s);
    assertThat(stored.tag()).isEqualTo("demo");
    assertThat(stored.metadata().getHashtag().getHash(0)).isEqualTo(Hashes.sha3Hash(Hashes.sha3(s.toByteArray())));
    assertThat(stored.expandedSize()).isEqualTo(s.getSerializedSize());
    try (var in = stored.message().openExpanded(registry.blocks())) {
      assertThat(in.readAllBytes()).isEqualTo(s.toByteArray());
    }
  }

  @Test
  void storingTheSameServiceTwiceKeepsOneCopy() throws Exception {
    Service s = service("twice");
    registry.put(spool(s.toByteArray()), tagged("first"));
    SpooledMessage again = spool(s.toByteArray());
    StoredService stored = registry.put(again, tagged("second"));
    assertThat(stored.tag()).as("the first copy is kept").isEqualTo("first");
    assertThat(registry.list()).hasSize(1);
    assertThat(Files.exists(again.directory())).as("the duplicate is discarded").isFalse();
  }

  @Test
  void bytesThatAreNotAServiceAreRefusedAndNothingIsLeft() throws Exception {
    SpooledMessage junk = spool(new byte[] {0x0a, 0x05, 0x01});
    assertThatThrownBy(() -> registry.put(junk, Metadata.getDefaultInstance()))
        .isInstanceOf(InvalidServiceException.class)
        .hasMessageContaining("not a celaut.Service");
    assertThat(registry.list()).isEmpty();
    try (Stream<Path> s = Files.list(dir.resolve("services"))) {
      assertThat(s).isEmpty();
    }
    assertThat(Files.exists(junk.directory())).isFalse();
  }

  @Test
  void listsInIdOrderAndRemoves() throws Exception {
    StoredService a = registry.put(spool(service("a").toByteArray()), tagged("a"));
    StoredService b = registry.put(spool(service("b").toByteArray()), tagged("b"));
    assertThat(registry.list()).extracting(StoredService::idHex)
        .containsExactly(a.idHex().compareTo(b.idHex()) < 0
            ? new String[] {a.idHex(), b.idHex()} : new String[] {b.idHex(), a.idHex()});
    assertThat(registry.remove(a.idHex())).isTrue();
    assertThat(registry.remove(a.idHex())).isFalse();
    assertThat(registry.get(a.idHex())).isEmpty();
    assertThat(registry.list()).extracting(StoredService::idHex).containsExactly(b.idHex());
  }

  @Test
  void leftoversOfAnInterruptedStoreAreRemovedAtOpen() throws Exception {
    Path leftover = dir.resolve("services/.tmp-deadbeef");
    Files.createDirectories(leftover);
    Files.writeString(leftover.resolve("half"), "x");
    new ServiceRegistry(dir.resolve("services"), registry.blocks());
    assertThat(Files.exists(leftover)).isFalse();
  }

  @Test
  void rejectsIdsThatAreNotSha3Hex() throws Exception {
    assertThat(registry.contains("../../etc")).isFalse();
    assertThat(registry.get("zz")).isEmpty();
  }
}
