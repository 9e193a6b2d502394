package org.celaut.examples;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Merges class folders and jars into one runnable jar, deterministically: entries sorted, one
 * fixed time, {@code META-INF/services} files concatenated (gRPC finds its transport through
 * them), signatures and module descriptors dropped, the first copy of any other entry kept.
 * What a shading plugin does, for classpaths whose reactor modules are still class folders.
 */
public final class FatJar {

  /** Every entry's time: fixed, so the same inputs give the same bytes. */
  static final LocalDateTime ENTRY_TIME = LocalDateTime.of(2026, 1, 1, 0, 0);

  private FatJar() {}

  /**
   * Writes {@code output}: the entries of {@code classpath} (folders and jars, earlier entries
   * win) and a manifest naming {@code mainClass}.
   */
  public static void write(List<Path> classpath, String mainClass, Path output) throws IOException {
    Map<String, byte[]> entries = new TreeMap<>();
    Map<String, Set<String>> services = new TreeMap<>();
    for (Path p : classpath) {
      if (Files.isDirectory(p)) {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(p)) {
          files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
          add(p.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f), entries, services);
        }
      } else if (Files.isRegularFile(p)) {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(p))) {
          for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
            if (!e.isDirectory()) {
              add(e.getName(), in.readAllBytes(), entries, services);
            }
          }
        }
      } else {
        throw new IOException("classpath entry " + p + " does not exist; build the module first");
      }
    }
    services.forEach((name, lines) ->
        entries.put(name, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8)));

    Manifest mf = new Manifest();
    mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
    // Dependencies ship classes for newer JDKs under META-INF/versions.
    mf.getMainAttributes().put(Attributes.Name.MULTI_RELEASE, "true");
    Files.createDirectories(output.toAbsolutePath().getParent());
    try (OutputStream os = Files.newOutputStream(output); JarOutputStream jar = new JarOutputStream(os)) {
      JarEntry me = new JarEntry("META-INF/MANIFEST.MF");
      me.setTimeLocal(ENTRY_TIME);
      jar.putNextEntry(me);
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      mf.write(b);
      jar.write(b.toByteArray());
      jar.closeEntry();
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        JarEntry je = new JarEntry(e.getKey());
        je.setTimeLocal(ENTRY_TIME);
        jar.putNextEntry(je);
        jar.write(e.getValue());
        jar.closeEntry();
      }
    }
  }

  private static void add(String name, byte[] bytes, Map<String, byte[]> entries, Map<String, Set<String>> services) {
    String upper = name.toUpperCase(java.util.Locale.ROOT);
    // META-INF/maven/ is what a packaged module adds over its class folder: dropping it makes a
    // build up to "test" and one up to "package" give the same jar.
    if (upper.equals("META-INF/MANIFEST.MF") || upper.equals("META-INF/INDEX.LIST") || upper.startsWith("META-INF/MAVEN/")
        || (upper.startsWith("META-INF/") && !upper.substring(9).contains("/")
            && (upper.endsWith(".SF") || upper.endsWith(".DSA") || upper.endsWith(".RSA") || upper.endsWith(".EC")))
        || name.equals("module-info.class") || (name.startsWith("META-INF/versions/") && name.endsWith("/module-info.class"))) {
      return;
    }
    if (name.startsWith("META-INF/services/") && name.indexOf('/', "META-INF/services/".length()) < 0) {
      Set<String> lines = services.computeIfAbsent(name, k -> new LinkedHashSet<>());
      for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
        String l = line.strip();
        if (!l.isEmpty() && !l.startsWith("#")) {
          lines.add(l);
        }
      }
      return;
    }
    entries.putIfAbsent(name, bytes);
  }

  /** Reads a classpath file as {@code maven-dependency-plugin:build-classpath} writes it. */
  public static List<Path> readClasspathFile(Path file) throws IOException {
    List<Path> out = new ArrayList<>();
    for (String s : Files.readString(file).strip().split(java.io.File.pathSeparator)) {
      if (!s.isBlank()) {
        out.add(Path.of(s.strip()));
      }
    }
    return out;
  }
}
