package org.celaut.sdk.pack;

import org.celaut.protocol.Hashes;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Set;
import org.celaut.proto.celaut.DataFormat;
import org.celaut.proto.celaut.DataFormatKeyValue;
import org.celaut.proto.celaut.Metadata;
import org.celaut.proto.celaut.Service;
import org.celaut.proto.celaut.Service.Container.Filesystem;

/**
 * Packs a project directory into a Celaut service: a serialized {@code celaut.Service} whose
 * SHA3-256 is the service id.
 *
 * <p>A project is laid out as
 *
 * <pre>
 * &lt;project&gt;/.service/service.json   the spec (see below)
 * &lt;project&gt;/rootfs/                 the root filesystem, packed as the image's "/"
 * </pre>
 *
 * <p>{@code service.json} is a strict JSON object (unknown fields are errors):
 *
 * <pre>
 * {
 *   "tag": "hello-http",                      required; Metadata.hashtag.tag[0] and the file name
 *   "prose": "text",                          optional; Service.prose
 *   "architecture": "linux/amd64",            required; container.architecture.tags[0]
 *   "entrypoint": "/bin/service",             required, or "init": {"entry_path": ["bin","service"]}
 *   "api": [{"port": 8080,                    1..65535, each port once
 *            "transport": "tcp",              "tcp" (default) or "udp"
 *            "protocol": ["http"]}],          protocol stack tags, bottom first
 *   "envs": ["GREETING"],                     declared variable names (C identifiers)
 *   "resources": {"at_init": {...}, "at_most": {...}},
 *                                             mem_limit, cpu_period, cpu_quota, blkio_weight,
 *                                             disk_space; at_most is raised to at_init
 *   "config_declaration": ["__config__"],     where the node writes the config file (default)
 *   "network": [{"tags": ["*"], "prose": ""}],
 *   "rootfs": "rootfs"                        root filesystem, relative to the project
 * }
 * </pre>
 *
 * <p>The same sources always pack to the same bytes: directory entries are sorted, and only
 * names, contents, link targets and permission bits are recorded (never owners or times). The
 * entrypoint must exist in the root filesystem (links followed inside the image) and be an
 * executable regular file. A packer holds no state between calls and may be shared.
 */
public final class ServicePacker {

  /** Where the spec lives, relative to the project directory. */
  public static final String SERVICE_JSON = ".service/service.json";

  /** Where {@link #pack(Path)} writes, relative to the project directory. */
  public static final String BUILD_DIR = ".service/build";

  /** Suffix of the file {@link #pack(Path)} writes: {@code <tag>.service}. */
  public static final String OUTPUT_SUFFIX = ".service";

  private final ServiceJsonReader reader = new ServiceJsonReader();

  /** A packer; it keeps no state between calls. */
  public ServicePacker() {}

  /**
   * Packs {@code projectDir} into {@code <projectDir>/.service/build/<tag>.service}, creating the
   * folder if needed. The build folder sits under {@code .service/}, which is never part of the
   * image, so packing again does not change the service.
   *
   * @throws PackException if the project is not a valid service (nothing is written)
   * @throws IOException if the output cannot be written
   */
  public PackResult pack(Path projectDir) throws PackException, IOException {
    Packed packed = build(projectDir, null, true);
    return write(packed, packed.output);
  }

  /**
   * Packs {@code projectDir} into {@code outputFile}, replacing it atomically if it exists. The
   * output must not lie inside the root filesystem (it would change the next pack); its parent
   * folder is created if needed.
   *
   * @throws PackException if the project is not a valid service (nothing is written)
   * @throws IOException if the output cannot be written
   */
  public PackResult pack(Path projectDir, Path outputFile) throws PackException, IOException {
    return write(build(projectDir, outputFile, false), outputFile);
  }

  /**
   * Builds the service of {@code projectDir} in memory without writing anything: what {@link
   * #pack} would write, as a message.
   *
   * @throws PackException if the project is not a valid service
   */
  public Service build(Path projectDir) throws PackException {
    return build(projectDir, null, false).service;
  }

  private record Packed(ServiceSpec spec, Service service, Path output) {}

  private static Path defaultOutput(Path projectDir, ServiceSpec spec) {
    return projectDir.resolve(BUILD_DIR).resolve(spec.tag() + OUTPUT_SUFFIX);
  }

  /**
   * Reads, validates and assembles the service; {@code outputFile} (or the default output when
   * {@code defaultOutput}) is only checked, never written, here.
   */
  private Packed build(Path projectDir, Path outputFile, boolean defaultOutput)
      throws PackException {
    if (!Files.isDirectory(projectDir)) {
      throw new PackException(projectDir + ": not a directory (expected a project directory)");
    }
    ServiceSpec spec = reader.read(projectDir.resolve(SERVICE_JSON));

    Path rootfs = projectDir.resolve(spec.rootfs()).normalize();
    if (!Files.isDirectory(rootfs)) {
      throw new PackException(
          ServiceJsonReader.FILE + ": rootfs: " + rootfs + " is not a directory"
              + (Files.exists(rootfs, LinkOption.NOFOLLOW_LINKS) ? "" : " (it does not exist)"));
    }
    Path rootfsReal;
    Path projectReal;
    try {
      rootfsReal = rootfs.toRealPath();
      projectReal = projectDir.toRealPath();
    } catch (IOException e) {
      throw new PackException(ServiceJsonReader.FILE + ": rootfs: cannot resolve " + rootfs, e);
    }
    // A rootfs that contains the project's own .service folder (rootfs ".") must not pack the
    // spec and build outputs into the image.
    Set<Path> skipped = new HashSet<>();
    Path meta = projectReal.resolve(".service");
    if (meta.startsWith(rootfsReal) && !meta.equals(rootfsReal)) {
      skipped.add(rootfsReal.relativize(meta));
    }
    Path output = defaultOutput ? defaultOutput(projectDir, spec) : outputFile;
    if (output != null) {
      Path inImage = pathInRootfs(output, rootfsReal);
      if (inImage != null && skipped.stream().noneMatch(inImage::startsWith)) {
        throw new PackException(
            "output: " + output + " is inside rootfs " + rootfs
                + "; the next pack would include it, so write it elsewhere");
      }
    }

    Set<String> skippedImagePaths = new HashSet<>();
    for (Path p : skipped) {
      skippedImagePaths.add("/" + p);
    }
    Filesystem filesystem = new RootfsReader(rootfsReal, skippedImagePaths).read();
    checkEntrypoint(spec, filesystem);
    return new Packed(spec, assemble(spec, filesystem), output);
  }

  /**
   * Where {@code output} would land relative to rootfs, or null if outside it. Its nearest
   * existing folder is resolved for real, since it may reach into rootfs through a link.
   */
  private static Path pathInRootfs(Path output, Path rootfsReal) {
    Path abs = output.toAbsolutePath().normalize();
    if (abs.startsWith(rootfsReal)) {
      return rootfsReal.relativize(abs);
    }
    for (Path dir = abs.getParent(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir)) {
        try {
          Path real = dir.toRealPath().resolve(dir.relativize(abs));
          return real.startsWith(rootfsReal) ? rootfsReal.relativize(real) : null;
        } catch (IOException e) {
          return null;
        }
      }
    }
    return null;
  }

  private static void checkEntrypoint(ServiceSpec spec, Filesystem filesystem)
      throws PackException {
    String shown = "/" + String.join("/", spec.entryPath());
    String prefix = ServiceJsonReader.FILE + ": " + spec.entryField() + ": " + shown;
    ImageLookup.Found found = new ImageLookup(filesystem).resolve(spec.entryPath());
    String via = found.resolvedPath().equals(shown) ? "" : " (resolved to " + found.resolvedPath() + ")";
    if (found.problem() != null) {
      throw new PackException(prefix + via + " " + found.problem());
    }
    if (!found.branch().hasFile()) {
      throw new PackException(prefix + via + " is a directory, not an executable file");
    }
    int mode = ImageLookup.mode(found.branch());
    if ((mode & 0111) == 0) {
      throw new PackException(
          prefix + via + " is not executable (mode 0" + Integer.toOctalString(mode)
              + "); chmod +x it in rootfs");
    }
  }

  private static Service assemble(ServiceSpec spec, Filesystem filesystem) {
    Service.Container.Builder container =
        Service.Container.newBuilder()
            .setArchitecture(Service.Container.Architecture.newBuilder().addTags(spec.architecture()))
            .setFilesystem(filesystem.toByteString())
            .setInit(Service.Container.Init.newBuilder().addAllEntryPath(spec.entryPath()))
            .setConfigDeclaration(
                Service.Container.ConfigDeclaration.newBuilder().addAllPath(spec.configPath()));
    if (spec.resources() != null) {
      container.setResources(spec.resources());
    }
    for (String name : spec.envs()) {
      // A declared variable with no format yet: the value is an explicitly empty DataFormat, as
      // a former map entry with a default value was written.
      container.addEnvironmentVariables(
          DataFormatKeyValue.newBuilder().setKey(name).setValue(DataFormat.getDefaultInstance()));
    }
    Service.Builder service = Service.newBuilder().setProse(spec.prose()).setContainer(container);
    if (!spec.slots().isEmpty()) {
      service.setApi(Service.Api.newBuilder().addAllSlot(spec.slots()));
    }
    service.addAllNetwork(spec.networks());
    return service.build();
  }

  private static PackResult write(Packed packed, Path output) throws IOException {
    byte[] bytes = packed.service.toByteArray();
    byte[] id = Hashes.sha3(bytes);
    Metadata metadata =
        Metadata.newBuilder()
            .setHashtag(
                Metadata.HashTag.newBuilder()
                    .addHash(Hashes.sha3Hash(id))
                    .addHash(Shake256.hashOf(bytes))
                    .addTag(packed.spec.tag()))
            .build();
    writeAtomically(output, bytes);
    return new PackResult(ByteString.copyFrom(id), metadata, packed.spec.tag(), output, bytes.length);
  }

  /**
   * Writes to a temporary file in the same folder and renames it over {@code output}, so a
   * reader sees either the old file or the whole new one, never a partial service.
   */
  private static void writeAtomically(Path output, byte[] bytes) throws IOException {
    Path dir = output.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + output.getFileName() + ".", ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      try {
        // createTempFile makes it owner-only; a packed service is not secret.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      } catch (UnsupportedOperationException e) {
        // Not a POSIX file system: keep its default permissions.
      }
      try {
        Files.move(tmp, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
