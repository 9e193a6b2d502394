package org.celaut.examples;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import org.celaut.node.config.NodeConfig;
import org.celaut.sdk.pack.PackResult;
import org.celaut.sdk.pack.ServicePacker;

/** Helpers for end-to-end tests: a real node in this JVM, the example packed from the repo. */
final class TestNode {

  /** The network every end-to-end node shares, so test runs do not pile up networks. */
  static final String NETWORK = "celaut-e2e";

  private TestNode() {}

  static Path projectDir() {
    return Path.of(System.getProperty("celaut.project.dir", "..")).toAbsolutePath().normalize();
  }

  /**
   * Config of a test node: its own data dir, a free port, instances stopped when it stops. Start
   * it with {@link TestNodes#start}, which removes the images it built once the test class is done.
   */
  static NodeConfig config(Path dataDir) {
    return NodeConfig.defaults()
        .withDataDir(dataDir)
        .withPort(0)
        .withNetworkName(NETWORK)
        .withStopInstancesOnShutdown(true);
  }

  /**
   * Packs examples/hello-http from a copy of it with Debian's static busybox put in, as
   * examples/hello-http/prepare.sh does, without touching the checkout.
   */
  static PackResult packHelloHttp(Path work) throws Exception {
    Path src = projectDir().resolve("examples/hello-http");
    Path copy = work.resolve("hello-http");
    copyTree(src, copy);
    Path busybox = Path.of("/bin/busybox");
    if (!Files.isExecutable(busybox)) {
      throw new IllegalStateException("/bin/busybox is missing: run scripts/setup.sh (apt-get install busybox-static)");
    }
    Files.copy(busybox, copy.resolve("rootfs/bin/busybox"), StandardCopyOption.REPLACE_EXISTING);
    return new ServicePacker().pack(copy, work.resolve("hello-http.service"));
  }

  static void copyTree(Path from, Path to) throws IOException {
    Files.walkFileTree(from, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        if (dir.getFileName().toString().equals("build") && dir.getParent().getFileName().toString().equals(".service")) {
          return FileVisitResult.SKIP_SUBTREE;
        }
        Files.createDirectories(to.resolve(from.relativize(dir).toString()));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.copy(file, to.resolve(from.relativize(file).toString()),
            StandardCopyOption.COPY_ATTRIBUTES, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
