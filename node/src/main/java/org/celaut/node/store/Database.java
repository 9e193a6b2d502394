package org.celaut.node.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The node's embedded SQLite database, migrated to the newest schema on open.
 *
 * <p>SQLite serialises writers anyway, so one shared connection guarded by this object's monitor
 * is both simplest and fastest here; WAL mode keeps a crash from corrupting the file and lets
 * the file be copied while the node runs.
 */
public final class Database implements AutoCloseable {

  private final Path file;
  private final Connection connection;

  private Database(Path file, Connection connection) {
    this.file = file;
    this.connection = connection;
  }

  /** Opens (creating if needed) {@code file} and applies every pending migration. */
  public static Database open(Path file) throws StoreException {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
    } catch (java.io.IOException e) {
      throw new StoreException("cannot create the directory of database " + file + ": " + e.getMessage(), e);
    }
    SQLiteConfig cfg = new SQLiteConfig();
    cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
    cfg.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    cfg.enforceForeignKeys(true);
    cfg.setBusyTimeout(10_000);
    SQLiteDataSource ds = new SQLiteDataSource(cfg);
    ds.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
    try {
      Flyway.configure()
          .dataSource(ds)
          .locations("classpath:db/migration")
          .loggers("slf4j")
          .load()
          .migrate();
    } catch (FlywayException e) {
      throw new StoreException(
          "cannot migrate database " + file + " to the current schema: " + e.getMessage()
              + " (was it written by a newer version of the node?)", e);
    }
    try {
      return new Database(file, ds.getConnection());
    } catch (SQLException e) {
      throw new StoreException("cannot open database " + file + ": " + e.getMessage(), e);
    }
  }

  /** The database file. */
  public Path file() {
    return file;
  }

  /** Runs {@code work} with exclusive use of the connection, inside one transaction. */
  public <T> T inTransaction(SqlWork<T> work) throws StoreException {
    synchronized (this) {
      try {
        connection.setAutoCommit(false);
        try {
          T result = work.run(connection);
          connection.commit();
          return result;
        } catch (SQLException | RuntimeException e) {
          connection.rollback();
          throw e;
        } finally {
          connection.setAutoCommit(true);
        }
      } catch (SQLException e) {
        throw new StoreException("database " + file + ": " + e.getMessage(), e);
      }
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // Closing is best effort: WAL keeps the file consistent either way.
      }
    }
  }

  /** A unit of work on the connection. */
  @FunctionalInterface
  public interface SqlWork<T> {
    T run(Connection c) throws SQLException;
  }
}
