package org.celaut.cli;

import java.io.PrintWriter;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.celaut.proto.admin.InstanceInfo;
import org.celaut.proto.admin.StopInstanceResponse;
import org.celaut.sdk.client.CelautException;
import org.celaut.sdk.client.InstanceEndedException;
import org.celaut.sdk.client.NodeClient;
import org.celaut.sdk.client.NotFoundException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code celaut stop}: stops an instance by its token, or (the node's maintainer, on its machine)
 * by the id {@code celaut ls} shows. Exits 0 only when an instance was stopped.
 */
@Command(name = "stop", mixinStandardHelpOptions = true,
    description = {
        "Stop an instance, given the token 'celaut start' printed: its container is removed, and the"
            + " instances it started are stopped first.",
        "On the node's own machine, --id <id> stops the instance 'celaut ls' shows with that id.",
        "Exits 0 only if an instance was stopped: an unknown token or an instance that had already ended"
            + " is an error."})
final class StopCommand implements Runnable {

  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin NodeAddress address;

  @Parameters(index = "0", arity = "0..1", paramLabel = "<token>", description = "The instance's token.")
  String token;

  @Option(names = "--id", paramLabel = "<id>",
      description = "Stop by the id 'celaut ls' shows instead (admin API: only on the node's own machine).")
  String id;

  @Option(names = "--json", description = "Print JSON for scripts.")
  boolean json;

  @Override
  public void run() {
    if ((token == null) == (id == null)) {
      throw CliFailure.usage(token == null
          ? "give the token 'celaut start' printed, or --id <id> (the id 'celaut ls' shows, on the node's machine)"
          : "give either a token or --id <id>, not both");
    }
    String instanceId = id == null ? null : id.toLowerCase(Locale.ROOT);
    if (instanceId != null && !isInstanceId(instanceId)) {
      throw CliFailure.usage("--id takes an instance id as 'celaut ls' shows it (16 hex characters), got '" + id + "'");
    }
    NodeAddress.Target node = address.resolve();
    try (NodeClient client = address.connect(node)) {
      if (instanceId != null) {
        printStopped(client.stopInstanceById(instanceId));
      } else {
        printStopped(stopByToken(client));
      }
    } catch (CelautException e) {
      throw CliFailure.of(e, node);
    }
  }

  private BigInteger stopByToken(NodeClient client) throws CelautException {
    try {
      return client.stop(token);
    } catch (InstanceEndedException e) {
      throw e;
    } catch (NotFoundException e) {
      if (isLiveInstanceId(client, token)) {
        throw CliFailure.usage("'" + token + "' is the id 'celaut ls' shows for a running instance, not its token:"
            + " nothing was stopped. Stop it with the token 'celaut start' printed, or, on the node's own machine,"
            + " with 'celaut stop --id " + token + "'");
      }
      throw e;
    }
  }

  /** True if the node lists a live instance with this id (only a node on this machine answers). */
  private static boolean isLiveInstanceId(NodeClient client, String s) {
    if (!isInstanceId(s)) {
      return false;
    }
    try {
      List<InstanceInfo> live = client.listInstances(false);
      return live.stream().anyMatch(i -> i.getId().equals(s));
    } catch (CelautException e) {
      return false; // not our node, or not on this machine: the node's own answer stands
    }
  }

  /** The shape of the ids 'celaut ls' shows: 16 lower-case hex characters. */
  static boolean isInstanceId(String s) {
    return s.matches("[0-9a-f]{16}");
  }

  private void printStopped(BigInteger refund) {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("stopped", true);
      d.put("refund", refund.toString());
      out.println(Json.write(d));
    } else {
      out.println("stopped the instance (refund " + refund + " MU)");
    }
    out.flush();
  }

  private void printStopped(StopInstanceResponse r) {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("stopped", true);
      d.put("id", r.getId());
      d.put("descendants", r.getDescendantIdsList());
      out.println(Json.write(d));
    } else {
      out.println("stopped instance " + r.getId() + (r.getDescendantIdsCount() == 0 ? ""
          : " and the instances it had started: " + String.join(", ", r.getDescendantIdsList())));
    }
    out.flush();
  }
}
