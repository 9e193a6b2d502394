package org.celaut.cli;

import java.math.BigInteger;
import org.celaut.sdk.client.CelautException;
import org.celaut.sdk.client.NodeClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code celaut stop}: stops an instance by its token. */
@Command(name = "stop", mixinStandardHelpOptions = true,
    description = "Stop an instance, given the token 'celaut start' printed. Its container is removed.")
final class StopCommand implements Runnable {

  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin NodeAddress address;

  @Parameters(index = "0", paramLabel = "TOKEN", description = "The instance's token.")
  String token;

  @Override
  public void run() {
    try (NodeClient client = address.connect()) {
      BigInteger refund = client.stop(token);
      spec.commandLine().getOut().println("stopped (refund " + refund + " MU)");
      spec.commandLine().getOut().flush();
    } catch (CelautException e) {
      throw CliFailure.of(e);
    }
  }
}
