package org.celaut.sdk.pack;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.celaut.proto.celaut.Metadata;
import org.celaut.protocol.Hashes;

/**
 * What {@link ServicePacker#pack} produced.
 *
 * @param serviceId SHA3-256 of the fully expanded serialized {@code celaut.Service} (32 bytes):
 *     the same whether or not parts of it are blocks
 * @param metadata the service's {@code Metadata}: {@code hashtag.hash} = [SHA3-256 id,
 *     SHAKE-256/32], {@code hashtag.tag} = [tag]; what a node or client sends beside the service
 * @param tag the main name, from {@code service.json}'s {@code tag}
 * @param output the file written
 * @param sizeBytes size of {@code output} in bytes
 * @param format what {@code output} holds
 * @param blockIds ids of the blocks in the service, in the order they start (nested ones after
 *     the block holding them); empty when nothing reached the block threshold
 * @param dependencies each dependency of {@code pack_config.json} by name, with its service id
 *     (hex), sorted by name
 */
public record PackResult(
    ByteString serviceId,
    Metadata metadata,
    String tag,
    Path output,
    long sizeBytes,
    Format format,
    List<String> blockIds,
    Map<String, String> dependencies) {

  /** The forms a packed service is written in. */
  public enum Format {
    /**
     * The serialized {@code celaut.Service}, fully expanded: the file's SHA3-256 is the id. Used
     * when nothing reached the block threshold, or when asked for by an output name not ending in
     * {@code .bee}.
     */
    SERVICE,
    /**
     * A {@code .bee} file (FRAMING.md §1.7): Metadata at index 1, the Service at index 2 in Dir
     * form with nested block markers and the blocks' bytes. See {@link BeeServiceFile}.
     */
    BEE
  }

  /** Checks the components are present and copies the collections. */
  public PackResult {
    Objects.requireNonNull(serviceId, "serviceId");
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(tag, "tag");
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(format, "format");
    blockIds = List.copyOf(blockIds);
    dependencies = java.util.Collections.unmodifiableMap(new TreeMap<>(dependencies));
  }

  /** A plain service file without blocks or dependencies. */
  public PackResult(ByteString serviceId, Metadata metadata, String tag, Path output, long sizeBytes) {
    this(serviceId, metadata, tag, output, sizeBytes, Format.SERVICE, List.of(), Map.of());
  }

  /** The service id as 64 lower-case hex characters (the registry key of a node). */
  public String serviceIdHex() {
    return Hashes.toHex(serviceId);
  }
}
