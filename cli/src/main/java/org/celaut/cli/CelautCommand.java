package org.celaut.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code celaut}: run a node, pack services, start and stop instances. */
@Command(
    name = "celaut",
    mixinStandardHelpOptions = true,
    versionProvider = CelautCommand.Version.class,
    description = "Celaut for Java: run a node, pack services, start and stop instances.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:the command failed (the message says why)",
      "2:bad usage (a wrong option, argument or file)",
      "3:the node could not be reached"})
public final class CelautCommand implements Callable<Integer> {

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

  /** Exit code of a command that did what it was asked. */
  public static final int EXIT_OK = 0;
  /** Exit code of a command that failed for a reason it printed. */
  public static final int EXIT_FAILED = 1;
  /** Exit code of a command given a wrong option, argument or file: nothing was attempted. */
  public static final int EXIT_USAGE = 2;
  /** Exit code of a command whose node could not be reached. */
  public static final int EXIT_UNAVAILABLE = 3;

  /** {@code celaut} alone: which commands there are, and a usage error, since none was given. */
  @Override
  public Integer call() {
    return missingSubcommand(spec);
  }

  /** Prints a command's usage to stderr: it was given no subcommand. */
  static int missingSubcommand(CommandLine.Model.CommandSpec spec) {
    PrintWriter err = spec.commandLine().getErr();
    err.println("celaut: " + spec.qualifiedName() + " needs a command");
    spec.commandLine().usage(err);
    return EXIT_USAGE;
  }

  /**
   * The configured command line for {@code args}: every error prints as {@code celaut: message}
   * without a stack trace, and exits with the code the README lists. When {@code args} name a
   * subcommand (other than {@code help}) only that one is registered; otherwise (no subcommand,
   * {@code help}, a typo) all are, so usage and suggestions list them.
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
    // After the subcommands: picocli hands handlers only to those registered when they are set.
    cl.setParameterExceptionHandler(CelautCommand::usageError);
    cl.setExecutionStrategy(parsed -> {
      Logging.configure(isNodeRun(parsed));
      return new CommandLine.RunLast().execute(parsed);
    });
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      PrintWriter err = cmd.getErr();
      if (ex instanceof CliFailure f) {
        err.println("celaut: " + f.getMessage());
        return f.exitCode();
      }
      // A bug: say so in one line; the stack trace only when asked for.
      err.println("celaut: unexpected error (please report it): " + ex);
      if (System.getenv("CELAUT_DEBUG") != null) {
        ex.printStackTrace(err);
      } else {
        err.println("celaut: set CELAUT_DEBUG=1 to see where it happened");
      }
      return EXIT_FAILED;
    });
    return cl;
  }

  private static boolean isNodeRun(CommandLine.ParseResult parsed) {
    java.util.List<CommandLine> chain = parsed.asCommandLineList();
    return chain.get(chain.size() - 1).getCommand() instanceof NodeCommand.Run;
  }

  /** A usage error: what was wrong, near-miss suggestions, and where to read more. Exit 2. */
  private static int usageError(CommandLine.ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println("celaut: " + ex.getMessage());
    CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
    err.println("See '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
    return EXIT_USAGE;
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
