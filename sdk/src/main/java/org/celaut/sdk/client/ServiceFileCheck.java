package org.celaut.sdk.client;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.celaut.proto.celaut.Service;

/**
 * Tells whether a file that is not a {@code .bee} is a serialized {@code celaut.Service} that can
 * run, before it is uploaded. Streams the file (a service can be gigabytes) and never reads the
 * filesystem's bytes: only the small parts around it are parsed.
 *
 * <p>The rules:
 *
 * <ul>
 *   <li>the file is a sequence of whole length-delimited fields numbered as {@code
 *       celaut.Service}'s (1 to 5), ending on a field boundary; a text file fails at its first
 *       byte;
 *   <li>{@code container} holds only {@code Container}'s fields (1 to 7), length-delimited;
 *   <li>every part parsed (architecture, init, resources, config declaration, node protocols,
 *       environment variables, api, networks, workloads up to {@link #MAX_PARSED_BYTES}) has no
 *       unknown fields at any depth;
 *   <li>there is a container, whose architecture names at least one tag and whose init names an
 *       entrypoint: what a node needs to run it at all.
 * </ul>
 */
final class ServiceFileCheck {

  /** Largest part other than the filesystem that is parsed; larger workloads are skipped unchecked. */
  static final int MAX_PARSED_BYTES = 16 << 20;

  private static final int LEN = 2;

  private ServiceFileCheck() {}

  /** Checks {@code file}; throws {@link NotAServiceFileException} saying what is wrong. */
  static void check(Path file) throws IOException {
    long size = Files.size(file);
    if (size == 0) {
      throw new NotAServiceFileException(file, "it is empty");
    }
    try (Reader r = new Reader(new BufferedInputStream(Files.newInputStream(file), 1 << 16), size, file)) {
      boolean sawContainer = false;
      boolean hasArchitecture = false;
      boolean hasEntrypoint = false;
      while (r.pos < size) {
        long at = r.pos;
        Field f = r.field(at, 5, "celaut.Service");
        switch (f.number) {
          case 2 -> {
            sawContainer = true;
            long end = r.pos + f.length;
            while (r.pos < end) {
              long cat = r.pos;
              Field c = r.field(cat, 7, "celaut.Service.Container");
              if (r.pos + c.length > end) {
                throw r.bad(cat, "a container field runs past the container's end");
              }
              switch (c.number) {
                case 1 -> hasArchitecture |= r.parse(c, Service.Container.Architecture.parser(), "container.architecture")
                    .getTagsCount() > 0;
                case 2 -> r.skip(c.length); // the filesystem (or a block pointer): never read here
                case 3 -> hasEntrypoint |= r.parse(c, Service.Container.Init.parser(), "container.init")
                    .getEntryPathCount() > 0;
                case 4 -> r.parse(c, Service.Container.Resources.parser(), "container.resources");
                case 5 -> r.parse(c, Service.Container.ConfigDeclaration.parser(), "container.config_declaration");
                case 6 -> r.parse(c, Service.Api.Protocol.parser(), "container.node_protocol_stack");
                default -> r.parse(c, org.celaut.proto.celaut.DataFormatKeyValue.parser(),
                    "container.environment_variables");
              }
            }
          }
          case 3 -> r.parse(f, Service.Api.parser(), "api");
          case 4 -> r.parse(f, Service.Network.parser(), "network");
          case 5 -> {
            if (f.length <= MAX_PARSED_BYTES) {
              r.parse(f, Service.PossibleEnvironmentWorkload.parser(), "possible_environment_workload");
            } else {
              r.skip(f.length);
            }
          }
          default -> r.skip(f.length); // prose: any text
        }
      }
      if (!sawContainer) {
        throw new NotAServiceFileException(file, "it has no container");
      }
      if (!hasArchitecture) {
        throw new NotAServiceFileException(file, "its container names no architecture");
      }
      if (!hasEntrypoint) {
        throw new NotAServiceFileException(file, "its container names no entrypoint (container.init.entry_path)");
      }
    }
  }

  private record Field(int number, long length) {}

  /** A protobuf wire reader over a stream that knows where it is (files may pass 2 GiB). */
  private static final class Reader implements AutoCloseable {
    private final InputStream in;
    private final long size;
    private final Path file;
    long pos;

    Reader(InputStream in, long size, Path file) {
      this.in = in;
      this.size = size;
      this.file = file;
    }

    /** A length-delimited field numbered 1..{@code maxNumber}, its length within the file. */
    Field field(long at, int maxNumber, String message) throws IOException {
      long tag = varint(at);
      long number = tag >>> 3;
      int wireType = (int) (tag & 7);
      if (number < 1 || number > maxNumber || wireType != LEN) {
        throw bad(at, at == 0
            ? "its first bytes are not a " + message + " field"
            : "field " + number + " (wire type " + wireType + ") is not part of a " + message);
      }
      long length = varint(at);
      if (length < 0 || length > size - pos) {
        throw bad(at, "a field of " + length + " bytes runs past the end of the file (is it cut short?)");
      }
      return new Field((int) number, length);
    }

    <M extends Message> M parse(Field f, Parser<M> parser, String name) throws IOException {
      if (f.length > MAX_PARSED_BYTES) {
        throw bad(pos, name + " is " + f.length + " bytes, far more than any service declares");
      }
      long at = pos;
      byte[] bytes = in.readNBytes((int) f.length);
      pos += bytes.length;
      if (bytes.length != f.length) {
        throw bad(at, "it ends inside " + name);
      }
      M m;
      try {
        m = parser.parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        throw bad(at, name + " does not parse");
      }
      String unknown = unknownFieldPath(m, name);
      if (unknown != null) {
        throw bad(at, unknown + " has fields a celaut.Service does not define");
      }
      return m;
    }

    void skip(long n) throws IOException {
      long left = n;
      while (left > 0) {
        long k = in.skip(left);
        if (k <= 0) {
          if (in.read() < 0) {
            throw new EOFException(file + " ended early");
          }
          k = 1;
        }
        left -= k;
      }
      pos += n;
    }

    private long varint(long at) throws IOException {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int b = in.read();
        if (b < 0) {
          throw bad(at, "it ends inside a field header");
        }
        pos++;
        v |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          return v;
        }
      }
      throw bad(at, "a field header is malformed");
    }

    NotAServiceFileException bad(long at, String why) {
      return new NotAServiceFileException(file, why + " (byte " + at + ")");
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /** Where in {@code m} (named {@code path}) the first unknown field sits, or null. */
  static String unknownFieldPath(Message m, String path) {
    if (!m.getUnknownFields().asMap().isEmpty()) {
      return path;
    }
    for (var e : m.getAllFields().entrySet()) {
      FieldDescriptor fd = e.getKey();
      if (fd.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      List<?> values = fd.isRepeated() ? (List<?>) e.getValue() : List.of(e.getValue());
      for (Object v : values) {
        String inner = unknownFieldPath((Message) v, path + "." + fd.getName());
        if (inner != null) {
          return inner;
        }
      }
    }
    return null;
  }
}
