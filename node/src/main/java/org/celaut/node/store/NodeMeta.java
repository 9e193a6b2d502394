package org.celaut.node.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;
import java.util.function.Supplier;

/** Facts about the node itself, such as its id, kept across restarts. */
public final class NodeMeta {

  private final Database db;

  public NodeMeta(Database db) {
    this.db = db;
  }

  public Optional<String> get(String key) throws StoreException {
    return db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT value FROM node_meta WHERE key = ?")) {
        ps.setString(1, key);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
        }
      }
    });
  }

  /** The value of {@code key}, storing {@code initial} first if there is none. */
  public String getOrCreate(String key, Supplier<String> initial) throws StoreException {
    return db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT value FROM node_meta WHERE key = ?")) {
        ps.setString(1, key);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            return rs.getString(1);
          }
        }
      }
      String v = initial.get();
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO node_meta (key, value) VALUES (?, ?)")) {
        ps.setString(1, key);
        ps.setString(2, v);
        ps.executeUpdate();
      }
      return v;
    });
  }
}
