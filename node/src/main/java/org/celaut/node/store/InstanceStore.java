package org.celaut.node.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The instances table: every transition is one statement, so a crash leaves a valid state. */
public final class InstanceStore {

  private static final String COLUMNS =
      "id, token_sha256, service_id, container_id, state, parent_id, client_id, instance_proto,"
          + " created_at_ms, ended_at_ms, end_reason, network_ip, depth, mem_limit_bytes, cpu_period,"
          + " cpu_quota, tree_token";
  private static final String ALIVE = "state IN ('STARTING', 'RUNNING')";
  /** Longest parent chain {@link #lineage} follows; far beyond any configurable depth. */
  private static final int MAX_LINEAGE = 1024;

  private final Database db;

  public InstanceStore(Database db) {
    this.db = db;
  }

  /** Records an instance about to be created (state STARTING). */
  public void insertStarting(NewInstance n) throws StoreException {
    db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO instances (id, token_sha256, service_id, state, parent_id, client_id,"
              + " created_at_ms, depth, mem_limit_bytes, cpu_period, cpu_quota, tree_token)"
              + " VALUES (?, ?, ?, 'STARTING', ?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, n.id());
        ps.setString(2, n.tokenSha256());
        ps.setString(3, n.serviceId());
        ps.setString(4, n.parentId().orElse(null));
        ps.setString(5, n.clientId().orElse(null));
        ps.setLong(6, n.createdAtMillis());
        ps.setInt(7, n.depth());
        ps.setLong(8, n.memLimitBytes());
        ps.setLong(9, n.cpuPeriodMicros());
        ps.setLong(10, n.cpuQuotaMicros());
        ps.setString(11, n.treeToken());
        ps.executeUpdate();
      }
      return null;
    });
  }

  /** STARTING → RUNNING with its container, its address on the node network and its addresses. */
  public void markRunning(String id, String containerId, String networkIp, byte[] instanceProto)
      throws StoreException {
    update(id, "UPDATE instances SET state = 'RUNNING', container_id = ?, network_ip = ?,"
        + " instance_proto = ? WHERE id = ? AND state = 'STARTING'", ps -> {
          ps.setString(1, containerId);
          ps.setString(2, networkIp == null || networkIp.isEmpty() ? null : networkIp);
          ps.setBytes(3, instanceProto);
          ps.setString(4, id);
        });
  }

  /** Records the limits now in force for a live instance. */
  public void updateResources(String id, long memLimitBytes, long cpuPeriodMicros, long cpuQuotaMicros)
      throws StoreException {
    update(id, "UPDATE instances SET mem_limit_bytes = ?, cpu_period = ?, cpu_quota = ?"
        + " WHERE id = ? AND " + ALIVE, ps -> {
          ps.setLong(1, memLimitBytes);
          ps.setLong(2, cpuPeriodMicros);
          ps.setLong(3, cpuQuotaMicros);
          ps.setString(4, id);
        });
  }

  /** Ends an alive instance; returns false if it had already ended. */
  public boolean markEnded(String id, InstanceState endState, String reason, long nowMillis)
      throws StoreException {
    if (endState != InstanceState.ENDED && endState != InstanceState.FAILED) {
      throw new IllegalArgumentException("not an end state: " + endState);
    }
    return db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE instances SET state = ?, ended_at_ms = ?, end_reason = ?"
              + " WHERE id = ? AND state IN ('STARTING', 'RUNNING')")) {
        ps.setString(1, endState.name());
        ps.setLong(2, nowMillis);
        ps.setString(3, reason);
        ps.setString(4, id);
        return ps.executeUpdate() == 1;
      }
    });
  }

  public Optional<InstanceRecord> findByTokenSha256(String tokenSha256) throws StoreException {
    return queryOne("SELECT " + COLUMNS + " FROM instances WHERE token_sha256 = ?", tokenSha256);
  }

  public Optional<InstanceRecord> findById(String id) throws StoreException {
    return queryOne("SELECT " + COLUMNS + " FROM instances WHERE id = ?", id);
  }

  /** Instances in STARTING or RUNNING, oldest first. */
  public List<InstanceRecord> listAlive() throws StoreException {
    return query("SELECT " + COLUMNS + " FROM instances WHERE " + ALIVE + " ORDER BY created_at_ms, id");
  }

  /**
   * Live instances recorded at {@code networkIp}. Normally one; more only if an instance's
   * container vanished unnoticed and the engine gave its address to a newer one.
   */
  public List<InstanceRecord> listAliveByNetworkIp(String networkIp) throws StoreException {
    return query("SELECT " + COLUMNS + " FROM instances WHERE network_ip = ? AND " + ALIVE
        + " ORDER BY created_at_ms, id", networkIp);
  }

  /** Live children of {@code parentId}, oldest first. */
  public List<InstanceRecord> listAliveChildren(String parentId) throws StoreException {
    return query("SELECT " + COLUMNS + " FROM instances WHERE parent_id = ? AND " + ALIVE
        + " ORDER BY created_at_ms, id", parentId);
  }

  /**
   * The chain of instances from the root of {@code id}'s tree down to {@code id} itself (root
   * first), whatever their state; empty if {@code id} is unknown.
   */
  public List<InstanceRecord> lineage(String id) throws StoreException {
    return db.inTransaction(c -> {
      ArrayDeque<InstanceRecord> chain = new ArrayDeque<>();
      Set<String> seen = new HashSet<>();
      String next = id;
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM instances WHERE id = ?")) {
        while (next != null && seen.add(next) && chain.size() < MAX_LINEAGE) {
          ps.setString(1, next);
          try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
              break;
            }
            InstanceRecord r = read(rs);
            chain.addFirst(r);
            next = r.parentId().orElse(null);
          }
        }
      }
      return List.copyOf(chain);
    });
  }

  /**
   * Memory held by live instances: the sum of their limits, counting {@code unrecordedAsBytes}
   * for each whose limit was never recorded (adopted from a node older than the budget).
   */
  public MemoryInUse aliveMemory(long unrecordedAsBytes) throws StoreException {
    return db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT COALESCE(SUM(CASE WHEN mem_limit_bytes > 0 THEN mem_limit_bytes ELSE ? END), 0),"
              + " COUNT(*) FROM instances WHERE " + ALIVE)) {
        ps.setLong(1, unrecordedAsBytes);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return new MemoryInUse(rs.getLong(1), rs.getInt(2));
        }
      }
    });
  }

  /**
   * Memory held by live instances.
   *
   * @param bytes sum of their memory limits
   * @param instances how many live instances hold it
   */
  public record MemoryInUse(long bytes, int instances) {}

  /** Every instance, newest first, at most {@code limit}. */
  public List<InstanceRecord> listRecent(int limit) throws StoreException {
    return query("SELECT " + COLUMNS + " FROM instances ORDER BY created_at_ms DESC, id LIMIT "
        + Math.max(1, limit));
  }

  private Optional<InstanceRecord> queryOne(String sql, String arg) throws StoreException {
    return db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, arg);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(read(rs)) : Optional.<InstanceRecord>empty();
        }
      }
    });
  }

  private List<InstanceRecord> query(String sql, String... args) throws StoreException {
    return db.inTransaction(c -> {
      List<InstanceRecord> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (int i = 0; i < args.length; i++) {
          ps.setString(i + 1, args[i]);
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(read(rs));
          }
        }
      }
      return out;
    });
  }

  private void update(String id, String sql, Binder binder) throws StoreException {
    int n = db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        binder.bind(ps);
        return ps.executeUpdate();
      }
    });
    if (n != 1) {
      throw new StoreException("instance " + id + " is not in the state this change needs", null);
    }
  }

  private static InstanceRecord read(ResultSet rs) throws SQLException {
    byte[] proto = rs.getBytes("instance_proto");
    return new InstanceRecord(
        rs.getString("id"),
        rs.getString("token_sha256"),
        rs.getString("service_id"),
        Optional.ofNullable(rs.getString("container_id")),
        InstanceState.valueOf(rs.getString("state")),
        Optional.ofNullable(rs.getString("parent_id")),
        Optional.ofNullable(rs.getString("client_id")),
        proto == null ? new byte[0] : proto,
        rs.getLong("created_at_ms"),
        rs.getLong("ended_at_ms"),
        Optional.ofNullable(rs.getString("end_reason")).orElse(""),
        Optional.ofNullable(rs.getString("network_ip")),
        rs.getInt("depth"),
        rs.getLong("mem_limit_bytes"),
        rs.getLong("cpu_period"),
        rs.getLong("cpu_quota"),
        Optional.ofNullable(rs.getString("tree_token")).orElse(""));
  }

  @FunctionalInterface
  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }
}
