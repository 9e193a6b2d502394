package org.celaut.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.celaut.cli.cds.TrainingRun;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/celaut}, run as a person runs it, with the class-data-sharing archive the build made
 * ({@code cli/target/celaut.jsa}): the archive is used when it belongs to this jar and this JDK,
 * and an archive that is stale, garbled, for another JDK or another place, or missing never changes
 * what the command prints or its exit code. When bin/celaut can tell the archive is not for it, it
 * does not name it, so the JVM keeps the JDK's own archive (naming a foreign archive would make it
 * run with none at all, several times slower). An integration test (after {@code package}): it
 * needs the shaded jar and the archive.
 *
 * <p>The first case runs the build's own layout, read only; the others run in a copy of it
 * ({@code bin/celaut}, {@code cli/target/}), so the build's files are never touched.
 */
class CelautScriptIT {

  private static final Path PROJECT = Path.of(System.getProperty("celaut.project.dir", "..")).toAbsolutePath();
  private static final Path BUILT = PROJECT.resolve("cli/target");

  @TempDir static Path copies;

  record Result(int code, String out, String err, String classLoads) {}

  @BeforeAll
  static void builtByThisBuild() {
    assertThat(BUILT.resolve("celaut.jar")).as("run after package").exists();
    assertThat(BUILT.resolve("celaut.jsa")).as("the build makes the archive (cli/pom.xml)").exists();
  }

  /**
   * A copy of the layout bin/celaut expects, with the build's archive, younger than the jar, and
   * an id that names this copy's jar: as if the build had run here.
   */
  private static Path layout(String name) throws Exception {
    Path root = copies.resolve(name);
    Files.createDirectories(root.resolve("bin"));
    Files.createDirectories(root.resolve("cli/target"));
    Files.copy(PROJECT.resolve("bin/celaut"), root.resolve("bin/celaut"), StandardCopyOption.COPY_ATTRIBUTES);
    Path jar = root.resolve("cli/target/celaut.jar");
    Files.copy(BUILT.resolve("celaut.jar"), jar, StandardCopyOption.COPY_ATTRIBUTES);
    Path archive = root.resolve("cli/target/celaut.jsa");
    Files.copy(BUILT.resolve("celaut.jsa"), archive);
    Files.setLastModifiedTime(archive, FileTime.from(Instant.now()));
    Files.writeString(root.resolve("cli/target/celaut.jsa.id"),
        TrainingRun.archiveId(Path.of(System.getProperty("java.home")), jar));
    return root;
  }

  private static Result celaut(Path root, String... args) throws Exception {
    Path log = copies.resolve("class-load-" + System.nanoTime() + ".log");
    List<String> cmd = new java.util.ArrayList<>(List.of(root.resolve("bin/celaut").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Map<String, String> env = pb.environment();
    env.put("CELAUT_JAVA_OPTS", "-Xlog:class+load=info:file=" + log);
    Path out = copies.resolve("out.txt");
    Path err = copies.resolve("err.txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("celaut finished").isTrue();
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err),
        Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "");
  }

  private static void answersNormally(Result r) {
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("celaut ").hasLineCount(1);
    assertThat(r.err()).isEmpty();
  }

  private static boolean fromAnArchive(Result r, String className) {
    return r.classLoads().lines().anyMatch(l -> l.contains(" " + className + " source: shared objects file"));
  }

  /** Skipped by bin/celaut: our classes from the jar, the JDK's from the JDK's own archive. */
  private static void skippedForTheJdksOwn(Result r) {
    assertThat(fromAnArchive(r, "org.celaut.cli.Main")).as("org.celaut.cli.Main from an archive").isFalse();
    assertThat(fromAnArchive(r, "java.lang.Object")).as("the JDK's own archive still in use").isTrue();
  }

  @Test
  void theArchiveOfThisJarAndJdkIsUsed() throws Exception {
    Result r = celaut(PROJECT, "--version");
    answersNormally(r);
    assertThat(fromAnArchive(r, "org.celaut.cli.Main")).as("org.celaut.cli.Main loaded from the archive").isTrue();
  }

  @Test
  void anArchiveMadeForTheJarElsewhereIsSkipped() throws Exception {
    Path root = layout("moved");
    // The build's own id: it names the jar in the build's directory, not this one.
    Files.copy(BUILT.resolve("celaut.jsa.id"), root.resolve("cli/target/celaut.jsa.id"), StandardCopyOption.REPLACE_EXISTING);
    Result r = celaut(root, "--version");
    answersNormally(r);
    skippedForTheJdksOwn(r);
  }

  @Test
  void anArchiveOlderThanTheJarIsSkipped() throws Exception {
    Path root = layout("stale");
    Files.setLastModifiedTime(root.resolve("cli/target/celaut.jsa"), FileTime.from(Instant.parse("2000-01-01T00:00:00Z")));
    Result r = celaut(root, "--version");
    answersNormally(r);
    skippedForTheJdksOwn(r);
  }

  @Test
  void anArchiveOfAnotherJdkIsSkipped() throws Exception {
    Path root = layout("other-jdk");
    String id = Files.readString(root.resolve("cli/target/celaut.jsa.id"));
    Files.writeString(root.resolve("cli/target/celaut.jsa.id"),
        id.replaceFirst("java.home=.*", "java.home=/opt/some-other-jdk"));
    Result r = celaut(root, "--version");
    answersNormally(r);
    skippedForTheJdksOwn(r);
  }

  @Test
  void aGarbledArchiveNeverBreaksTheCommand() throws Exception {
    Path root = layout("garbled");
    Path archive = root.resolve("cli/target/celaut.jsa");
    Files.delete(archive);
    Files.write(archive, "not an archive at all".repeat(100).getBytes(StandardCharsets.US_ASCII));
    Result r = celaut(root, "--version");
    answersNormally(r);
    assertThat(fromAnArchive(r, "org.celaut.cli.Main")).isFalse();
  }

  @Test
  void noArchiveAtAllIsFine() throws Exception {
    Path root = layout("none");
    Files.delete(root.resolve("cli/target/celaut.jsa"));
    Result r = celaut(root, "--version");
    answersNormally(r);
    skippedForTheJdksOwn(r);
  }
}
