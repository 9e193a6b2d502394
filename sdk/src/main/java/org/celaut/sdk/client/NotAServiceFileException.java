package org.celaut.sdk.client;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file given as a service is not one: neither a {@code .bee} file nor a serialized {@code
 * celaut.Service} with a container, an architecture and an entrypoint (a README, a project
 * directory's file, a damaged download). Found on the client, before anything is uploaded. Pack
 * the project with {@code celaut pack DIR} ({@code ServicePacker}) and give the file it writes.
 */
public final class NotAServiceFileException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;

  /**
   * @param file the file refused
   * @param why what is wrong with it, for a person
   */
  public NotAServiceFileException(Path file, String why) {
    super(file + " is not a Celaut service file: " + why + ". 'celaut pack DIR' writes one"
        + " (DIR/.service/build/<tag>.service, or <tag>.bee when the service has blocks)");
    this.file = file;
  }

  /** The file refused. */
  public Path file() {
    return file;
  }
}
