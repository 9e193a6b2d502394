package org.celaut.sdk.service;

import java.nio.file.Path;
import org.celaut.sdk.client.CelautException;

/**
 * The config file a node writes for its instance ({@code /__config__}) is missing, unreadable, not
 * a {@code celaut.ConfigurationFile}, or does not say where the node is. The message names the
 * file. Inside an instance this means the service was not started by a Celaut node (or declares
 * another config path); in local development, point {@code CELAUT_CONFIG} or {@link
 * ServiceContext.Builder#configFile} at a file.
 */
public final class ConfigFileException extends CelautException {
  private static final long serialVersionUID = 1L;

  private final transient Path path;

  /**
   * @param path the config file at fault
   * @param message what is wrong with it (the path is prepended)
   * @param cause the underlying failure, if any
   */
  public ConfigFileException(Path path, String message, Throwable cause) {
    super(path + ": " + message, null, cause);
    this.path = path;
  }

  /** The config file at fault. */
  public Path path() {
    return path;
  }
}
