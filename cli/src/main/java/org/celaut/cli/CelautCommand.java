package org.celaut.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code celaut}: run a node, pack services, start and stop instances. */
@Command(
    name = "celaut",
    mixinStandardHelpOptions = true,
    versionProvider = CelautCommand.Version.class,
    description = "Celaut for Java: run a node, pack services, start and stop instances.")
public final class CelautCommand implements Runnable {

  /**
   * The subcommands, in the order help lists them. Added by {@link #commandLine}, not by the
   * annotation, so that a command builds the model of itself only: picocli reads every
   * registered command's annotations at start-up, and the six not invoked cost ~25 ms of every
   * client command (README, Performance).
   */
  private static final Map<String, Class<?>> SUBCOMMANDS = new LinkedHashMap<>();

  static {
    SUBCOMMANDS.put("node", NodeCommand.class);
    SUBCOMMANDS.put("pack", PackCommand.class);
    SUBCOMMANDS.put("start", StartCommand.class);
    SUBCOMMANDS.put("stop", StopCommand.class);
    SUBCOMMANDS.put("ls", LsCommand.class);
    SUBCOMMANDS.put("services", ServicesCommand.class);
    SUBCOMMANDS.put("help", CommandLine.HelpCommand.class);
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Exit code of a command that failed for a reason it printed. */
  public static final int EXIT_FAILED = 1;
  /** Exit code of a command whose node could not be reached. */
  public static final int EXIT_UNAVAILABLE = 3;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * The configured command line for {@code args}: errors print as one line without a stack trace.
   * When {@code args} name a subcommand (other than {@code help}) only that one is registered;
   * otherwise (no subcommand, {@code help}, a typo) all are, so usage and suggestions list them.
   */
  public static CommandLine commandLine(String... args) {
    CommandLine cl = new CommandLine(new CelautCommand());
    String invoked = Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse(null);
    boolean onlyOne = invoked != null && !invoked.equals("help") && SUBCOMMANDS.containsKey(invoked);
    SUBCOMMANDS.forEach((name, type) -> {
      if (!onlyOne || name.equals(invoked)) {
        cl.addSubcommand(name, type);
      }
    });
    // After the subcommands: picocli hands a handler only to those registered when it is set.
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
