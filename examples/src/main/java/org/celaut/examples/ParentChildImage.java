package org.celaut.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.celaut.sdk.pack.PackException;
import org.celaut.sdk.pack.PackResult;
import org.celaut.sdk.pack.ServicePacker;

/**
 * Builds the root filesystem of examples/parent-child and packs it, with its child service
 * (examples/hello-http) embedded. No registry and no base image: everything comes from this
 * machine.
 *
 * <pre>
 * /bin/busybox        Debian's static busybox: the shell of the entrypoint
 * /bin/service        the entrypoint: #!/bin/busybox sh, exec java -jar /app/parent.jar
 * /opt/java/          jlink of the local JDK: {@link MinimalJavaRuntime#PARENT_MODULES} only
 * /lib64/ld-linux-…   the dynamic loader, and the host libraries the runtime loads (ldd):
 * /lib/x86_64-linux-gnu/libc.so.6, libz, libstdc++, …
 * /app/parent.jar     the parent (module examples/parent-child) and its runtime classpath, merged
 * /tmp                for the JVM
 * and added by the packer (pack_config.json):
 * /__services__/&lt;id&gt;   hello-http, the child; /__metadata__/&lt;id&gt; its Metadata
 * /.dependencies      CHILD_SERVICE=&lt;id&gt;
 * </pre>
 *
 * <p><b>The child.</b> {@code .service/pack_config.json} declares {@code CHILD_SERVICE} as the
 * project {@value #CHILD_PROJECT}, a path relative to the parent's project, so the packer packs
 * hello-http too, embeds it at {@code /__services__/<id>} and writes {@code
 * CHILD_SERVICE=<id>} to {@code /.dependencies}. hello-http is only packable once a busybox is in
 * its rootfs, and the checkout is never modified, so the project is assembled elsewhere in the
 * same layout as the checkout: {@code <projectOut>/} for the parent and, beside it at {@code
 * <projectOut>/}{@value #CHILD_PROJECT}, a copy of hello-http with {@code /bin/busybox} added. The
 * committed {@code pack_config.json} then holds for both (in the checkout, after {@code
 * examples/hello-http/prepare.sh}).
 *
 * <p>Run from the repository root after {@code ./mvnw -o -q -pl examples -am test-compile}:
 * {@code java -cp <examples classpath> org.celaut.examples.ParentChildImage} writes {@code
 * examples/parent-child/target/project/} (the parent's project and hello-http's copy) and {@code
 * examples/parent-child/.service/build/parent-child.service}, and prints the service ids.
 */
public final class ParentChildImage {

  /**
   * Where the child's project is, relative to the parent's: the path {@code
   * .service/pack_config.json} gives dependency {@code CHILD_SERVICE}.
   */
  public static final String CHILD_PROJECT = "../hello-http";

  /** The name the child is declared under. */
  public static final String CHILD_DEPENDENCY = "CHILD_SERVICE";

  /** The parent's main class. */
  public static final String MAIN_CLASS = "org.celaut.examples.parentchild.ParentService";

  /** Where the entrypoint finds the JVM, and where the parent's jar goes. */
  static final String JAVA_DIR = "opt/java";
  static final String JAR = "app/parent.jar";

  /**
   * JVM flags: a small heap share of the container's limit, one simple collector, C1 only (it
   * is an example; start-up matters more than peak speed), no perf-data file in /tmp, and NIO
   * instead of Netty's native epoll (which would unpack a .so into /tmp first).
   */
  static final List<String> JVM_FLAGS = List.of(
      "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:MaxRAMPercentage=60", "-Xss512k",
      "-XX:-UsePerfData", "-Dio.grpc.netty.shaded.io.netty.transport.noNative=true");

  /**
   * What was built.
   *
   * @param packed the packed service
   * @param rootfs the root filesystem it was packed from
   * @param jarBytes size of /app/parent.jar
   * @param runtimeBytes size of /opt/java
   * @param librariesBytes size of the host libraries and the loader
   * @param took time from start to packed (a cached runtime is not linked again)
   */
  public record Image(PackResult packed, Path rootfs, long jarBytes, long runtimeBytes, long librariesBytes,
      Duration took) {}

  private ParentChildImage() {}

  /**
   * Builds the image of the parent.
   *
   * @param moduleDir examples/parent-child: its {@code .service/} ({@code service.json}, {@code
   *     pack_config.json}), and {@code target/classes} and {@code target/classpath.txt} from a
   *     build of the module
   * @param projectOut where to assemble the project that gets packed ({@code .service/} and
   *     {@code rootfs/}; its rootfs is replaced); not {@code moduleDir}: the child's copy is
   *     written at {@code projectOut.resolve(}{@value #CHILD_PROJECT}{@code )} (replaced), which
   *     must not be the child's project in the checkout
   * @param cacheDir where the linked Java runtime is kept between builds
   * @param serviceFile where the packed service is written (outside {@code projectOut/rootfs})
   */
  public static Image build(Path moduleDir, Path projectOut, Path cacheDir, Path serviceFile)
      throws IOException, PackException {
    long t0 = System.nanoTime();
    Path classes = moduleDir.resolve("target/classes");
    Path classpathFile = moduleDir.resolve("target/classpath.txt");
    if (!Files.isDirectory(classes) || !Files.isRegularFile(classpathFile)) {
      throw new IOException(moduleDir + " is not built (no target/classes or target/classpath.txt):"
          + " run ./mvnw -o -q -pl examples -am test-compile first");
    }
    Path busybox = Path.of("/bin/busybox");
    if (!Files.isExecutable(busybox)) {
      throw new IOException("/bin/busybox is missing: run scripts/setup.sh (apt-get install busybox-static)");
    }
    Files.createDirectories(projectOut);
    Path childSource = moduleDir.resolve(CHILD_PROJECT).normalize();
    Path childCopy = projectOut.resolve(CHILD_PROJECT).normalize();
    if (Files.isSameFile(moduleDir, projectOut)
        || (Files.exists(childCopy) && Files.isSameFile(childSource, childCopy))) {
      throw new IOException("assemble the parent elsewhere than " + moduleDir + ": its child's copy goes to "
          + childCopy + ", which would modify the checkout's " + childSource);
    }
    prepareChild(childSource, childCopy, busybox);

    Path meta = projectOut.resolve(".service");
    org.celaut.protocol.FileTrees.delete(meta);
    Files.createDirectories(meta);
    for (String f : List.of("service.json", "pack_config.json")) {
      Files.copy(moduleDir.resolve(".service").resolve(f), meta.resolve(f));
    }
    Path rootfs = projectOut.resolve("rootfs");
    org.celaut.protocol.FileTrees.delete(rootfs);
    Files.createDirectories(rootfs);

    List<Path> classpath = new ArrayList<>();
    classpath.add(classes);
    classpath.addAll(FatJar.readClasspathFile(classpathFile));
    Path jar = rootfs.resolve(JAR);
    FatJar.write(classpath, MAIN_CLASS, jar);

    Path runtime = MinimalJavaRuntime.ensure(cacheDir, MinimalJavaRuntime.PARENT_MODULES);
    Path javaDir = rootfs.resolve(JAVA_DIR);
    copyTree(runtime, javaDir);

    long libBytes = 0;
    Set<String> libDirs = new TreeSet<>();
    for (Path lib : MinimalJavaRuntime.hostLibraries(runtime)) {
      Path to = rootfs.resolve(lib.toString().substring(1));
      Files.createDirectories(to.getParent());
      Files.copy(lib, to, StandardCopyOption.REPLACE_EXISTING); // follows links: the real file, at the name the loader asks for
      Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwxr-xr-x"));
      libBytes += Files.size(to);
      libDirs.add(lib.getParent().toString());
    }

    Files.createDirectories(rootfs.resolve("bin"));
    Files.copy(busybox, rootfs.resolve("bin/busybox"), StandardCopyOption.REPLACE_EXISTING);
    Path entry = rootfs.resolve("bin/service");
    Files.writeString(entry, entrypoint(libDirs), StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(entry, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path tmp = Files.createDirectories(rootfs.resolve("tmp"));
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));

    PackResult packed = new ServicePacker().pack(projectOut, serviceFile);
    if (!packed.dependencies().containsKey(CHILD_DEPENDENCY)) {
      throw new IOException(moduleDir.resolve(".service/pack_config.json") + " does not declare "
          + CHILD_DEPENDENCY + " (packed dependencies: " + packed.dependencies() + ")");
    }
    return new Image(packed, rootfs, Files.size(jar), sizeOf(javaDir), libBytes, Duration.ofNanos(System.nanoTime() - t0));
  }

  /**
   * Copies the child's project (but not its {@code .service/build/}) to {@code to}, replacing
   * what was there, and adds the busybox its rootfs needs, as {@code examples/hello-http/prepare.sh}
   * does in the checkout.
   */
  static void prepareChild(Path from, Path to, Path busybox) throws IOException {
    if (!Files.isRegularFile(from.resolve(ServicePacker.SERVICE_JSON))) {
      throw new IOException(from + " is not the child's project (no " + ServicePacker.SERVICE_JSON + ")");
    }
    org.celaut.protocol.FileTrees.delete(to);
    copyTree(from, to, SKIP_BUILD_OUTPUTS);
    Path bin = Files.createDirectories(to.resolve("rootfs/bin"));
    Files.copy(busybox, bin.resolve("busybox"), StandardCopyOption.REPLACE_EXISTING);
    Files.setPosixFilePermissions(bin.resolve("busybox"), PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** Skips {@code .service/build} (packed outputs) when copying a project. */
  private static final java.util.function.Predicate<Path> SKIP_BUILD_OUTPUTS = dir ->
      dir.getFileName() != null && dir.getFileName().toString().equals("build") && dir.getParent() != null
          && dir.getParent().getFileName() != null && dir.getParent().getFileName().toString().equals(".service");

  /** The entrypoint script: the protocol passes no arguments, so they live here. */
  static String entrypoint(Set<String> libDirs) {
    return "#!/bin/busybox sh\n"
        + "# Entry point of parent-child (written by org.celaut.examples.ParentChildImage).\n"
        + "# The libraries sit where this host keeps them; the path makes the loader look there\n"
        + "# without an ld.so.cache.\n"
        + "export LD_LIBRARY_PATH=" + String.join(":", libDirs) + "\n"
        + "exec /" + JAVA_DIR + "/bin/java " + String.join(" ", JVM_FLAGS) + " -jar /" + JAR + "\n";
  }

  private static void copyTree(Path from, Path to) throws IOException {
    copyTree(from, to, dir -> false);
  }

  private static void copyTree(Path from, Path to, java.util.function.Predicate<Path> skipDir) throws IOException {
    Files.walkFileTree(from, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        if (skipDir.test(from.relativize(dir))) {
          return FileVisitResult.SKIP_SUBTREE;
        }
        Files.createDirectories(to.resolve(from.relativize(dir).toString()));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Path target = to.resolve(from.relativize(file).toString());
        if (attrs.isSymbolicLink()) {
          Files.createSymbolicLink(target, Files.readSymbolicLink(file));
        } else {
          Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        }
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private static long sizeOf(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      long sum = 0;
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        sum += Files.size(p);
      }
      return sum;
    }
  }

  /**
   * Assembles the project in {@code examples/parent-child/target/project/parent-child/} (hello-http's
   * copy beside it) and packs it to {@code
   * examples/parent-child/.service/build/parent-child.service}. Argument: the repository root
   * (default: the current directory).
   */
  public static void main(String[] args) throws Exception {
    Path repo = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
    Path module = repo.resolve("examples/parent-child");
    Image image = build(module, module.resolve("target/project/parent-child"), module.resolve("target/image-cache"),
        module.resolve(ServicePacker.BUILD_DIR).resolve("parent-child" + ServicePacker.OUTPUT_SUFFIX));
    System.out.printf("parent-child %s (embeds %s %s)%n  service file %s (%.1f MiB)%n  jar %.1f MiB, java runtime %.1f MiB,"
            + " libraries %.1f MiB; built in %.1f s%n",
        image.packed().serviceIdHex(), CHILD_DEPENDENCY, image.packed().dependencies().get(CHILD_DEPENDENCY),
        image.packed().output(), image.packed().sizeBytes() / 1048576.0,
        image.jarBytes() / 1048576.0, image.runtimeBytes() / 1048576.0, image.librariesBytes() / 1048576.0,
        image.took().toMillis() / 1000.0);
  }
}
