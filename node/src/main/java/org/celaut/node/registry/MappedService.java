package org.celaut.node.registry;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.celaut.proto.celaut.Service;

/**
 * Reads a stored {@code celaut.Service} without copying its bytes into the heap: the file is
 * mapped and parsed with aliasing, so a {@code bytes} field — above all {@code
 * container.filesystem}, megabytes even for a small service — is a view of the mapping, read
 * from the page cache only if someone reads it (building the image, once per service).
 *
 * <p>Why: the node reads the stored service at every start. Parsed from a stream, each start
 * copied the filesystem into the heap twice (about 4 MiB for hello-http, 128 MiB for a 64 MiB
 * service), and that garbage is what made the heap grow with the number of starts. Stored
 * service files are written once and renamed into place, never changed, so a mapping of one
 * always sees the same bytes; a file removed while mapped stays readable until unmapped.
 */
final class MappedService {

  private MappedService() {}

  /**
   * Parses {@code file}.
   *
   * @throws com.google.protobuf.InvalidProtocolBufferException if it is not a {@code celaut.Service}
   * @throws IOException if it cannot be read, or is larger than a protobuf message can be (2 GiB)
   */
  static Service parse(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE) {
        throw new IOException(file + " holds " + size + " bytes, more than a protobuf message can (2 GiB)");
      }
      MappedByteBuffer mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
      // A ByteString over the mapping gives an input that knows its bytes never change, which
      // is what lets the parser alias them instead of copying.
      CodedInputStream in = UnsafeByteOperations.unsafeWrap(mapped).newCodedInput();
      in.enableAliasing(true);
      return Service.parseFrom(in);
    }
  }
}
