package org.celaut.sdk.pack;

import com.google.protobuf.ByteString;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.bouncycastle.crypto.digests.SHAKEDigest;
import org.celaut.proto.buffer.Buffer;
import org.celaut.proto.celaut.DataFormat;
import org.celaut.proto.celaut.DataFormatKeyValue;
import org.celaut.proto.celaut.Metadata;
import org.celaut.proto.celaut.Service;
import org.celaut.proto.celaut.Service.Container.Filesystem;
import org.celaut.protocol.Hashes;
import org.celaut.protocol.bee.BeeEncoder;
import org.celaut.protocol.bee.BeeFiles;
import org.celaut.protocol.bee.BufferSink;

/**
 * Packs a project directory into a Celaut service: a {@code celaut.Service} whose fully expanded
 * serialization hashes (SHA3-256) to the service id.
 *
 * <p>A project is laid out as
 *
 * <pre>
 * &lt;project&gt;/.service/service.json      the spec (see below)
 * &lt;project&gt;/.service/pack_config.json  optional: include/ignore, dependencies, blocks
 * &lt;project&gt;/rootfs/                    the root filesystem, packed as the image's "/"
 *     or &lt;project&gt;/.service/Dockerfile (or &lt;project&gt;/Dockerfile) building it
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
 * <p><b>Filesystem source.</b> The {@code rootfs} folder when {@code service.json} names one or
 * {@code rootfs/} exists; otherwise the project's Dockerfile, built with the local Docker engine
 * (only the filesystem of the image counts: CMD, ENTRYPOINT, ENV and EXPOSE are ignored).
 *
 * <p><b>Determinism.</b> The same sources always pack to the same id: directory entries are
 * sorted, and only names, contents, link targets and permission bits are recorded (never owners
 * or times). The entrypoint must exist in the image (links followed inside the image) and be an
 * executable regular file.
 *
 * <p><b>Blocks.</b> Every file of at least the block threshold (embedded services included), and
 * the whole serialized filesystem in {@code container.filesystem} when it reaches it too, is a
 * block: the same bytes, framed by markers so a node that already holds it is not sent it again.
 * Blocks never change the id. A service with blocks is written as a {@code .bee} file ({@link
 * PackResult.Format#BEE}), one without as the plain serialized service.
 *
 * <p><b>Dependencies.</b> Each dependency of {@code pack_config.json} (a project path, packed
 * recursively, or a service id found in {@link PackOptions#registryDir()}) is embedded as {@code
 * /<service_dependencies_directory>/<id hex>} (its expanded serialization) and {@code
 * /<metadata_dependencies_directory>/<id hex>} (its serialized Metadata), recorded in {@code
 * possible_environment_workload} (one scenario, one workload per dependency sorted by id), and
 * with {@code dependencies_env} listed in {@code /.dependencies} as {@code NAME=<id hex>} lines
 * sorted by name. {@code blocks_directory} is accepted but unused: an embedded service is stored
 * expanded, and its own blocks become nested blocks of the parent.
 *
 * <p>A packer holds no state between calls and may be shared.
 */
public final class ServicePacker {

  /** Where the spec lives, relative to the project directory. */
  public static final String SERVICE_JSON = ".service/service.json";

  /** Where {@link #pack(Path)} writes, relative to the project directory. */
  public static final String BUILD_DIR = ".service/build";

  /** Suffix of a plain service file: {@code <tag>.service}. */
  public static final String OUTPUT_SUFFIX = ".service";

  /** Suffix of a .bee file: {@code <tag>.bee}. An output name ending so is written as .bee. */
  public static final String BEE_SUFFIX = ".bee";

  private static final int FILE_MODE = 0644;
  private static final int DIR_MODE = 0755;
  private static final String DEPENDENCIES_FILE = ".dependencies";

  /**
   * Most bytes a service may have outside blocks: a node parses that part as one protobuf
   * message, and protobuf messages stop at 2 GiB; leave room for the pointers.
   */
  static final long MAX_INLINE_BYTES = Integer.MAX_VALUE - (64L << 20);

  private final ServiceJsonReader reader = new ServiceJsonReader();
  private final PackOptions options;

  /** A packer with {@link PackOptions#defaults()}. */
  public ServicePacker() {
    this(PackOptions.defaults());
  }

  /** A packer with {@code options}; it keeps no state between calls. */
  public ServicePacker(PackOptions options) {
    this.options = java.util.Objects.requireNonNull(options, "options");
  }

  /**
   * Packs {@code projectDir} into {@code <projectDir>/.service/build/<tag>.service}, or {@code
   * <tag>.bee} when the service has blocks, creating the folder if needed. The build folder sits
   * under {@code .service/}, which is never part of the image, so packing again does not change
   * the service.
   *
   * @throws PackException if the project is not a valid service (nothing is written)
   * @throws IOException if the output cannot be written
   */
  public PackResult pack(Path projectDir) throws PackException, IOException {
    return packTo(projectDir, null);
  }

  /**
   * Packs {@code projectDir} into {@code outputFile}, replacing it atomically if it exists: a
   * {@code .bee} file if its name ends in {@code .bee}, else the plain serialized service (blocks
   * expanded). The output must not lie inside the root filesystem (it would change the next pack);
   * its parent folder is created if needed.
   *
   * @throws PackException if the project is not a valid service (nothing is written)
   * @throws IOException if the output cannot be written
   */
  public PackResult pack(Path projectDir, Path outputFile) throws PackException, IOException {
    return packTo(projectDir, java.util.Objects.requireNonNull(outputFile, "outputFile"));
  }

  /**
   * Builds the service of {@code projectDir} in memory, fully expanded, without writing anything:
   * what {@link #pack} would write, as a message. Only for services that fit in memory.
   *
   * @throws PackException if the project is not a valid service, or is too large
   */
  public Service build(Path projectDir) throws PackException {
    try (Session s = new Session(options)) {
      Packed p = s.top(projectDir, null, false);
      return Service.parseFrom(Wire.expandToBytes(p.parts, p.measured));
    } catch (IOException e) {
      throw new PackException(projectDir + ": " + e.getMessage(), e);
    }
  }

  private PackResult packTo(Path projectDir, Path output) throws PackException, IOException {
    try (Session s = new Session(options)) {
      Packed p = s.top(projectDir, output, output == null);
      boolean blocks = !p.measured.blockIds().isEmpty();
      Path out = output != null ? output : defaultOutput(projectDir, p.spec.tag(), blocks);
      boolean bee = out.getFileName().toString().endsWith(BEE_SUFFIX);
      if (bee) {
        writeAtomically(out, o -> writeBee(o, p));
      } else {
        writeAtomically(out, o -> Wire.emit(p.parts, p.measured, Wire.expandedTo(o)));
      }
      return new PackResult(
          ByteString.copyFrom(p.measured.sha3()), p.metadata, p.spec.tag(), out, Files.size(out),
          bee ? PackResult.Format.BEE : PackResult.Format.SERVICE,
          new ArrayList<>(new LinkedHashSet<>(p.measured.blockIdsInOrder(p.parts))),
          p.dependencies);
    }
  }

  private static void writeBee(OutputStream out, Packed p) throws IOException, PackException {
    writeBee(out, p.metadata, p.parts, p.measured);
  }

  /** A .bee file: the Metadata at index 1 (short or long form), the Service at 2 in Dir form. */
  static void writeBee(OutputStream out, Metadata metadata, List<Wire.Part> parts, Wire.Measured measured)
      throws IOException, PackException {
    BufferSink sink = BeeFiles.sink(out);
    try {
      for (Buffer b : BeeEncoder.message(BeeServiceFile.METADATA_INDEX, metadata)) {
        sink.send(b);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted");
    }
    FrameWriter.write(BeeServiceFile.SERVICE_INDEX, parts, measured, sink);
  }

  private static Path defaultOutput(Path projectDir, String tag, boolean bee) {
    return projectDir.resolve(BUILD_DIR).resolve(tag + (bee ? BEE_SUFFIX : OUTPUT_SUFFIX));
  }

  /** A packed service, not yet written. */
  private record Packed(
      ServiceSpec spec, List<Wire.Part> parts, Wire.Measured measured, Metadata metadata,
      Map<String, String> dependencies) {
    String idHex() {
      return Hashes.toHex(measured.sha3());
    }
  }

  /** An embedded dependency: its id, its expanded bytes as parts, and its Metadata. */
  private record Child(String idHex, List<Wire.Part> content, Metadata metadata) {}

  /**
   * One pack: the block threshold chosen by the top project, the projects being packed (to find
   * cycles), those already packed (a dependency reached twice is packed once), and a work folder
   * for spilled contents, removed at the end.
   */
  private final class Session implements AutoCloseable {
    private final PackOptions options;
    private final Map<Path, Packed> done = new HashMap<>();
    private final List<Path> stack = new ArrayList<>();
    private long threshold;
    private Path workDir;
    private int spills;

    Session(PackOptions options) {
      this.options = options;
    }

    Path workDir() throws IOException {
      if (workDir == null) {
        workDir = Files.createTempDirectory("celaut-pack-");
      }
      return workDir;
    }

    /**
     * Packs the top project; {@code output} (or the default outputs, with {@code defaultOutput})
     * is checked to lie outside its root filesystem and kept out of a Docker build context.
     */
    Packed top(Path projectDir, Path output, boolean defaultOutput) throws PackException {
      if (!Files.isDirectory(projectDir)) {
        throw new PackException(projectDir + ": not a directory (expected a project directory)");
      }
      PackConfig config = PackConfig.read(projectDir);
      threshold = options.blockThresholdBytes().isPresent()
          ? options.blockThresholdBytes().getAsLong()
          : config.blockThresholdBytes() != null
              ? config.blockThresholdBytes()
              : PackOptions.DEFAULT_BLOCK_THRESHOLD_BYTES;
      List<Path> outputs = new ArrayList<>();
      if (output != null) {
        outputs.add(output);
      }
      return project(projectDir, config, outputs, defaultOutput);
    }

    private Packed project(Path projectDir, PackConfig config, List<Path> outputs, boolean defaultOutput)
        throws PackException {
      ServiceSpec spec = reader.read(projectDir.resolve(SERVICE_JSON));
      if (defaultOutput) {
        outputs.add(defaultOutput(projectDir, spec.tag(), false));
        outputs.add(defaultOutput(projectDir, spec.tag(), true));
      }
      Path real = realPath(projectDir);
      stack.add(real);
      try {
        PathFilter filter = PathFilter.of(config.include(), config.ignore());
        FsTree.Dir tree = filesystem(projectDir, spec, filter, outputs);
        Map<String, String> deps = new TreeMap<>();
        Set<String> ids = new TreeSet<>();
        for (Map.Entry<String, String> d : config.dependencies().entrySet()) {
          Child child = dependency(projectDir, d.getKey(), d.getValue());
          deps.put(d.getKey(), child.idHex());
          if (ids.add(child.idHex())) {
            embed(tree, config, d.getKey(), child);
          }
        }
        if (config.dependenciesEnv()) {
          StringBuilder lines = new StringBuilder();
          deps.forEach((name, id) -> lines.append(name).append('=').append(id).append('\n'));
          if (tree.entries.containsKey(DEPENDENCIES_FILE)) {
            throw new PackException("rootfs: /" + DEPENDENCIES_FILE + ": already exists, but "
                + PackConfig.FILE + ": dependencies_env asks to write it");
          }
          tree.entries.put(DEPENDENCIES_FILE, new FsTree.File(
              List.of(new Wire.Bytes(ByteString.copyFromUtf8(lines.toString()))), FILE_MODE));
        }
        checkEntrypoint(spec, FsTree.skeleton(tree));

        Service template = assemble(spec, ids);
        List<Wire.Part> parts = serviceParts(template, FsTree.render(tree, threshold), threshold);
        long inline = Wire.inlineSize(parts);
        if (inline > MAX_INLINE_BYTES) {
          throw new PackException(projectDir + ": the service would have " + inline + " bytes outside"
              + " blocks, more than a node can parse as one message (" + MAX_INLINE_BYTES + "); lower"
              + " the block threshold (block_threshold_bytes, now " + threshold + ")");
        }
        Wire.Measured measured;
        try {
          measured = Wire.measure(parts);
        } catch (IOException e) {
          throw new PackException(projectDir + ": cannot read the sources: " + e, e);
        }
        Metadata metadata = metadata(measured.sha3(), measured.shake256(), spec.tag());
        Packed packed = new Packed(spec, parts, measured, metadata, deps);
        done.put(real, packed);
        return packed;
      } finally {
        stack.remove(stack.size() - 1);
      }
    }

    /** The project's image filesystem: its rootfs folder, or its Dockerfile built. */
    private FsTree.Dir filesystem(Path projectDir, ServiceSpec spec, PathFilter filter, List<Path> outputs)
        throws PackException {
      Path rootfs = projectDir.resolve(spec.rootfs()).normalize();
      Path dockerfile = DockerBuild.locate(projectDir);
      if (!spec.rootfsGiven() && !Files.isDirectory(rootfs) && dockerfile != null) {
        FsTree.Dir tree;
        try (Spill spill = new Spill(workDir().resolve("spill-" + (++spills)))) {
          tree = new DockerBuild(options, workDir()).filesystem(projectDir, dockerfile, Set.copyOf(outputs), spill);
        } catch (IOException e) {
          throw new PackException(projectDir.relativize(dockerfile) + ": " + e.getMessage(), e);
        }
        filter.apply(tree);
        return tree;
      }
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
      for (Path output : outputs) {
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
      return new RootfsReader(rootfsReal, skippedImagePaths, filter).read();
    }

    private Child dependency(Path projectDir, String name, String value) throws PackException {
      String field = PackConfig.FILE + ": dependencies." + name + ": ";
      if (Hashes.isSha3Hex(value)) {
        return registryChild(field, name, value.toLowerCase(java.util.Locale.ROOT));
      }
      Path dir = projectDir.resolve(value).normalize();
      if (!Files.isDirectory(dir)) {
        throw new PackException(field + dir + " is not a project directory (a dependency is a"
            + " project path or a 64-hex service id)");
      }
      Path real = realPath(dir);
      int at = stack.indexOf(real);
      if (at >= 0) {
        List<String> cycle = new ArrayList<>();
        for (Path p : stack.subList(at, stack.size())) {
          cycle.add(p.toString());
        }
        cycle.add(real.toString());
        throw new PackException(field + "dependency cycle: " + String.join(" -> ", cycle));
      }
      Packed child = done.get(real);
      if (child == null) {
        try {
          child = project(dir, PackConfig.read(dir), new ArrayList<>(), false);
        } catch (PackException e) {
          throw new PackException(field + "in " + dir + ": " + e.getMessage(), e);
        }
      }
      return new Child(child.idHex(), child.parts, child.metadata);
    }

    /** A dependency named by id: {@code <registry>/<id>.bee}, {@code <id>.service} or {@code <id>}. */
    private Child registryChild(String field, String name, String id) throws PackException {
      Path dir = options.registryDir().orElseThrow(() -> new PackException(field
          + "service " + id + " is named by id, so it must come from a registry folder; give one"
          + " (celaut pack --registry DIR, or PackOptions.registryDir)"));
      Path bee = dir.resolve(id + BEE_SUFFIX);
      Path plain = Files.isRegularFile(dir.resolve(id + OUTPUT_SUFFIX))
          ? dir.resolve(id + OUTPUT_SUFFIX) : dir.resolve(id);
      try {
        if (!Files.isRegularFile(bee) && Files.isRegularFile(plain) && BeeServiceFile.looksLikeBee(plain)) {
          bee = plain;
        }
        if (Files.isRegularFile(bee)) {
          BeeServiceFile file = BeeServiceFile.open(bee);
          if (!file.serviceIdHex().equals(id)) {
            throw new PackException(field + bee + " holds service " + file.serviceIdHex() + ", not " + id);
          }
          Path expanded = workDir().resolve("dependency-" + id);
          try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(expanded), 1 << 16)) {
            file.writeExpanded(out);
          }
          Metadata md = file.metadata().getHashtag().getHashCount() > 0
              ? file.metadata()
              : metadata(Hashes.hex(id).toByteArray(), shakeOf(expanded), name);
          return new Child(id, List.of(new Wire.FileData(expanded, 0, Files.size(expanded),
              "registry: " + bee, true)), md);
        }
        if (Files.isRegularFile(plain)) {
          MessageDigest sha3 = Hashes.newSha3();
          SHAKEDigest shake = new SHAKEDigest(256);
          try (InputStream in = Files.newInputStream(plain)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
              sha3.update(buf, 0, n);
              shake.update(buf, 0, n);
            }
          }
          String actual = Hashes.toHex(sha3.digest());
          if (!actual.equals(id)) {
            throw new PackException(field + plain + " hashes to " + actual + ", not to the id " + id
                + " it is named by");
          }
          byte[] shakeOut = new byte[Shake256.OUTPUT_BYTES];
          shake.doFinal(shakeOut, 0, shakeOut.length);
          return new Child(id, List.of(new Wire.FileData(plain, 0, Files.size(plain),
              "registry: " + plain, true)), metadata(Hashes.hex(id).toByteArray(), shakeOut, name));
        }
      } catch (IOException e) {
        throw new PackException(field + "cannot read service " + id + " from " + dir + ": " + e.getMessage(), e);
      }
      throw new PackException(field + "service " + id + " is not in the registry " + dir
          + " (looked for " + id + BEE_SUFFIX + ", " + id + OUTPUT_SUFFIX + " and " + id + ")");
    }

    private byte[] shakeOf(Path file) throws IOException {
      SHAKEDigest shake = new SHAKEDigest(256);
      try (InputStream in = Files.newInputStream(file)) {
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) {
          shake.update(buf, 0, n);
        }
      }
      byte[] out = new byte[Shake256.OUTPUT_BYTES];
      shake.doFinal(out, 0, out.length);
      return out;
    }

    /** Puts a child at /services/<id> and its Metadata at /metadata/<id>. */
    private void embed(FsTree.Dir tree, PackConfig config, String name, Child child) throws PackException {
      put(tree, config.servicesDirectory(), child.idHex(), new FsTree.File(child.content(), FILE_MODE), name);
      put(tree, config.metadataDirectory(), child.idHex(),
          new FsTree.File(List.of(new Wire.Bytes(child.metadata().toByteString())), FILE_MODE), name);
    }

    private void put(FsTree.Dir tree, String dirName, String file, FsTree.File content, String name)
        throws PackException {
      FsTree.Dir dir = tree.dir(dirName, DIR_MODE);
      if (dir == null) {
        throw new PackException("rootfs: /" + dirName + ": is not a directory, but " + PackConfig.FILE
            + " puts dependency " + name + " there");
      }
      if (dir.entries.containsKey(file)) {
        throw new PackException("rootfs: /" + dirName + "/" + file + ": already exists, but "
            + PackConfig.FILE + " puts dependency " + name + " there");
      }
      dir.entries.put(file, content);
    }

    @Override
    public void close() {
      if (workDir == null) {
        return;
      }
      try (Stream<Path> walk = Files.walk(workDir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a temp folder left behind is harmless
      }
    }
  }

  private static Path realPath(Path dir) throws PackException {
    try {
      return dir.toRealPath();
    } catch (IOException e) {
      throw new PackException(dir + ": cannot resolve: " + e, e);
    }
  }

  static Metadata metadata(byte[] sha3, byte[] shake, String tag) {
    Metadata.HashTag.Builder h = Metadata.HashTag.newBuilder()
        .addHash(Hashes.sha3Hash(sha3))
        .addHash(Metadata.HashTag.Hash.newBuilder().setType(Shake256.TYPE).setValue(ByteString.copyFrom(shake)));
    if (tag != null && !tag.isEmpty()) {
      h.addTag(tag);
    }
    return Metadata.newBuilder().setHashtag(h).build();
  }

  /**
   * The service as parts: everything but the filesystem serialized by protobuf, the filesystem
   * (a block itself if it reaches the threshold) spliced in at {@code container.filesystem}.
   * Protobuf writes fields in number order, so the concatenation is the message's serialization.
   */
  static List<Wire.Part> serviceParts(Service template, List<Wire.Part> fs, long threshold) {
    List<Wire.Part> out = new ArrayList<>();
    if (!template.getProse().isEmpty()) {
      out.add(new Wire.Bytes(Service.newBuilder().setProse(template.getProse()).build().toByteString()));
    }
    Service.Container c = template.getContainer();
    List<Wire.Part> container = new ArrayList<>();
    if (c.hasArchitecture()) {
      container.add(new Wire.Bytes(
          Service.Container.newBuilder().setArchitecture(c.getArchitecture()).build().toByteString()));
    }
    long fsSize = Wire.size(fs);
    if (fsSize > 0) {
      container.add(new Wire.Field(Service.Container.FILESYSTEM_FIELD_NUMBER, fs, fsSize >= threshold));
    }
    container.add(new Wire.Bytes(c.toBuilder().clearArchitecture().clearFilesystem().build().toByteString()));
    out.add(Wire.field(Service.CONTAINER_FIELD_NUMBER, container));
    out.add(new Wire.Bytes(template.toBuilder().clearProse().clearContainer().build().toByteString()));
    return out;
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

  /**
   * Everything of the service but its filesystem; {@code dependencyIds} (sorted) become one
   * possible-environment scenario with a workload per embedded dependency.
   */
  private static Service assemble(ServiceSpec spec, Set<String> dependencyIds) {
    Service.Container.Builder container =
        Service.Container.newBuilder()
            .setArchitecture(Service.Container.Architecture.newBuilder().addTags(spec.architecture()))
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
    if (!dependencyIds.isEmpty()) {
      Service.PossibleEnvironmentWorkload.Builder scenario = Service.PossibleEnvironmentWorkload.newBuilder();
      for (String id : new TreeSet<>(dependencyIds)) {
        scenario.addWorkloads(
            Service.PossibleEnvironmentWorkload.Workload.newBuilder()
                .setCount(1)
                .setDependency(
                    Service.PossibleEnvironmentWorkload.Workload.Dependency.newBuilder()
                        .addHash(Hashes.sha3Hash(Hashes.hex(id).toByteArray()))
                        .setIsCompleted(true)
                        .setOnFilesystem(true)));
      }
      service.addPossibleEnvironmentWorkload(scenario);
    }
    return service.build();
  }


  /** Writes one output. */
  private interface OutputWriter {
    void write(OutputStream out) throws IOException, PackException;
  }

  /**
   * Writes to a temporary file in the same folder and renames it over {@code output}, so a
   * reader sees either the old file or the whole new one, never a partial service.
   */
  private static void writeAtomically(Path output, OutputWriter writer) throws IOException, PackException {
    Path dir = output.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + output.getFileName() + ".", ".tmp");
    try {
      try (FileOutputStream fos = new FileOutputStream(tmp.toFile());
          OutputStream out = new BufferedOutputStream(fos, 1 << 16)) {
        writer.write(out);
        out.flush();
        fos.getFD().sync();
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
