package org.celaut.sdk.pack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.PatternSyntaxException;

/**
 * The project's {@code .dockerignore} ({@code .dockerignore} at the project root, else {@code
 * .service/.dockerignore}, where the reference keeps it): one glob per line, {@code #} comments,
 * {@code !} re-includes, the last matching line decides, and a line matching a folder applies to
 * everything in it. Globs use the syntax of {@link PathFilter}.
 */
final class DockerIgnore {

  private record Rule(PathMatcher matcher, boolean exception) {}

  private final List<Rule> rules;

  private DockerIgnore(List<Rule> rules) {
    this.rules = rules;
  }

  static DockerIgnore load(Path projectDir) throws IOException {
    Path file = projectDir.resolve(".dockerignore");
    if (!Files.isRegularFile(file)) {
      file = projectDir.resolve(".service").resolve(".dockerignore");
    }
    List<Rule> rules = new ArrayList<>();
    if (Files.isRegularFile(file)) {
      int lineNo = 0;
      for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        lineNo++;
        String line = raw.strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        boolean exception = line.startsWith("!");
        String p = exception ? line.substring(1).strip() : line;
        while (p.startsWith("/")) {
          p = p.substring(1);
        }
        while (p.startsWith("./")) {
          p = p.substring(2);
        }
        while (p.endsWith("/") && p.length() > 1) {
          p = p.substring(0, p.length() - 1);
        }
        if (p.isEmpty()) {
          continue;
        }
        try {
          rules.add(new Rule(FileSystems.getDefault().getPathMatcher("glob:" + p), exception));
          if (p.startsWith("**/") && p.length() > 3) {
            rules.add(new Rule(FileSystems.getDefault().getPathMatcher("glob:" + p.substring(3)), exception));
          }
        } catch (PatternSyntaxException e) {
          throw new IOException(file + ": line " + lineNo + ": not a valid glob: " + e.getDescription(), e);
        }
      }
    }
    return new DockerIgnore(List.copyOf(rules));
  }

  /** True if some rule re-includes paths (then an excluded folder must still be walked). */
  boolean hasExceptions() {
    return rules.stream().anyMatch(Rule::exception);
  }

  /** True if {@code relPath} (or a folder above it) is excluded by the last rule matching it. */
  boolean excludes(String relPath) {
    boolean excluded = false;
    for (Rule r : rules) {
      if (matchesSelfOrParent(r.matcher(), relPath)) {
        excluded = !r.exception();
      }
    }
    return excluded;
  }

  private static boolean matchesSelfOrParent(PathMatcher m, String relPath) {
    Path p = Path.of(relPath);
    for (int n = p.getNameCount(); n >= 1; n--) {
      if (m.matches(p.subpath(0, n))) {
        return true;
      }
    }
    return false;
  }
}
