package org.celaut.node.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The instances table: every transition is one statement, so a crash leaves a valid state. */
public final class InstanceStore {

  private static final String COLUMNS =
      "id, token_sha256, service_id, container_id, state, parent_id, client_id, instance_proto,"
          + " created_at_ms, ended_at_ms, end_reason";

  private final Database db;

  public InstanceStore(Database db) {
    this.db = db;
  }

  /** Records an instance about to be created (state STARTING). */
  public void insertStarting(
      String id, String tokenSha256, String serviceId, Optional<String> parentId,
      Optional<String> clientId, long nowMillis) throws StoreException {
    db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO instances (id, token_sha256, service_id, state, parent_id, client_id,"
              + " created_at_ms) VALUES (?, ?, ?, 'STARTING', ?, ?, ?)")) {
        ps.setString(1, id);
        ps.setString(2, tokenSha256);
        ps.setString(3, serviceId);
        ps.setString(4, parentId.orElse(null));
        ps.setString(5, clientId.orElse(null));
        ps.setLong(6, nowMillis);
        ps.executeUpdate();
      }
      return null;
    });
  }

  /** STARTING → RUNNING with its container and addresses. */
  public void markRunning(String id, String containerId, byte[] instanceProto) throws StoreException {
    update(id, "UPDATE instances SET state = 'RUNNING', container_id = ?, instance_proto = ?"
        + " WHERE id = ? AND state = 'STARTING'", ps -> {
          ps.setString(1, containerId);
          ps.setBytes(2, instanceProto);
          ps.setString(3, id);
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
    return query("SELECT " + COLUMNS + " FROM instances WHERE state IN ('STARTING', 'RUNNING')"
        + " ORDER BY created_at_ms, id");
  }

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

  private List<InstanceRecord> query(String sql) throws StoreException {
    return db.inTransaction(c -> {
      List<InstanceRecord> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(read(rs));
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
        Optional.ofNullable(rs.getString("end_reason")).orElse(""));
  }

  @FunctionalInterface
  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }
}
