package org.celaut.sdk.pack;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Builds a project's Dockerfile with the local Docker engine and turns the image's filesystem into
 * an {@link FsTree}, as the reference does: the Dockerfile only builds a filesystem, so CMD,
 * ENTRYPOINT, EXPOSE, ENV and the like are ignored.
 *
 * <p>Steps, all through the {@code docker} CLI: the build context is sent as a tar this class
 * writes (project files minus {@code .dockerignore} matches, the build output folder and the
 * output file; every entry with mtime 0 and owner 0); {@code docker build} with a label carrying
 * a fresh nonce, which makes the image id unique to this pack; {@code docker create} (never
 * started); {@code docker export} read as a stream; then the container and the image are removed,
 * whatever happened. Only the image's own layers are kept: what Docker's init layer adds to every
 * container ({@code /.dockerenv}, empty {@code /etc/hosts}, {@code /etc/hostname}, {@code
 * /etc/resolv.conf}, {@code /dev/console}, {@code /etc/mtab -> /proc/mounts}, empty {@code /dev},
 * {@code /proc}, {@code /sys} mount points) is dropped, as are whiteouts, device nodes and fifos.
 */
final class DockerBuild {

  /** Label put on the image and container a pack creates (value: a per-pack nonce). */
  static final String LABEL = "org.celaut.packer";

  private static final int OUTPUT_TAIL_CHARS = 2000;

  private final PackOptions options;
  private final Path workDir;

  DockerBuild(PackOptions options, Path workDir) {
    this.options = options;
    this.workDir = workDir;
  }

  /**
   * The Dockerfile of {@code projectDir} to use: {@code .service/Dockerfile}, else {@code
   * Dockerfile}; null if neither exists.
   */
  static Path locate(Path projectDir) {
    Path inService = projectDir.resolve(".service").resolve("Dockerfile");
    if (Files.isRegularFile(inService)) {
      return inService;
    }
    Path atRoot = projectDir.resolve("Dockerfile");
    return Files.isRegularFile(atRoot) ? atRoot : null;
  }

  /**
   * Builds {@code dockerfile} with {@code projectDir} as its context and returns the image's
   * filesystem; file contents are spilled into {@code spill}.
   *
   * @param excluded files or folders of the project never sent as context (outputs)
   */
  FsTree.Dir filesystem(Path projectDir, Path dockerfile, Set<Path> excluded, Spill spill)
      throws PackException {
    String shown = projectDir.relativize(dockerfile).toString();
    String nonce = UUID.randomUUID().toString();
    Path context = workDir.resolve("context-" + nonce + ".tar");
    Path iidFile = workDir.resolve("iid-" + nonce);
    Path log = workDir.resolve("docker-" + nonce + ".log");
    try {
      writeContext(projectDir, dockerfile, excluded, context);
    } catch (IOException e) {
      throw new PackException(shown + ": cannot prepare the build context: " + e, e);
    }
    String image = null;
    String container = null;
    try {
      List<String> build = new ArrayList<>(List.of(
          options.dockerCommand(), "build", "--quiet", "--force-rm", "--iidfile", iidFile.toString(),
          "--label", LABEL + "=" + nonce, "--file", projectDir.relativize(dockerfile).toString(), "-"));
      int code = run(build, context, log);
      if (code != 0 || !Files.isRegularFile(iidFile)) {
        throw new PackException(shown + ": docker build failed (exit " + code + "): " + tail(log));
      }
      image = Files.readString(iidFile, StandardCharsets.UTF_8).strip();
      code = run(List.of(options.dockerCommand(), "create", "--label", LABEL + "=" + nonce,
          image, "/celaut-pack-export"), null, log);
      if (code != 0) {
        throw new PackException(shown + ": docker create failed (exit " + code + "): " + tail(log));
      }
      container = lastLine(log);
      return export(shown, container, spill, log);
    } catch (IOException e) {
      throw new PackException(shown + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PackException(shown + ": interrupted while building", e);
    } finally {
      if (container != null) {
        quietly(List.of(options.dockerCommand(), "rm", "--force", container));
      }
      if (image != null) {
        quietly(List.of(options.dockerCommand(), "rmi", image));
      }
      deleteQuietly(context);
      deleteQuietly(iidFile);
      deleteQuietly(log);
    }
  }

  private FsTree.Dir export(String shown, String container, Spill spill, Path log)
      throws IOException, InterruptedException, PackException {
    ProcessBuilder pb = new ProcessBuilder(options.dockerCommand(), "export", container);
    pb.redirectError(log.toFile());
    pb.redirectInput(ProcessBuilder.Redirect.from(nullFile()));
    Process p = start(pb);
    FsTree.Dir root;
    try (InputStream in = p.getInputStream()) {
      root = ExportReader.read(in, spill, shown);
    } finally {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    if (p.exitValue() != 0) {
      throw new PackException(shown + ": docker export failed (exit " + p.exitValue() + "): " + tail(log));
    }
    dropInitLayer(root);
    return root;
  }

  /** Removes what Docker's init layer adds to every container, when it is exactly that. */
  static void dropInitLayer(FsTree.Dir root) {
    for (String f : List.of(".dockerenv", "etc/hostname", "etc/hosts", "etc/resolv.conf", "dev/console")) {
      FsTree.Dir parent = parentOf(root, f);
      String name = f.substring(f.lastIndexOf('/') + 1);
      if (parent != null && parent.entries.get(name) instanceof FsTree.File file && file.size() == 0) {
        parent.entries.remove(name);
      }
    }
    FsTree.Dir etc = parentOf(root, "etc/mtab");
    if (etc != null && etc.entries.get("mtab") instanceof FsTree.Link l && l.target().equals("/proc/mounts")) {
      etc.entries.remove("mtab");
    }
    for (String d : List.of("dev/pts", "dev/shm", "dev", "proc", "sys", "etc")) {
      FsTree.Dir parent = parentOf(root, d);
      String name = d.substring(d.lastIndexOf('/') + 1);
      if (parent != null && parent.entries.get(name) instanceof FsTree.Dir dir && dir.entries.isEmpty()) {
        parent.entries.remove(name);
      }
    }
  }

  private static FsTree.Dir parentOf(FsTree.Dir root, String rel) {
    String[] parts = rel.split("/");
    FsTree.Dir d = root;
    for (int i = 0; i < parts.length - 1; i++) {
      if (!(d.entries.get(parts[i]) instanceof FsTree.Dir next)) {
        return null;
      }
      d = next;
    }
    return d;
  }

  // ---- the build context ----

  private static void writeContext(Path projectDir, Path dockerfile, Set<Path> excluded, Path tar)
      throws IOException {
    DockerIgnore ignore = DockerIgnore.load(projectDir);
    Set<String> always = Set.of(
        projectDir.relativize(dockerfile).toString(), ".dockerignore", ".service/.dockerignore");
    List<String> skip = new ArrayList<>();
    skip.add(ServicePacker.BUILD_DIR);
    Path projectAbs = projectDir.toAbsolutePath().normalize();
    for (Path e : excluded) {
      Path abs = e.toAbsolutePath().normalize();
      if (abs.startsWith(projectAbs) && !abs.equals(projectAbs)) {
        skip.add(projectAbs.relativize(abs).toString());
      }
    }
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tar), 1 << 16)) {
      Tar.Writer w = new Tar.Writer(out);
      walk(projectDir, "", w, ignore, always, skip);
      w.finish();
    }
  }

  private static void walk(
      Path dir, String prefix, Tar.Writer w, DockerIgnore ignore, Set<String> always, List<String> skip)
      throws IOException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) {
        names.add(p.getFileName().toString());
      }
    }
    names.sort(FsTree.UTF8_ORDER);
    for (String name : names) {
      String rel = prefix + name;
      if (skip.contains(rel)) {
        continue;
      }
      Path p = dir.resolve(name);
      PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      boolean excludedHere = ignore.excludes(rel) && !always.contains(rel);
      if (a.isDirectory()) {
        if (excludedHere && !ignore.hasExceptions()) {
          continue;
        }
        if (!excludedHere) {
          w.directory(rel, modeOf(p, a));
        }
        walk(p, rel + "/", w, ignore, always, skip);
      } else if (excludedHere) {
        continue;
      } else if (a.isSymbolicLink()) {
        w.symlink(rel, Files.readSymbolicLink(p).toString());
      } else if (a.isRegularFile()) {
        try (InputStream in = Files.newInputStream(p)) {
          w.file(rel, modeOf(p, a), a.size(), in);
        }
      }
      // Sockets, fifos and devices cannot be sent as context; Docker skips them too.
    }
  }

  private static int modeOf(Path p, PosixFileAttributes a) {
    try {
      return ((Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & 07777;
    } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
      int mode = 0;
      for (var perm : a.permissions()) {
        mode |= 1 << (8 - perm.ordinal());
      }
      return mode;
    }
  }

  // ---- running docker ----

  private int run(List<String> command, Path stdin, Path log) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    pb.redirectInput(stdin == null ? ProcessBuilder.Redirect.from(nullFile()) : ProcessBuilder.Redirect.from(stdin.toFile()));
    return start(pb).waitFor();
  }

  private Process start(ProcessBuilder pb) throws IOException {
    try {
      return pb.start();
    } catch (IOException e) {
      throw new IOException(
          "cannot run '" + options.dockerCommand() + "' (building a Dockerfile needs the docker CLI"
              + " and a running engine; install docker or set another command): " + e.getMessage(),
          e);
    }
  }

  private void quietly(List<String> command) {
    try {
      ProcessBuilder pb = new ProcessBuilder(command);
      pb.redirectErrorStream(true);
      pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
      Process p = pb.start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    } catch (IOException e) {
      // Cleanup is best effort: the labelled leftovers can be found with docker ps/images --filter.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static java.io.File nullFile() {
    return new java.io.File("/dev/null");
  }

  private static String lastLine(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (!lines.get(i).isBlank()) {
        return lines.get(i).strip();
      }
    }
    throw new IOException("docker printed no container id");
  }

  private static String tail(Path log) {
    try {
      String s = Files.readString(log, StandardCharsets.UTF_8).strip();
      return s.length() <= OUTPUT_TAIL_CHARS ? s : "…" + s.substring(s.length() - OUTPUT_TAIL_CHARS);
    } catch (IOException e) {
      return "(no output)";
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // a temp file in the pack's work folder, removed with it
    }
  }

  /** Reads an exported filesystem tar into a tree. */
  static final class ExportReader {
    private ExportReader() {}

    static FsTree.Dir read(InputStream in, Spill spill, String shown) throws IOException, PackException {
      FsTree.Dir root = new FsTree.Dir(0755);
      Tar.Reader r = new Tar.Reader(in);
      for (Tar.Entry e = r.next(); e != null; e = r.next()) {
        List<String> segs = segments(e.name(), shown);
        if (segs.isEmpty() || segs.stream().anyMatch(s -> s.startsWith(".wh."))) {
          continue; // the root itself, or a whiteout (never in a flattened export, but harmless)
        }
        String imagePath = "/" + String.join("/", segs);
        FsTree.Dir parent = root;
        for (String s : segs.subList(0, segs.size() - 1)) {
          FsTree.Dir next = parent.dir(s, 0755);
          if (next == null) {
            throw new PackException(shown + ": " + imagePath + ": a parent folder is not a folder in the image");
          }
          parent = next;
        }
        String name = segs.get(segs.size() - 1);
        switch (e.kind()) {
          case DIRECTORY -> {
            FsTree.Dir d = parent.dir(name, e.mode());
            if (d == null) {
              d = new FsTree.Dir(e.mode());
              parent.entries.put(name, d);
            }
            d.mode = e.mode();
          }
          case FILE -> parent.entries.put(name, new FsTree.File(
              List.of(spill.add(r.data(), e.size(), shown + ": " + imagePath)), e.mode()));
          case SYMLINK -> parent.entries.put(name, new FsTree.Link(e.linkName()));
          case HARD_LINK -> {
            FsTree.Node target = find(root, segments(e.linkName(), shown));
            if (!(target instanceof FsTree.File f)) {
              throw new PackException(shown + ": " + imagePath + ": hard link to " + e.linkName()
                  + ", which is not a file before it in the export");
            }
            parent.entries.put(name, new FsTree.File(f.content(), e.mode()));
          }
          case OTHER -> { } // devices and fifos: the runtime provides /dev
          default -> throw new IllegalStateException();
        }
      }
      return root;
    }

    private static FsTree.Node find(FsTree.Dir root, List<String> segs) {
      FsTree.Node n = root;
      for (String s : segs) {
        if (!(n instanceof FsTree.Dir d)) {
          return null;
        }
        n = d.entries.get(s);
      }
      return n;
    }

    private static List<String> segments(String name, String shown) throws PackException {
      List<String> out = new ArrayList<>();
      for (String s : name.split("/")) {
        if (s.isEmpty() || s.equals(".")) {
          continue;
        }
        if (s.equals("..") || s.indexOf('\0') >= 0) {
          throw new PackException(shown + ": the exported image holds an entry named \"" + name + "\"");
        }
        out.add(s);
      }
      return out;
    }
  }
}
