package org.celaut.sdk.pack;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code include} / {@code ignore} globs of {@code pack_config.json}, matched against paths
 * relative to the image root ({@code bin/run}, no leading slash).
 *
 * <p>Syntax is Java's glob ({@link java.nio.file.FileSystem#getPathMatcher}): {@code *} and
 * {@code ?} within one path segment, {@code **} across segments, {@code [abc]}, {@code {a,b}}. A
 * leading {@code /} anchors nothing extra (every pattern is matched from the root) and a trailing
 * {@code /} is dropped; {@code **}{@code /x} also matches a top-level {@code x}, as in
 * {@code .gitignore}. A directory matched by {@code include} is taken whole; an ignored entry is
 * left out with everything under it; {@code ignore} wins over {@code include}.
 */
final class PathFilter {

  /** Takes everything. */
  static final PathFilter ALL = new PathFilter(List.of(), List.of());

  private final List<PathMatcher> include;
  private final List<PathMatcher> ignore;

  private PathFilter(List<PathMatcher> include, List<PathMatcher> ignore) {
    this.include = include;
    this.ignore = ignore;
  }

  /**
   * Compiles the patterns.
   *
   * @throws IllegalArgumentException naming the bad pattern
   */
  static PathFilter of(List<String> include, List<String> ignore) {
    return new PathFilter(compile(include), compile(ignore));
  }

  /** One pattern, checked; for validating a configuration. */
  static void check(String pattern) {
    compile(List.of(pattern));
  }

  private static List<PathMatcher> compile(List<String> patterns) {
    List<PathMatcher> out = new ArrayList<>();
    for (String raw : patterns) {
      String p = raw;
      while (p.startsWith("/")) {
        p = p.substring(1);
      }
      while (p.endsWith("/") && p.length() > 1) {
        p = p.substring(0, p.length() - 1);
      }
      if (p.isEmpty()) {
        throw new IllegalArgumentException("an empty pattern matches nothing");
      }
      try {
        out.add(FileSystems.getDefault().getPathMatcher("glob:" + p));
        if (p.startsWith("**/") && p.length() > 3) {
          out.add(FileSystems.getDefault().getPathMatcher("glob:" + p.substring(3)));
        }
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("not a valid glob: " + e.getDescription(), e);
      }
    }
    return List.copyOf(out);
  }

  /** True if some {@code include} pattern exists (otherwise everything is included). */
  boolean hasInclude() {
    return !include.isEmpty();
  }

  /** True if {@code relPath} matches an {@code include} pattern, or there are none. */
  boolean included(String relPath) {
    return include.isEmpty() || matches(include, relPath);
  }

  /** True if {@code relPath} matches an {@code ignore} pattern. */
  boolean ignored(String relPath) {
    return matches(ignore, relPath);
  }

  private static boolean matches(List<PathMatcher> matchers, String relPath) {
    if (matchers.isEmpty()) {
      return false;
    }
    Path p = Path.of(relPath);
    for (PathMatcher m : matchers) {
      if (m.matches(p)) {
        return true;
      }
    }
    return false;
  }

  /** Applies the filter to a tree already built (a Docker export), in place. */
  void apply(FsTree.Dir root) {
    apply(root, "", !hasInclude());
  }

  private void apply(FsTree.Dir dir, String prefix, boolean taken) {
    var it = dir.entries.entrySet().iterator();
    while (it.hasNext()) {
      var e = it.next();
      String rel = prefix + e.getKey();
      if (ignored(rel)) {
        it.remove();
        continue;
      }
      boolean here = taken || included(rel);
      if (e.getValue() instanceof FsTree.Dir sub) {
        apply(sub, rel + "/", here);
        if (!here && sub.entries.isEmpty()) {
          it.remove();
        }
      } else if (!here) {
        it.remove();
      }
    }
  }
}
