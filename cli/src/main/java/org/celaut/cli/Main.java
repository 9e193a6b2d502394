package org.celaut.cli;

import picocli.CommandLine;

/** Entry point of the {@code celaut} command. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code (tests call this). */
  public static int run(String... args) {
    return CelautCommand.commandLine().execute(args);
  }
}
