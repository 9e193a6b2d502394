package org.celaut.node.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceStoreTest {

  @TempDir Path dir;

  static NewInstance root(String id, String tokenSha, Optional<String> client, long now) {
    return new NewInstance(id, tokenSha, "svc", Optional.empty(), client, 0, 32L << 20, 0, 0, "tree-" + id, now);
  }

  @Test
  void anInstanceGoesThroughItsLifecycleAndSurvivesReopening() throws Exception {
    try (Database db = Database.open(dir.resolve("node.db"))) {
      InstanceStore s = new InstanceStore(db);
      s.insertStarting(root("i1", "tokhash", Optional.of("client"), 1000));
      assertThat(s.listAlive()).extracting(InstanceRecord::state).containsExactly(InstanceState.STARTING);
      s.markRunning("i1", "container-1", "172.18.0.2", new byte[] {1, 2});
    }
    try (Database db = Database.open(dir.resolve("node.db"))) {
      InstanceStore s = new InstanceStore(db);
      InstanceRecord r = s.findByTokenSha256("tokhash").orElseThrow();
      assertThat(r.state()).isEqualTo(InstanceState.RUNNING);
      assertThat(r.containerId()).contains("container-1");
      assertThat(r.instanceProto()).containsExactly(1, 2);
      assertThat(r.clientId()).contains("client");
      assertThat(r.networkIp()).contains("172.18.0.2");
      assertThat(r.memLimitBytes()).isEqualTo(32L << 20);
      assertThat(r.treeToken()).isEqualTo("tree-i1");
      assertThat(r.depth()).isZero();
      assertThat(s.markEnded("i1", InstanceState.ENDED, "stopped", 2000)).isTrue();
      assertThat(s.markEnded("i1", InstanceState.ENDED, "again", 3000)).as("ending twice changes nothing").isFalse();
      assertThat(s.listAlive()).isEmpty();
      assertThat(s.findById("i1").orElseThrow().endReason()).isEqualTo("stopped");
      assertThat(s.listRecent(10)).hasSize(1);
    }
  }

  @Test
  void onlyAStartingInstanceCanBecomeRunning() throws Exception {
    try (Database db = Database.open(dir.resolve("node.db"))) {
      InstanceStore s = new InstanceStore(db);
      s.insertStarting(root("i1", "t", Optional.empty(), 1));
      s.markEnded("i1", InstanceState.FAILED, "boom", 2);
      assertThatThrownBy(() -> s.markRunning("i1", "c", "172.18.0.2", new byte[0]))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("i1");
    }
  }

  @Test
  void tokensAreUnique() throws Exception {
    try (Database db = Database.open(dir.resolve("node.db"))) {
      InstanceStore s = new InstanceStore(db);
      s.insertStarting(root("i1", "same", Optional.empty(), 1));
      assertThatThrownBy(() -> s.insertStarting(root("i2", "same", Optional.empty(), 1)))
          .isInstanceOf(StoreException.class);
      assertThat(s.findById("i2")).isEmpty();
    }
  }

  @Test
  void nodeMetaKeepsTheFirstValue() throws Exception {
    try (Database db = Database.open(dir.resolve("node.db"))) {
      NodeMeta m = new NodeMeta(db);
      assertThat(m.getOrCreate("node_id", () -> "a")).isEqualTo("a");
      assertThat(m.getOrCreate("node_id", () -> "b")).isEqualTo("a");
      assertThat(m.get("missing")).isEmpty();
    }
  }
}
