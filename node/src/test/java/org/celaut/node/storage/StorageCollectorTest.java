package org.celaut.node.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.celaut.node.runtime.Fs.file;
import static org.celaut.node.runtime.Fs.tree;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.celaut.node.registry.ServiceRegistry;
import org.celaut.node.runtime.FilesystemTar;
import org.celaut.node.runtime.ImageSource;
import org.celaut.node.runtime.OwnedImage;
import org.celaut.node.runtime.docker.DockerRuntime;
import org.celaut.node.runtime.docker.DockerRuntimeConfig;
import org.celaut.node.store.Database;
import org.celaut.node.store.InstanceState;
import org.celaut.node.store.InstanceStore;
import org.celaut.node.store.NewInstance;
import org.celaut.proto.celaut.Metadata;
import org.celaut.proto.celaut.Service;
import org.celaut.protocol.Hashes;
import org.celaut.protocol.bee.SpooledMessage;
import org.celaut.protocol.blocks.FileBlockStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector against a real registry, block store, SQLite database and Docker engine: over
 * budget the least recently used idle service goes with its image, what an instance or a start
 * uses stays, orphan images go, last uses survive a restart, and {@code remove} refuses what is in
 * use.
 */
class StorageCollectorTest {

  @TempDir Path dir;

  private final String nodeId = "celaut-gc-test-" + UUID.randomUUID().toString().substring(0, 8);
  private final MutableClock clock = new MutableClock();
  private DockerRuntime docker;
  private Database db;
  private FileBlockStore blocks;
  private ServiceRegistry registry;
  private int spooled;

  @BeforeEach
  void open() throws Exception {
    docker = DockerRuntime.connect(DockerRuntimeConfig.defaults(nodeId));
    db = Database.open(dir.resolve("node.db"));
    blocks = new FileBlockStore(dir.resolve("blocks"));
    registry = new ServiceRegistry(dir.resolve("services"), blocks);
    Files.createDirectories(dir.resolve("spool"));
  }

  @AfterEach
  void close() throws Exception {
    try {
      for (OwnedImage i : docker.listImages()) {
        docker.removeImage(i.ref());
      }
    } finally {
      docker.close();
      db.close();
    }
  }

  private StorageCollector collector(long budgetBytes) {
    return new StorageCollector(registry, blocks, dir.resolve("spool"), docker, new ServiceUseStore(db), clock,
        budgetBytes);
  }

  /** Stores a small service and builds its image; returns its id. */
  private String storedWithImage(String name) throws Exception {
    Service s = Service.newBuilder().setProse(name)
        .setContainer(Service.Container.newBuilder()
            .setInit(Service.Container.Init.newBuilder().addEntryPath("hello"))
            .setFilesystem(tree(file("hello", "#!/bin/sh\necho " + name + "\n", "mode", "493")).toByteString()))
        .build();
    Path f = dir.resolve("in-" + (++spooled));
    Files.write(f, s.toByteArray());
    String id = registry.put(SpooledMessage.fromFile(6, f, dir.resolve("spooled-" + spooled)),
        Metadata.newBuilder().setHashtag(Metadata.HashTag.newBuilder().addTag(name)).build()).idHex();
    docker.ensureImage(new ImageSource(id,
        out -> FilesystemTar.write(s.getContainer().getFilesystem(), blocks, out)));
    return id;
  }

  private void used(StorageCollector c, String id, long atMillis) throws Exception {
    clock.now = atMillis;
    try (ServiceUse.Lease lease = c.begin()) {
      lease.pin(id);
    }
  }

  private void liveInstanceOf(String serviceId, long createdAtMillis) throws Exception {
    new InstanceStore(db).insertStarting(new NewInstance("i-" + serviceId.substring(0, 8), "t-" + serviceId,
        serviceId, Optional.empty(), Optional.empty(), 0, 0, 0, 0, "tree", createdAtMillis));
  }

  private Set<String> imagesOfServices() throws Exception {
    return docker.listImages().stream().map(OwnedImage::serviceIdHex).collect(Collectors.toSet());
  }

  private static long diskOf(StorageCollector c) throws Exception {
    return c.usage().stream().mapToLong(StorageCollector.Usage::diskBytes).sum();
  }

  @Test
  void overBudgetTheLeastRecentlyUsedIdleServiceGoesAndOneWithALiveInstanceStays() throws Exception {
    String running = storedWithImage("running");
    String old = storedWithImage("old");
    String recent = storedWithImage("recent");
    StorageCollector c = collector(0);
    liveInstanceOf(running, 50);   // the oldest use of all, but it is running
    used(c, old, 100);
    used(c, recent, 200);
    long total = diskOf(c);

    StorageCollector tight = collector(total - 1);
    Eviction plan = tight.collect();

    assertThat(plan.withinBudget()).isTrue();
    assertThat(registry.contains(old)).isFalse();
    assertThat(registry.contains(running)).isTrue();
    assertThat(registry.contains(recent)).isTrue();
    assertThat(imagesOfServices()).containsExactlyInAnyOrder(running, recent);

    Eviction none = collector(1).collect();
    assertThat(registry.contains(running)).as("in use, however far over budget").isTrue();
    assertThat(imagesOfServices()).contains(running);
    assertThat(none.withinBudget()).isFalse();
  }

  @Test
  void aServiceAStartIsUsingStaysAndNoBlockGoesWhileTheStartIsInFlight() throws Exception {
    String busy = storedWithImage("busy");
    String loose;
    try (org.celaut.protocol.blocks.BlockStore.PendingBlock b = blocks.begin()) {
      b.output().write(new byte[4096]);
      loose = b.commit(null);
    }
    StorageCollector c = collector(1);
    ServiceUse.Lease lease = c.begin();
    lease.pin(busy);
    c.collect();
    assertThat(registry.contains(busy)).isTrue();
    assertThat(imagesOfServices()).contains(busy);
    assertThat(blocks.contains(loose)).as("an upload may be about to skip it").isTrue();

    lease.close();
    c.collect();
    assertThat(registry.contains(busy)).isFalse();
    assertThat(imagesOfServices()).doesNotContain(busy);
    assertThat(blocks.contains(loose)).isFalse();
  }

  @Test
  void imagesOfServicesTheNodeNoLongerHoldsGoWithoutABudget() throws Exception {
    String kept = storedWithImage("kept");
    String dropped = storedWithImage("dropped");
    registry.remove(dropped); // as an older node version, or a hand, might have left it
    collector(0).collect();
    assertThat(imagesOfServices()).containsExactly(kept);
  }

  @Test
  void lastUsesSurviveARestartSoTheOrderDoesToo() throws Exception {
    String first = storedWithImage("first");   // stored first, used last
    String second = storedWithImage("second"); // stored last, used first
    StorageCollector c = collector(0);
    used(c, second, 1_000);
    used(c, first, 2_000);
    db.close();

    db = Database.open(dir.resolve("node.db"));
    StorageCollector afterRestart = collector(0);
    long total = diskOf(afterRestart);
    collector(total - 1).collect();
    assertThat(registry.contains(second)).isFalse();
    assertThat(registry.contains(first)).isTrue();
  }

  @Test
  void removeRefusesWhatIsInUseAndRemovesTheRest() throws Exception {
    String live = storedWithImage("live");
    String pinned = storedWithImage("pinned");
    String idle = storedWithImage("idle");
    liveInstanceOf(live, 10);
    StorageCollector c = collector(0);

    assertThatThrownBy(() -> c.remove(live))
        .isInstanceOf(RemovalRefusedException.class)
        .hasMessageContaining("used by 1 live instance(s) (i-" + live.substring(0, 8) + ")")
        .hasMessageContaining("celaut stop")
        .satisfies(e -> assertThat(((RemovalRefusedException) e).kind()).isEqualTo(RemovalRefusedException.Kind.IN_USE));
    try (ServiceUse.Lease lease = c.begin()) {
      lease.pin(pinned);
      assertThatThrownBy(() -> c.remove(pinned)).hasMessageContaining("being started right now");
    }
    String unknown = Hashes.toHex(Hashes.sha3(new byte[] {1}));
    assertThatThrownBy(() -> c.remove(unknown))
        .hasMessageContaining("not on this node")
        .satisfies(e -> assertThat(((RemovalRefusedException) e).kind()).isEqualTo(RemovalRefusedException.Kind.NOT_FOUND));
    assertThat(registry.contains(live)).isTrue();
    assertThat(imagesOfServices()).containsExactlyInAnyOrder(live, pinned, idle);

    StorageCollector.Removed r = c.remove(idle.toUpperCase());
    assertThat(r.serviceId()).isEqualTo(idle);
    assertThat(r.tag()).isEqualTo("idle");
    assertThat(r.imagesRemoved()).isEqualTo(1);
    assertThat(r.freedBytes()).isPositive();
    assertThat(registry.contains(idle)).isFalse();
    assertThat(imagesOfServices()).containsExactlyInAnyOrder(live, pinned);

    new InstanceStore(db).markEnded("i-" + live.substring(0, 8), InstanceState.ENDED, "stopped", 20);
    c.remove(live);
    assertThat(registry.contains(live)).isFalse();
  }

  @Test
  void aStartWaitsForARemovalOfItsServiceUnderWayAndThenFindsItGone() throws Exception {
    String id = storedWithImage("raced");
    StorageCollector c = collector(0);
    List<String> seen = new ArrayList<>();
    // Hold the collector's claim as a removal does, and pin from another thread meanwhile.
    ServicePins pins = c.pins();
    assertThat(pins.claim(id)).isTrue();
    Thread start = new Thread(() -> {
      try (ServiceUse.Lease lease = c.begin()) {
        lease.pin(id);
        seen.add(registry.contains(id) ? "found" : "gone");
      } catch (Exception e) {
        seen.add(e.toString());
      }
    });
    start.start();
    org.awaitility.Awaitility.await().until(() -> start.getState() == Thread.State.WAITING);
    registry.remove(id);
    pins.release(id);
    start.join(10_000);
    assertThat(seen).containsExactly("gone");
  }

  /** A clock the test sets. */
  private static final class MutableClock extends Clock {
    volatile long now;

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(now);
    }
  }
}
