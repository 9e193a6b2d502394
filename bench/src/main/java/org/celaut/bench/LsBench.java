package org.celaut.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code celaut ls} as a person types it — {@code bin/celaut ls}, a new process each time, against
 * a real node — against its floor, {@code docker ps}, run the same way in the same run,
 * alternating. Prints the medians of wall and CPU time and their ratios; the goal is a wall time
 * of at most 0.3 s.
 */
final class LsBench {

  static final double GOAL_WALL_SECONDS = 0.3;

  private LsBench() {}

  static void run(int runs, Path work, String runId) throws Exception {
    Path repo = BenchSupport.repository();
    System.out.println("ls: the CLI's class-data-sharing archive is " + BenchSupport.cliArchiveState());
    try (NodeProcess node = NodeProcess.start(work, runId)) {
      List<String> ours = List.of(repo.resolve("bin/celaut").toString(), "ls", "--node", node.address());
      List<String> floor = List.of("docker", "ps");
      List<Long> oursWall = new ArrayList<>();
      List<Long> oursCpu = new ArrayList<>();
      List<Long> floorWall = new ArrayList<>();
      List<Long> floorCpu = new ArrayList<>();
      for (int i = 0; i < runs + 2; i++) {
        // Alternate so drift in the machine's load hits both sides alike; two warm-up rounds.
        BenchSupport.Timed a = BenchSupport.timed(ours, repo);
        if (a.exitCode() != 0) {
          throw new IllegalStateException("celaut ls failed (" + a.exitCode() + "): " + a.err());
        }
        BenchSupport.Timed b = BenchSupport.timed(floor, repo);
        if (b.exitCode() != 0) {
          throw new IllegalStateException("docker ps failed: " + b.err());
        }
        if (i >= 2) {
          oursWall.add(a.wallNanos());
          oursCpu.add(a.cpuNanos());
          floorWall.add(b.wallNanos());
          floorCpu.add(b.cpuNanos());
        }
      }
      double ow = BenchSupport.millis(BenchSupport.median(oursWall));
      double fw = BenchSupport.millis(BenchSupport.median(floorWall));
      double oc = BenchSupport.millis(BenchSupport.median(oursCpu));
      double fc = BenchSupport.millis(BenchSupport.median(floorCpu));
      System.out.printf("ls: bin/celaut ls, a new process each time (median of %d)  wall %.0f ms  cpu %.0f ms%n", runs, ow, oc);
      System.out.printf("ls: floor docker ps, same run, alternating (median of %d)  wall %.0f ms  cpu %.0f ms%n", runs, fw, fc);
      System.out.printf("ls: ratio ours / docker ps  wall %.1f  cpu %.1f   goal wall <= %.0f ms: %s%n", ow / fw, oc / fc,
          GOAL_WALL_SECONDS * 1000, ow <= GOAL_WALL_SECONDS * 1000 ? "met" : "NOT met");
    }
  }
}
