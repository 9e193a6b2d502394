package org.celaut.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;

/** {@code --help} names every value by a word a person reads, never by a Java field's name. */
class HelpTextTest {

  /** The placeholders the commands use; a new option picks one of these or adds a word here. */
  private static final Set<String> WORDS = Set.of(
      "<host:port>", "<host>", "<port>", "<uri>", "<name>", "<dir>", "<file>", "<bytes>", "<seconds>",
      "<name=value>", "<key=value>", "<true|false>", "<service>", "<token>", "<id>",
      "COMMAND"); // picocli's own 'help [COMMAND]'

  private static List<CommandLine> all(CommandLine cl) {
    List<CommandLine> out = new ArrayList<>(List.of(cl));
    cl.getSubcommands().values().forEach(sub -> out.addAll(all(sub)));
    return out;
  }

  @Test
  void everyOptionAndParameterHasAPlaceholderFromTheVocabulary() {
    for (CommandLine cl : all(CelautCommand.commandLine())) {
      List<ArgSpec> args = new ArrayList<>(cl.getCommandSpec().options());
      args.addAll(cl.getCommandSpec().positionalParameters());
      for (ArgSpec a : args) {
        if (a.typeInfo().isBoolean() && a.arity().max() == 0) {
          continue; // a flag takes no value
        }
        assertThat(a.paramLabel()).as(cl.getCommandSpec().qualifiedName() + " " + a).isIn(WORDS);
      }
    }
  }

  @Test
  void noHelpTextShowsAJavaFieldName() {
    for (CommandLine cl : all(CelautCommand.commandLine())) {
      StringWriter help = new StringWriter();
      cl.usage(new PrintWriter(help));
      assertThat(help.toString()).as(cl.getCommandSpec().qualifiedName())
          .doesNotContainPattern("<[a-z]+[A-Z][A-Za-z]*>");
    }
  }

  @Test
  void nodeRunHelpReadsAsADocument() {
    StringWriter out = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), "node", "run", "--help");
    assertThat(code).isZero();
    assertThat(out.toString())
        .contains("--bind-host=<host>", "--advertised-host=<host>", "--port=<port>", "--docker-host=<uri>",
            "--default-mem-limit-bytes=<bytes>", "--max-service-bytes=<bytes>", "--network-name=<name>",
            "--stop-instances-on-shutdown[=<true|false>]", "--set=<key=value>", "--data-dir=<dir>",
            "--config=<file>")
        .doesNotContain("<bindHost>", "<defaultMem>", "<maxService>", "<stopOnShutdown>");
  }
}
