package org.celaut.node.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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

  /**
   * Three clients uploading one new service at once used to fail two of them with INTERNAL
   * ("services/.tmp-… -> services/<id>: Directory not empty"): rename(2) onto the directory the
   * first one had just published. Every round publishes a new service from eight threads at once.
   */
  @Test
  void concurrentFirstStoresOfOneServiceAllSucceedAndKeepOneCopy() throws Exception {
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 10; round++) {
        Service s = service("raced " + round + " " + "x".repeat(200_000));
        String id = Hashes.toHex(Hashes.sha3(s.toByteArray()));
        List<SpooledMessage> copies = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          copies.add(spool(s.toByteArray()));
        }
        CyclicBarrier together = new CyclicBarrier(threads);
        List<Future<StoredService>> stores = new ArrayList<>();
        for (SpooledMessage copy : copies) {
          stores.add(pool.submit(() -> {
            together.await();
            return registry.put(copy, tagged("raced"));
          }));
        }
        for (Future<StoredService> f : stores) {
          assertThat(f.get(30, TimeUnit.SECONDS).idHex()).isEqualTo(id);
        }
        assertThat(registry.get(id).orElseThrow().service()).isEqualTo(s);
        for (SpooledMessage copy : copies) {
          assertThat(Files.exists(copy.directory())).as("every received copy is consumed").isFalse();
        }
      }
      try (Stream<Path> left = Files.list(dir.resolve("services"))) {
        assertThat(left.map(p -> p.getFileName().toString()))
            .as("one directory per service, no temporary directory left").hasSize(10)
            .allMatch(Hashes::isSha3Hex);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void rejectsIdsThatAreNotSha3Hex() throws Exception {
    assertThat(registry.contains("../../etc")).isFalse();
    assertThat(registry.get("zz")).isEmpty();
  }
}
