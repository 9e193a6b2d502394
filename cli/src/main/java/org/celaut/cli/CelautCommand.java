package org.celaut.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code celaut}: run a node, pack services, start and stop instances. */
@Command(
    name = "celaut",
    mixinStandardHelpOptions = true,
    versionProvider = CelautCommand.Version.class,
    description = "Celaut for Java: run a node, pack services, start and stop instances.",
    subcommands = {
      NodeCommand.class,
      PackCommand.class,
      StartCommand.class,
      StopCommand.class,
      LsCommand.class,
      ServicesCommand.class,
      CommandLine.HelpCommand.class
    })
public final class CelautCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Exit code of a command that failed for a reason it printed. */
  public static final int EXIT_FAILED = 1;
  /** Exit code of a command whose node could not be reached. */
  public static final int EXIT_UNAVAILABLE = 3;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The configured command line: errors print as one line without a stack trace. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new CelautCommand());
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      PrintWriter err = cmd.getErr();
      if (ex instanceof CliFailure f) {
        err.println("celaut: " + f.getMessage());
        return f.exitCode();
      }
      err.println("celaut: " + ex);
      ex.printStackTrace(err);
      return EXIT_FAILED;
    });
    return cl;
  }

  /** Version from the jar manifest, or "dev". */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = CelautCommand.class.getPackage().getImplementationVersion();
      return new String[] {"celaut " + (v == null ? "0.1.0-SNAPSHOT" : v)};
    }
  }
}
