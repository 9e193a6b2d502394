package org.celaut.node.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The V2 schema: trees, addresses and resources of instances, and data kept from V1. */
class InstanceTreeStoreTest {

  @TempDir Path dir;

  private static NewInstance child(String id, String parent, int depth, long mem, String tree) {
    return new NewInstance(id, "sha-" + id, "svc-" + id, Optional.ofNullable(parent), Optional.empty(),
        depth, mem, 100_000, 50_000, tree, 1000 + id.hashCode() % 100);
  }

  @Test
  void aTreeIsRecordedWithDepthsTokensAndResources() throws Exception {
    try (Database db = Database.open(dir.resolve("node.db"))) {
      InstanceStore s = new InstanceStore(db);
      s.insertStarting(child("r", null, 0, 32L << 20, "T"));
      s.insertStarting(child("a", "r", 1, 16L << 20, "T"));
      s.insertStarting(child("b", "r", 1, 16L << 20, "T"));
      s.insertStarting(child("a1", "a", 2, 8L << 20, "T"));
      InstanceRecord a1 = s.findById("a1").orElseThrow();
      assertThat(a1.parentId()).contains("a");
      assertThat(a1.depth()).isEqualTo(2);
      assertThat(a1.treeToken()).isEqualTo("T");
      assertThat(a1.cpuPeriodMicros()).isEqualTo(100_000);
      assertThat(a1.cpuQuotaMicros()).isEqualTo(50_000);
      assertThat(a1.networkIp()).as("unknown until running").isEmpty();

      assertThat(s.lineage("a1")).extracting(InstanceRecord::id).containsExactly("r", "a", "a1");
      assertThat(s.lineage("r")).extracting(InstanceRecord::id).containsExactly("r");
      assertThat(s.lineage("nobody")).isEmpty();
      assertThat(s.listAliveChildren("r")).extracting(InstanceRecord::id).containsExactlyInAnyOrder("a", "b");

      s.markEnded("b", InstanceState.ENDED, "stopped", 2000);
      assertThat(s.listAliveChildren("r")).extracting(InstanceRecord::id).containsExactly("a");
      assertThat(s.lineage("a1")).as("ended ancestors still count").hasSize(3);
    }
  }

  @Test
  void onlyLiveInstancesAreFoundByAddress() throws Exception {
    try (Database db = Database.open(dir.resolve("node.db"))) {
      InstanceStore s = new InstanceStore(db);
      s.insertStarting(child("old", null, 0, 1, "T1"));
      s.markRunning("old", "c-old", "172.18.0.2", new byte[0]);
      s.markEnded("old", InstanceState.ENDED, "stopped", 2000);
      s.insertStarting(child("new", null, 0, 1, "T2"));
      s.markRunning("new", "c-new", "172.18.0.2", new byte[0]);
      assertThat(s.listAliveByNetworkIp("172.18.0.2")).extracting(InstanceRecord::id).containsExactly("new");
      assertThat(s.listAliveByNetworkIp("172.18.0.3")).isEmpty();
    }
  }

  @Test
  void memoryInUseCountsLiveInstancesAndUnrecordedOnesAsTheDefault() throws Exception {
    try (Database db = Database.open(dir.resolve("node.db"))) {
      InstanceStore s = new InstanceStore(db);
      assertThat(s.aliveMemory(256)).isEqualTo(new InstanceStore.MemoryInUse(0, 0));
      s.insertStarting(child("a", null, 0, 100, "T"));
      s.insertStarting(child("b", null, 0, 0, "T"));
      s.insertStarting(child("c", null, 0, 1000, "T"));
      s.markEnded("c", InstanceState.FAILED, "boom", 2);
      assertThat(s.aliveMemory(256)).isEqualTo(new InstanceStore.MemoryInUse(356, 2));
      s.updateResources("a", 200, 100_000, 200_000);
      assertThat(s.aliveMemory(256).bytes()).isEqualTo(456);
      InstanceRecord a = s.findById("a").orElseThrow();
      assertThat(a.memLimitBytes()).isEqualTo(200);
      assertThat(a.cpuQuotaMicros()).isEqualTo(200_000);
    }
  }

  @Test
  void anInstanceRecordedByTheFoundationSchemaIsReadAfterTheMigration() throws Exception {
    Path file = dir.resolve("node.db");
    String url = "jdbc:sqlite:" + file.toAbsolutePath();
    Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration").target("1").load().migrate();
    try (Connection c = DriverManager.getConnection(url)) {
      c.createStatement().executeUpdate("INSERT INTO instances (id, token_sha256, service_id, container_id, state,"
          + " created_at_ms) VALUES ('v1', 'sha', 'svc', 'c1', 'RUNNING', 5)");
    }
    try (Database db = Database.open(file)) {
      InstanceStore s = new InstanceStore(db);
      InstanceRecord r = s.findById("v1").orElseThrow();
      assertThat(r.state()).isEqualTo(InstanceState.RUNNING);
      assertThat(r.depth()).isZero();
      assertThat(r.memLimitBytes()).isZero();
      assertThat(r.treeToken()).isEmpty();
      assertThat(r.networkIp()).isEmpty();
      assertThat(s.aliveMemory(64).bytes()).as("an unrecorded limit counts as the default").isEqualTo(64);
    }
    try (Connection c = DriverManager.getConnection(url);
        ResultSet rs = c.createStatement().executeQuery(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'instances' ORDER BY name")) {
      java.util.List<String> names = new java.util.ArrayList<>();
      while (rs.next()) {
        names.add(rs.getString(1));
      }
      assertThat(names).contains("instances_alive_network_ip", "instances_tree_token", "instances_parent");
    }
  }
}
