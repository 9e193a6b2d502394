package org.celaut.examples;

import org.celaut.protocol.FileTrees;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.celaut.protocol.Hashes;

/**
 * A Java runtime that needs no registry and no distribution image: {@code jlink} of the local
 * JDK's modules into a small image, plus the host's shared libraries that image loads, found
 * with {@code ldd}.
 */
public final class MinimalJavaRuntime {

  /**
   * Modules of the parent's jar, as {@code jdeps --print-module-deps} finds them: java.base;
   * java.logging (gRPC and Guava log through it); java.naming (gRPC's DNS SRV lookups);
   * jdk.unsupported (Unsafe, for protobuf and Netty); jdk.jfr (Netty's allocator declares JFR
   * events); jdk.httpserver (the parent's HTTP server). jdeps also names java.sql, for Gson's
   * optional java.sql.Date adapters, which Gson skips when the module is absent; it would bring
   * java.xml, the largest module of all.
   */
  public static final List<String> PARENT_MODULES =
      List.of("java.base", "java.logging", "java.naming", "jdk.httpserver", "jdk.jfr", "jdk.unsupported");

  /** Modules jdeps finds in the parent's jar that it runs without (see {@link #PARENT_MODULES}). */
  public static final List<String> PARENT_OPTIONAL_MODULES = List.of("java.sql");

  /** No debug data, headers or man pages, and the class image zipped: about half the size. */
  static final List<String> JLINK_OPTIONS =
      List.of("--strip-debug", "--no-header-files", "--no-man-pages", "--compress=2");

  private static final Pattern LDD_ARROW = Pattern.compile("^\\s*(\\S+)\\s+=>\\s+(\\S+)(?:\\s+\\(0x[0-9a-f]+\\))?\\s*$");
  private static final Pattern LDD_PLAIN = Pattern.compile("^\\s*(/\\S+)\\s+\\(0x[0-9a-f]+\\)\\s*$");

  private MinimalJavaRuntime() {}

  /**
   * A runtime of {@code modules} linked from this JVM's JDK, kept under {@code cacheDir} and
   * reused while the JDK and the module list stay the same.
   *
   * @throws IOException jlink is missing (a JRE, or a JDK without jmods) or failed
   */
  public static Path ensure(Path cacheDir, List<String> modules) throws IOException {
    Path javaHome = Path.of(System.getProperty("java.home"));
    String key = Hashes.toHex(Hashes.sha3((javaHome + "\n" + System.getProperty("java.runtime.version") + "\n"
        + modules + "\n" + JLINK_OPTIONS).getBytes(StandardCharsets.UTF_8))).substring(0, 16);
    Path dir = cacheDir.resolve("jre-" + key);
    if (Files.isRegularFile(dir.resolve("bin/java"))) {
      return dir;
    }
    ToolProvider jlink = ToolProvider.findFirst("jlink").orElseThrow(() -> new IOException(
        "this JVM (" + javaHome + ") has no jlink: run the build with a full JDK 17+"
            + " (Debian: openjdk-17-jdk-headless)"));
    Files.createDirectories(cacheDir);
    Path tmp = Files.createTempDirectory(cacheDir, "jre-" + key + ".tmp");
    Files.delete(tmp); // jlink wants to create it
    List<String> args = new ArrayList<>();
    Path jmods = javaHome.resolve("jmods");
    if (Files.isDirectory(jmods)) {
      args.addAll(List.of("--module-path", jmods.toString()));
    }
    args.addAll(List.of("--add-modules", String.join(",", modules)));
    args.addAll(JLINK_OPTIONS);
    args.addAll(List.of("--output", tmp.toString()));
    StringWriter out = new StringWriter();
    int rc;
    try (PrintWriter pw = new PrintWriter(out)) {
      rc = jlink.run(pw, pw, args.toArray(String[]::new));
    }
    if (rc != 0) {
      FileTrees.delete(tmp);
      throw new IOException("jlink " + String.join(" ", args) + " failed (" + rc + "): " + out
          + (Files.isDirectory(jmods) ? "" : "; " + jmods + " is missing (Debian: openjdk-17-jdk-headless)"));
    }
    try {
      Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException | java.nio.file.FileAlreadyExistsException
        | java.nio.file.DirectoryNotEmptyException e) {
      FileTrees.delete(tmp); // another build linked the same runtime meanwhile
    }
    return dir;
  }

  /**
   * The host files every ELF file of {@code runtime} loads that are not part of the runtime
   * itself: shared libraries and the dynamic loader, by the absolute path the loader will look
   * for them at.
   *
   * @throws IOException ldd fails, or a library cannot be found on this host
   */
  public static Set<Path> hostLibraries(Path runtime) throws IOException {
    Set<Path> libs = new TreeSet<>();
    Set<String> inRuntime = new TreeSet<>();
    List<Path> elves;
    try (Stream<Path> walk = Files.walk(runtime)) {
      elves = walk.filter(Files::isRegularFile).filter(MinimalJavaRuntime::isElf).sorted().toList();
    }
    for (Path elf : elves) {
      inRuntime.add(elf.getFileName().toString());
    }
    for (Path elf : elves) {
      for (String line : run("ldd", elf.toString()).split("\n")) {
        Matcher arrow = LDD_ARROW.matcher(line);
        Matcher plain = LDD_PLAIN.matcher(line);
        if (line.contains("=> not found")) {
          // e.g. "libjvm.so => not found": a library of the runtime itself, which the loader finds
          // at run time through the RPATH of the library that needs it.
          String name = line.strip().split("\\s+")[0];
          if (!inRuntime.contains(name)) {
            throw new IOException(elf + " needs " + name + ", which neither the runtime nor this host has");
          }
        } else if (arrow.matches()) {
          Path where = Path.of(arrow.group(2));
          if (!where.toAbsolutePath().normalize().startsWith(runtime.toAbsolutePath().normalize())) {
            libs.add(where);
          }
        } else if (plain.matches()) {
          libs.add(Path.of(plain.group(1))); // the dynamic loader
        }
      }
    }
    return libs;
  }

  private static boolean isElf(Path p) {
    try (InputStream in = Files.newInputStream(p)) {
      byte[] magic = in.readNBytes(4);
      return magic.length == 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
    } catch (IOException e) {
      return false;
    }
  }

  private static String run(String... command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = p.getInputStream()) {
      in.transferTo(out);
    }
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not finish");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    String text = out.toString(StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + text.strip());
    }
    return text;
  }
}
