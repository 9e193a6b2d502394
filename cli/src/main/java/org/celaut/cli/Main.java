package org.celaut.cli;

import picocli.CommandLine;

/**
 * Entry point of the {@code celaut} command. Exit codes: 0 success, 1 the command failed, 2 bad
 * usage, 3 the node could not be reached ({@link CelautCommand}).
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code. */
  public static int run(String... args) {
    return CelautCommand.commandLine(args).execute(args);
  }

  /** Runs the command line with its output and errors going to the given writers (tests). */
  public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
    CommandLine cl = CelautCommand.commandLine(args);
    cl.setOut(out);
    cl.setErr(err);
    return cl.execute(args);
  }
}
