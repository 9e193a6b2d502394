package org.celaut.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.celaut.sdk.pack.PackResult;
import org.celaut.sdk.pack.ServicePacker;

/**
 * The hello-http example ({@code examples/hello-http}: busybox httpd answering on 8080) made
 * ready to pack without touching the checkout: copied (without any {@code .service/build} output
 * or busybox already there) and given Debian's static busybox, as its {@code prepare.sh} does.
 */
public final class HelloHttp {

  /** Where Debian's busybox-static puts the binary the example's filesystem needs. */
  public static final Path BUSYBOX = Path.of("/bin/busybox");

  private HelloHttp() {}

  /**
   * The checkout's root: the system property {@code celaut.project.dir}, which the build sets for
   * tests, else the parent of the working directory (a module's directory when a test runs).
   */
  public static Path checkout() {
    return Path.of(System.getProperty("celaut.project.dir", "..")).toAbsolutePath().normalize();
  }

  /** A ready copy of the example at {@code into/name}, from the checkout at {@code checkout}. */
  public static Path copy(Path checkout, Path into, String name) throws IOException {
    if (!Files.isExecutable(BUSYBOX)) {
      throw new IllegalStateException(BUSYBOX + " is missing: run scripts/setup.sh (apt-get install busybox-static)");
    }
    Path src = checkout.resolve("examples/hello-http");
    if (!Files.isDirectory(src)) {
      throw new IllegalStateException(src + " not found: give the repository's root (run from there)");
    }
    Path copy = into.resolve(name);
    try (Stream<Path> walk = Files.walk(src)) {
      for (Path p : walk.toList()) {
        String rel = src.relativize(p).toString();
        if (rel.startsWith(".service/build") || rel.equals("rootfs/bin/busybox")) {
          continue;
        }
        Path to = copy.resolve(rel);
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING,
              LinkOption.NOFOLLOW_LINKS);
        }
      }
    }
    Files.copy(BUSYBOX, copy.resolve("rootfs/bin/busybox"), StandardCopyOption.REPLACE_EXISTING);
    return copy;
  }

  /** {@link #copy} at {@code work/hello-http}, packed into {@code work/hello-http.service}. */
  public static PackResult pack(Path checkout, Path work) throws Exception {
    return new ServicePacker().pack(copy(checkout, work, "hello-http"), work.resolve("hello-http.service"));
  }
}
