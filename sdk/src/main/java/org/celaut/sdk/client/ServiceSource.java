package org.celaut.sdk.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Optional;
import org.celaut.protocol.Hashes;

/**
 * What service to start: a packed service file (sent only if the node lacks it) or just an id
 * (the node must already hold it). Immutable.
 */
public final class ServiceSource {

  private final String idHex;
  private final Path file;
  private final String tag;

  private ServiceSource(String idHex, Path file, String tag) {
    this.idHex = idHex;
    this.file = file;
    this.tag = tag;
  }

  /** The same source with a name for people (sent in the start's Metadata). */
  public ServiceSource withTag(String newTag) {
    return new ServiceSource(idHex, file, newTag);
  }

  /** The name sent with the service, if any. */
  public Optional<String> tag() {
    return Optional.ofNullable(tag).filter(t -> !t.isEmpty());
  }

  /** A packed service file (the serialized {@code celaut.Service}); its id is its SHA3-256. */
  public static ServiceSource fromFile(Path serviceFile) throws IOException {
    MessageDigest d = Hashes.newSha3();
    try (InputStream in = Files.newInputStream(serviceFile)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        d.update(buf, 0, n);
      }
    }
    String name = serviceFile.getFileName().toString();
    // 'celaut pack' names its output <tag>.service: keep that tag unless told otherwise.
    String tag = name.endsWith(".service") ? name.substring(0, name.length() - ".service".length()) : null;
    return new ServiceSource(Hashes.toHex(d.digest()), serviceFile, tag);
  }

  /** A service the node already holds, by its 64-hex-character id. */
  public static ServiceSource byId(String idHex) {
    if (!Hashes.isSha3Hex(idHex)) {
      throw new IllegalArgumentException("a service id is 64 hex characters (SHA3-256), got '" + idHex + "'");
    }
    return new ServiceSource(idHex.toLowerCase(java.util.Locale.ROOT), null, null);
  }

  /** The service id: SHA3-256 of the serialized service, 64 lower-case hex characters. */
  public String idHex() {
    return idHex;
  }

  /** The file to upload if the node lacks the service. */
  public Optional<Path> file() {
    return Optional.ofNullable(file);
  }
}
