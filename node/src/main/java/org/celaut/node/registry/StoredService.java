package org.celaut.node.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.celaut.proto.celaut.Metadata;
import org.celaut.proto.celaut.Service;
import org.celaut.protocol.bee.SpooledMessage;
import org.celaut.protocol.blocks.BlockStore;

/**
 * A service held by the registry.
 *
 * @param idHex its id (SHA3-256 of the expanded serialization)
 * @param directory where it lives
 * @param metadata hashes and tags
 * @param expandedSize size in bytes of the expanded serialization
 */
public record StoredService(String idHex, Path directory, Metadata metadata, long expandedSize) {

  static final String MESSAGE_DIR = "message";
  static final String WBP_FILE = "service.wbp";
  static final String METADATA_FILE = "metadata.pb";

  static StoredService load(String idHex, Path dir, BlockStore blocks) throws IOException {
    Metadata md;
    try (InputStream in = Files.newInputStream(dir.resolve(METADATA_FILE))) {
      md = Metadata.parseFrom(in);
    }
    SpooledMessage msg = SpooledMessage.load(dir.resolve(MESSAGE_DIR));
    return new StoredService(idHex, dir, md, msg.expandedSize());
  }

  /** The main name of the service, or its short id if it has none. */
  public String tag() {
    return metadata.getHashtag().getTagCount() > 0
        ? metadata.getHashtag().getTag(0)
        : idHex.substring(0, 12);
  }

  /**
   * The service with block pointers in place of block bodies: what the node reads to run it.
   * Block bodies (usually the filesystem) are read from the block store when the image is built.
   * Its {@code bytes} fields are views of the mapped file, not heap copies ({@link MappedService}).
   */
  public Service service() throws IOException {
    return MappedService.parse(directory.resolve(WBP_FILE));
  }

  /** The service as received, for sending it on (GetService). */
  public SpooledMessage message() throws IOException {
    return SpooledMessage.load(directory.resolve(MESSAGE_DIR));
  }
}
