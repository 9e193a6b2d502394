package org.celaut.sdk.pack;

import org.celaut.protocol.Hashes;
import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.util.Objects;
import org.celaut.proto.celaut.Metadata;

/**
 * What {@link ServicePacker#pack} produced.
 *
 * @param serviceId SHA3-256 of exactly the bytes written to {@code output} (32 bytes)
 * @param metadata the service's {@code Metadata}: {@code hashtag.hash} = [SHA3-256 id,
 *     SHAKE-256/32], {@code hashtag.tag} = [tag]; what a node or client sends beside the service
 * @param tag the main name, from {@code service.json}'s {@code tag}
 * @param output the file holding the serialized {@code celaut.Service}
 * @param sizeBytes size of {@code output} in bytes
 */
public record PackResult(
    ByteString serviceId, Metadata metadata, String tag, Path output, long sizeBytes) {

  /** Checks the components are present. */
  public PackResult {
    Objects.requireNonNull(serviceId, "serviceId");
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(tag, "tag");
    Objects.requireNonNull(output, "output");
  }

  /** The service id as 64 lower-case hex characters (the registry key of a node). */
  public String serviceIdHex() {
    return Hashes.toHex(serviceId);
  }
}
