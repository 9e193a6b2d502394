package org.celaut.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/**
 * A command line registers only the subcommand it runs (start-up time), yet every way of asking
 * for help still sees all of them.
 */
class SubcommandsTest {

  private static final String[] ALL = {"node", "pack", "start", "stop", "ls", "services", "help"};

  record Result(int code, String out, String err) {}

  private static Result celaut(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void theTopLevelHelpListsEveryCommand() {
    for (String[] args : new String[][] {{"--help"}, {"help"}}) {
      Result r = celaut(args);
      assertThat(r.code()).isZero();
      assertThat(r.out()).contains(ALL);
    }
    // No command at all is a usage error (exit 2), with the same list on stderr.
    Result none = celaut();
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).contains(ALL);
  }

  @Test
  void helpOfOneCommandAndItsOwnHelpWork() {
    Result viaHelp = celaut("help", "stop");
    assertThat(viaHelp.code()).isZero();
    assertThat(viaHelp.out()).contains("Usage: celaut stop");
    Result own = celaut("ls", "--help");
    assertThat(own.code()).isZero();
    assertThat(own.out()).contains("Usage: celaut ls");
  }

  @Test
  void onlyTheInvokedCommandIsBuilt() {
    assertThat(CelautCommand.commandLine("ls", "--json").getSubcommands()).containsOnlyKeys("ls");
    assertThat(CelautCommand.commandLine("node", "run", "--port", "0").getSubcommands()).containsOnlyKeys("node");
    assertThat(CelautCommand.commandLine("--version").getSubcommands()).containsKeys(ALL);
    assertThat(CelautCommand.commandLine("lss").getSubcommands()).containsKeys(ALL);
  }

  @Test
  void aMistypedCommandIsAUsageError() {
    Result r = celaut("lss");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("lss");
  }
}
