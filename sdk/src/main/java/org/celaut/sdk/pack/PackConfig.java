package org.celaut.sdk.pack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.celaut.protocol.Hashes;

/**
 * A validated {@code pack_config.json}: how to pack, as opposed to {@code service.json}, which says
 * what the service is. Every field is optional.
 *
 * <pre>
 * {
 *   "include": ["bin/**", "etc/app.conf"],     globs over the image; only matches are packed
 *   "ignore": ["**&#47;*.pyc", "tmp"],              globs; matches are left out (wins over include)
 *   "dependencies": {                          NAME: a project path (relative to this project)
 *     "db": "../db",                                 or a 64-hex service id (found in the registry)
 *     "cache": "3f9c…"
 *   },
 *   "dependencies_env": true,                  write /.dependencies (NAME=&lt;id&gt; lines, sorted)
 *   "service_dependencies_directory": "__services__",    where children go: /&lt;dir&gt;/&lt;id&gt;
 *   "metadata_dependencies_directory": "__metadata__",   their Metadata: /&lt;dir&gt;/&lt;id&gt;
 *   "blocks_directory": "__block__",           reserved (see ServicePacker)
 *   "block_threshold_bytes": 10485760          files of at least this size become blocks
 * }
 * </pre>
 *
 * @param include include globs, as written
 * @param ignore ignore globs, as written
 * @param dependencies NAME to value (path or id), sorted by name
 * @param dependenciesEnv whether to write {@code /.dependencies}
 * @param servicesDirectory top-level directory of embedded services
 * @param metadataDirectory top-level directory of their Metadata
 * @param blocksDirectory reserved directory name for blocks
 * @param blockThresholdBytes the threshold, or null when not given
 */
record PackConfig(
    List<String> include,
    List<String> ignore,
    Map<String, String> dependencies,
    boolean dependenciesEnv,
    String servicesDirectory,
    String metadataDirectory,
    String blocksDirectory,
    Long blockThresholdBytes) {

  static final String FILE = "pack_config.json";

  /** A configuration with every default, as when no file exists. */
  static final PackConfig DEFAULTS =
      new PackConfig(
          List.of(), List.of(), Map.of(), false, "__services__", "__metadata__", "__block__", null);

  /** Names a dependency may have: they become {@code NAME=} lines and appear in messages. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

  private static final Set<String> TOP =
      Set.of(
          "include", "ignore", "dependencies", "dependencies_env",
          "service_dependencies_directory", "metadata_dependencies_directory", "blocks_directory",
          "block_threshold_bytes");

  PackConfig {
    include = List.copyOf(include);
    ignore = List.copyOf(ignore);
    dependencies = java.util.Collections.unmodifiableMap(new TreeMap<>(dependencies));
  }

  /** The file of {@code projectDir}: {@code .service/pack_config.json}, else at the root, else null. */
  static Path locate(Path projectDir) {
    Path inService = projectDir.resolve(".service").resolve(FILE);
    if (Files.isRegularFile(inService)) {
      return inService;
    }
    Path atRoot = projectDir.resolve(FILE);
    return Files.isRegularFile(atRoot) ? atRoot : null;
  }

  /** Reads the project's configuration, or {@link #DEFAULTS} if it has none. */
  static PackConfig read(Path projectDir) throws PackException {
    Path file = locate(projectDir);
    if (file == null) {
      return DEFAULTS;
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new PackException(file + ": cannot read: " + e, e);
    }
    return parse(JsonField.parse(FILE, file, bytes));
  }

  static PackConfig parse(JsonField root) throws PackException {
    root.requireObject(TOP);
    List<String> include = globs(root.field("include"));
    List<String> ignore = globs(root.field("ignore"));

    Map<String, String> deps = new TreeMap<>();
    JsonField depsField = root.field("dependencies");
    if (depsField.isPresent()) {
      for (Map.Entry<String, JsonField> e : depsField.members()) {
        String name = e.getKey();
        JsonField value = e.getValue();
        if (!NAME.matcher(name).matches()) {
          throw value.error(
              "a dependency name must be 1..128 of [A-Za-z0-9_.-] starting with a letter, digit"
                  + " or '_', got \"" + name + "\"");
        }
        String v = value.nonEmptyString();
        if (!Hashes.isSha3Hex(v) && v.indexOf('\0') >= 0) {
          throw value.error("must be a project path or a 64-hex service id");
        }
        deps.put(name, v);
      }
    }
    boolean env = root.field("dependencies_env").bool(false);

    String services = dirName(root.field("service_dependencies_directory"), DEFAULTS.servicesDirectory);
    String metadata = dirName(root.field("metadata_dependencies_directory"), DEFAULTS.metadataDirectory);
    String blocks = dirName(root.field("blocks_directory"), DEFAULTS.blocksDirectory);
    Set<String> seen = new HashSet<>();
    for (var f : List.of(
        Map.entry("service_dependencies_directory", services),
        Map.entry("metadata_dependencies_directory", metadata),
        Map.entry("blocks_directory", blocks))) {
      if (!seen.add(f.getValue())) {
        throw root.field(f.getKey())
            .error("\"" + f.getValue() + "\" is already used by another *_directory field");
      }
    }

    Long threshold = null;
    JsonField t = root.field("block_threshold_bytes");
    if (t.isPresent()) {
      threshold = t.longInteger(1, Long.MAX_VALUE);
    }
    return new PackConfig(include, ignore, deps, env, services, metadata, blocks, threshold);
  }

  private static List<String> globs(JsonField f) throws PackException {
    List<String> out = new ArrayList<>();
    if (!f.isPresent()) {
      return out;
    }
    for (JsonField g : f.elements()) {
      String pattern = g.nonEmptyString();
      try {
        PathFilter.check(pattern);
      } catch (IllegalArgumentException e) {
        throw g.error(e.getMessage() + ", got \"" + pattern + "\"");
      }
      out.add(pattern);
    }
    return out;
  }

  private static String dirName(JsonField f, String fallback) throws PackException {
    String name = f.string(fallback);
    if (!ServiceJsonReader.validSegment(name)) {
      throw f.error(
          "must be one directory name (not empty, \".\" or \"..\", no '/'), got \"" + name + "\"");
    }
    return name;
  }
}
