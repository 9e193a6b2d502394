package org.celaut.sdk.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Optional;
import org.celaut.protocol.Hashes;
import org.celaut.sdk.pack.BeeServiceFile;
import org.celaut.sdk.pack.PackResult;

/**
 * What service to start: a packed service file (sent only if the node lacks it) or just an id
 * (the node must already hold it). Immutable.
 *
 * <p>A file is either the plain serialized {@code celaut.Service} ({@code celaut pack}'s {@code
 * .service}) or a {@code .bee} file (Metadata and Service with block framing). A {@code .bee} is
 * sent with its block markers, so a node that already holds a block is not sent its bytes again.
 */
public final class ServiceSource {

  private final String idHex;
  private final Path file;
  private final BeeServiceFile bee;
  private final String tag;

  private ServiceSource(String idHex, Path file, BeeServiceFile bee, String tag) {
    this.idHex = idHex;
    this.file = file;
    this.bee = bee;
    this.tag = tag;
  }

  /** The same source with a name for people (sent in the start's Metadata). */
  public ServiceSource withTag(String newTag) {
    return new ServiceSource(idHex, file, bee, newTag);
  }

  /** The name sent with the service, if any. */
  public Optional<String> tag() {
    return Optional.ofNullable(tag).filter(t -> !t.isEmpty());
  }

  /**
   * A packed service file: a {@code .bee} file (recognised by its content, see {@link
   * BeeServiceFile#looksLikeBee}) is opened with {@link #fromBee}; anything else must be a
   * serialized {@code celaut.Service}, whose id is its SHA3-256. Nothing is sent anywhere yet.
   *
   * @throws NotAServiceFileException the file is neither: a text file, a truncated or foreign
   *     file, a service with no container, architecture or entrypoint (the check streams the file
   *     and reads everything but the filesystem's bytes; see {@code ServiceFileCheck})
   * @throws java.nio.file.NoSuchFileException the file does not exist
   * @throws IOException it cannot be read
   */
  public static ServiceSource fromFile(Path serviceFile) throws IOException {
    if (Files.isDirectory(serviceFile)) {
      throw new NotAServiceFileException(serviceFile, "it is a directory (to start a service project, pack it first)");
    }
    if (BeeServiceFile.looksLikeBee(serviceFile)) {
      return fromBee(serviceFile);
    }
    ServiceFileCheck.check(serviceFile);
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
    return new ServiceSource(Hashes.toHex(d.digest()), serviceFile, null, tag);
  }

  /**
   * A {@code .bee} file: its Metadata (index 1) gives the tag, its Service (index 2) the id. The
   * file is read once and checked ({@link BeeServiceFile#open}).
   *
   * @throws NotAServiceFileException if it is not a well-formed .bee file, or its service does
   *     not hash to the id its Metadata names
   * @throws IOException it cannot be read
   */
  public static ServiceSource fromBee(Path beeFile) throws IOException {
    BeeServiceFile bee;
    try {
      bee = BeeServiceFile.open(beeFile);
    } catch (java.nio.file.FileSystemException e) {
      throw e; // missing, unreadable: not a verdict on its content
    } catch (IOException e) {
      throw new NotAServiceFileException(beeFile, "as a .bee file, " + e.getMessage());
    }
    return new ServiceSource(bee.serviceIdHex(), beeFile, bee, bee.tag().orElse(null));
  }

  /**
   * What {@code ServicePacker.pack} just wrote: a plain service file is not read again (its id is
   * known); a .bee file is opened as by {@link #fromBee}.
   */
  public static ServiceSource of(PackResult packed) throws IOException {
    if (packed.format() == PackResult.Format.BEE) {
      return fromBee(packed.output());
    }
    return new ServiceSource(packed.serviceIdHex(), packed.output(), null, packed.tag());
  }

  /** A service the node already holds, by its 64-hex-character id. */
  public static ServiceSource byId(String idHex) {
    if (!Hashes.isSha3Hex(idHex)) {
      throw new IllegalArgumentException("a service id is 64 hex characters (SHA3-256), got '" + idHex + "'");
    }
    return new ServiceSource(idHex.toLowerCase(java.util.Locale.ROOT), null, null, null);
  }

  /** The service id: SHA3-256 of the serialized service, 64 lower-case hex characters. */
  public String idHex() {
    return idHex;
  }

  /** The file to upload if the node lacks the service. */
  public Optional<Path> file() {
    return Optional.ofNullable(file);
  }

  /** The .bee file to upload, when the source is one (sent with its block markers). */
  public Optional<BeeServiceFile> bee() {
    return Optional.ofNullable(bee);
  }
}
