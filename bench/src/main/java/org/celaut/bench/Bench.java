package org.celaut.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmarks' one entry point: {@code java -jar bench/target/celaut-bench.jar WHAT [N]} from
 * the repository root, after {@code ./mvnw -q package -DskipTests}. Every benchmark measures
 * ours and its floor in the same run, alternating, and prints both and their ratio; each line
 * starts with the benchmark's name, so the output greps well. Before and after, it prints the
 * date, the machine and its load average: timings taken under load are noisy, so compare runs
 * made on a quiet machine.
 *
 * <p>Every container, network and image a benchmark makes is removed when it ends (nodes stop
 * their instances; what is left is removed by label), also when it fails.
 */
public final class Bench {

  /** One benchmark: how to call it, what it measures, how to run it with its arguments. */
  private record Entry(String usage, String what, Runner runner) {}

  @FunctionalInterface
  private interface Runner {
    void run(List<String> args, Path work, String runId) throws Exception;
  }

  private static final Map<String, Entry> BENCHMARKS = new LinkedHashMap<>();

  static {
    BENCHMARKS.put("start", new Entry("start [RUNS=15]",
        "warm StartService until the slot answers, vs docker run -d -p of the same image (in-process node)",
        (a, w, id) -> StartLatencyBench.run(intArg(a, 0, 15), w)));
    BENCHMARKS.put("ls", new Entry("ls [RUNS=15]",
        "bin/celaut ls as a new process, vs docker ps (goal: <= 0.3 s wall)",
        (a, w, id) -> LsBench.run(intArg(a, 0, 15), w, id)));
    BENCHMARKS.put("flow", new Entry("flow [RUNS=10]",
        "bin/celaut start FILE --json + GET + bin/celaut stop, vs docker run -d -p + GET + docker rm -f (goal: <= 1.3 x)",
        (a, w, id) -> FlowBench.run(intArg(a, 0, 10), w, id)));
    BENCHMARKS.put("concurrent", new Entry("concurrent [N=50] [BATCHES=3]",
        "N starts at once through the SDK, vs N docker run -d -p at once: starts per second",
        (a, w, id) -> ConcurrentStartsBench.run(intArg(a, 0, 50), intArg(a, 1, 3), w, id)));
    BENCHMARKS.put("stops", new Entry("stops [ROUNDS=5] [N=50]",
        "N concurrent StopService, each on its own connection, vs N concurrent docker rm -f (in-process node)",
        (a, w, id) -> ConcurrentStopBench.run(intArg(a, 0, 5), intArg(a, 1, 50), w, id)));
    BENCHMARKS.put("memory", new Entry("memory [COUNT...=50 200] [--histogram]",
        "node heap (used after GC, committed) and RSS idle and with COUNT instances (goal: heap <= 256 MiB at 200)",
        (a, w, id) -> {
          List<Integer> counts = new ArrayList<>();
          boolean histogram = false;
          for (String s : a) {
            if (s.equals("--histogram")) {
              histogram = true;
            } else {
              counts.add(Integer.parseInt(s));
            }
          }
          NodeMemoryBench.run(counts.isEmpty() ? List.of(50, 200) : counts, histogram, w, id);
        }));
  }

  private Bench() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
      usage();
      return;
    }
    // `celaut-bench.jar 15`, as the README once said: the start benchmark.
    if (args[0].chars().allMatch(Character::isDigit)) {
      args = prepend("start", args);
    }
    List<String> names = args[0].equals("all") ? List.copyOf(BENCHMARKS.keySet()) : List.of(args[0]);
    List<String> rest = args[0].equals("all") ? List.of() : Arrays.asList(args).subList(1, args.length);
    for (String name : names) {
      if (!BENCHMARKS.containsKey(name)) {
        System.err.println("bench: no benchmark named '" + name + "'");
        usage();
        System.exit(2);
      }
    }
    BenchSupport.repository(); // fail early, with the reason, when not run from the root
    // The start benchmark runs a node in this process: its per-start log lines would bury the figures.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    header();
    for (String name : names) {
      String runId = name + "-" + Long.toHexString(System.nanoTime() & 0xffffffL);
      Path work = Files.createTempDirectory("celaut-bench-" + name);
      System.out.printf("%s: %s (load average before: %s)%n", name, BENCHMARKS.get(name).what(), BenchSupport.loadAverage());
      try {
        BENCHMARKS.get(name).runner().run(rest, work, runId);
      } finally {
        BenchSupport.removeBenchContainers(runId);
        deleteQuietly(work);
      }
      System.out.printf("%s: load average after: %s%n", name, BenchSupport.loadAverage());
    }
  }

  private static void header() throws Exception {
    System.out.println("bench: " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)
        + ", " + Runtime.getRuntime().availableProcessors() + " cores, "
        + (Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " "))
        + ", java " + System.getProperty("java.version")
        + ", docker " + BenchSupport.docker("version", "--format", "{{.Server.Version}}").strip());
  }

  private static void usage() {
    System.out.println("usage: java -jar bench/target/celaut-bench.jar WHAT [ARGS]   (from the repository root,");
    System.out.println("       after ./mvnw -q package -DskipTests; 'all' runs every benchmark with its defaults)");
    for (Entry e : BENCHMARKS.values()) {
      System.out.printf("  %-40s %s%n", e.usage(), e.what());
    }
  }

  private static int intArg(List<String> args, int i, int dflt) {
    return args.size() > i ? Integer.parseInt(args.get(i)) : dflt;
  }

  private static String[] prepend(String first, String[] rest) {
    String[] out = new String[rest.length + 1];
    out[0] = first;
    System.arraycopy(rest, 0, out, 1, rest.length);
    return out;
  }

  private static void deleteQuietly(Path dir) {
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException ignored) {
      // a temp dir left behind is harmless
    }
  }
}
