package org.celaut.sdk.pack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** A project directory built by a test: a service.json and a rootfs with chosen modes. */
final class TestProject {

  /** The smallest valid spec; its entrypoint is created by {@link #minimal}. */
  static final String MINIMAL_JSON =
      "{\"tag\": \"t\", \"architecture\": \"linux/amd64\", \"entrypoint\": \"/bin/run\"}";

  final Path dir;

  private TestProject(Path dir) {
    this.dir = dir;
  }

  /** An empty project folder (no service.json, no rootfs). */
  static TestProject empty(Path dir) throws IOException {
    Files.createDirectories(dir);
    return new TestProject(dir);
  }

  /** {@link #MINIMAL_JSON} and an executable /bin/run. */
  static TestProject minimal(Path dir) throws IOException {
    return empty(dir).json(MINIMAL_JSON).file("/bin/run", "#!/bin/sh\n", "rwxr-xr-x");
  }

  TestProject json(String text) throws IOException {
    Path f = dir.resolve(ServicePacker.SERVICE_JSON);
    Files.createDirectories(f.getParent());
    Files.writeString(f, text);
    return this;
  }

  Path rootfs() {
    return dir.resolve("rootfs");
  }

  Path at(String imagePath) {
    return rootfs().resolve(imagePath.substring(1));
  }

  TestProject file(String imagePath, String content, String perms) throws IOException {
    return file(imagePath, content.getBytes(StandardCharsets.UTF_8), perms);
  }

  TestProject file(String imagePath, byte[] content, String perms) throws IOException {
    Path p = at(imagePath);
    Files.createDirectories(p.getParent());
    Files.write(p, content);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
    return this;
  }

  TestProject dir(String imagePath, String perms) throws IOException {
    Path p = at(imagePath);
    Files.createDirectories(p);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
    return this;
  }

  TestProject link(String imagePath, String target) throws IOException {
    Path p = at(imagePath);
    Files.createDirectories(p.getParent());
    Files.createSymbolicLink(p, Path.of(target));
    return this;
  }

  /** Lists every file under {@code dir}, for "nothing was written" checks. */
  static List<Path> listAll(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> !p.equals(dir)).toList();
    }
  }

  /**
   * Copies {@code from} to {@code to} with the same names, contents, link targets and modes but
   * everything else different: entries created in reverse name order, every timestamp moved to
   * {@code mtime}, and (when running as root) owned by another user and group.
   */
  static void copyDifferently(Path from, Path to, FileTime mtime) throws IOException {
    List<Path> all = new ArrayList<>();
    try (Stream<Path> s = Files.walk(from)) {
      s.forEach(all::add);
    }
    // Parents must exist first, so create directories shallow-first, then everything else in
    // reverse order of names.
    all.sort(Comparator.comparing((Path p) -> p.getNameCount()).thenComparing(Comparator.reverseOrder()));
    for (Path src : all) {
      Path dst = to.resolve(from.relativize(src).toString());
      if (Files.isSymbolicLink(src)) {
        Files.createDirectories(dst.getParent());
        Files.createSymbolicLink(dst, Files.readSymbolicLink(src));
      } else if (Files.isDirectory(src)) {
        Files.createDirectories(dst);
      } else {
        Files.createDirectories(dst.getParent());
        Files.write(dst, Files.readAllBytes(src));
      }
    }
    // Modes and times after all content: writing into a directory changes its mtime, and a
    // read-only directory could not be filled.
    all.sort(Comparator.comparing((Path p) -> p.getNameCount()).reversed());
    boolean root = "root".equals(System.getProperty("user.name"));
    UserPrincipalLookupService users = to.getFileSystem().getUserPrincipalLookupService();
    for (Path src : all) {
      Path dst = to.resolve(from.relativize(src).toString());
      PosixFileAttributeView view =
          Files.getFileAttributeView(dst, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
      if (root) {
        view.setOwner(users.lookupPrincipalByName("nobody"));
        view.setGroup(users.lookupPrincipalByGroupName("nogroup"));
      }
      if (!Files.isSymbolicLink(src)) {
        Files.setPosixFilePermissions(dst, Files.getPosixFilePermissions(src));
      }
      view.setTimes(mtime, mtime, null);
    }
  }
  static void deleteTree(Path dir) throws IOException {
    org.celaut.protocol.FileTrees.delete(dir);
  }
}
