package org.celaut.node.storage;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.celaut.node.store.Database;
import org.celaut.node.store.StoreException;

/**
 * When services were last used and which have live instances, as the database knows it. A use is
 * a StartService that named the service ({@code service_use}, migration V3) or the start or end
 * of one of its instances ({@code instances}), so the order survives restarts.
 */
public final class ServiceUseStore {

  private static final String ALIVE = "state IN ('STARTING', 'RUNNING')";

  private final Database db;

  public ServiceUseStore(Database db) {
    this.db = db;
  }

  /** Records that these services were used at {@code nowMillis} (an earlier time never wins). */
  public void touch(Collection<String> serviceIds, long nowMillis) throws StoreException {
    if (serviceIds.isEmpty()) {
      return;
    }
    db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO service_use (service_id, last_used_ms) VALUES (?, ?)"
              + " ON CONFLICT (service_id) DO UPDATE SET last_used_ms = MAX(last_used_ms, excluded.last_used_ms)")) {
        for (String id : serviceIds) {
          ps.setString(1, id);
          ps.setLong(2, nowMillis);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return null;
    });
  }

  /** The last use of every service the database has seen used, in epoch milliseconds. */
  public Map<String, Long> lastUsed() throws StoreException {
    return db.inTransaction(c -> {
      Map<String, Long> out = new HashMap<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT service_id, MAX(t) FROM ("
              + " SELECT service_id, last_used_ms AS t FROM service_use"
              + " UNION ALL SELECT service_id, MAX(created_at_ms, COALESCE(ended_at_ms, 0)) FROM instances"
              + ") GROUP BY service_id");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getLong(2));
        }
      }
      return out;
    });
  }

  /** Ids of the live (starting or running) instances of every service that has any. */
  public Map<String, List<String>> liveInstances() throws StoreException {
    return db.inTransaction(c -> {
      Map<String, List<String>> out = new HashMap<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT service_id, id FROM instances WHERE " + ALIVE + " ORDER BY created_at_ms");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
        }
      }
      return out;
    });
  }

  /** Forgets the recorded uses of a removed service (its instances' rows stay: they are history). */
  public void forget(String serviceId) throws StoreException {
    db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM service_use WHERE service_id = ?")) {
        ps.setString(1, serviceId);
        ps.executeUpdate();
      }
      return null;
    });
  }
}
