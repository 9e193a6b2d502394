package org.celaut.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.celaut.proto.celaut.Instance;
import org.celaut.protocol.Hashes;
import org.celaut.sdk.client.CelautException;
import org.celaut.sdk.client.NodeClient;
import org.celaut.sdk.client.ServiceHandle;
import org.celaut.sdk.client.ServiceSource;
import org.celaut.sdk.client.StartOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code celaut start}: starts an instance of a service on a node. */
@Command(name = "start", mixinStandardHelpOptions = true,
    description = "Start an instance of a service (a packed .service or .bee file, or the id of a service the node holds)."
        + " Prints its token (keep it: it is the only way to stop the instance) and its addresses.")
final class StartCommand implements Runnable {

  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin NodeAddress address;

  @Parameters(index = "0", paramLabel = "SERVICE", description = "Service file from 'celaut pack' (.service or .bee), or a 64-hex service id.")
  String service;

  @Option(names = {"-e", "--env"}, paramLabel = "NAME=VALUE", description = "Environment variable for the instance (repeatable).")
  List<String> env = new ArrayList<>();

  @Option(names = "--timeout-seconds", description = "How long to wait for the node (default: ${DEFAULT-VALUE}).", defaultValue = "300")
  long timeoutSeconds;

  @Option(names = "--json", description = "Print JSON for scripts.")
  boolean json;

  @Override
  public void run() {
    ServiceSource source = source();
    StartOptions.Builder opts = StartOptions.builder().timeout(Duration.ofSeconds(timeoutSeconds));
    for (String e : env) {
      int eq = e.indexOf('=');
      if (eq <= 0) {
        throw new CliFailure("--env takes NAME=VALUE, got '" + e + "'");
      }
      opts.env(e.substring(0, eq), e.substring(eq + 1));
    }
    try (NodeClient client = address.connect()) {
      ServiceHandle h = client.start(source, opts.build());
      print(h);
    } catch (CelautException e) {
      throw CliFailure.of(e);
    }
  }

  private ServiceSource source() {
    Path p = Path.of(service);
    if (Files.isRegularFile(p)) {
      try {
        return ServiceSource.fromFile(p);
      } catch (IOException e) {
        throw new CliFailure("cannot read service file " + p + ": " + e.getMessage());
      }
    }
    if (Hashes.isSha3Hex(service)) {
      return ServiceSource.byId(service);
    }
    throw new CliFailure("'" + service + "' is neither a service file nor a 64-hex service id");
  }

  private void print(ServiceHandle h) {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("service", h.serviceIdHex());
      doc.put("token", h.token());
      List<Map<String, Object>> slots = new ArrayList<>();
      for (Instance.Uri_Slot s : h.instance().getUriSlotList()) {
        Map<String, Object> slot = new LinkedHashMap<>();
        slot.put("port", s.getInternalPort());
        slot.put("addresses", s.getUriList().stream().map(u -> u.getIp() + ":" + u.getPort()).toList());
        slots.add(slot);
      }
      doc.put("slots", slots);
      out.println(Json.write(doc));
    } else {
      out.println("started service " + h.serviceIdHex());
      out.println("token: " + h.token());
      for (Instance.Uri_Slot s : h.instance().getUriSlotList()) {
        out.println("slot " + s.getInternalPort() + ": "
            + String.join(", ", s.getUriList().stream().map(u -> u.getIp() + ":" + u.getPort()).toList()));
      }
    }
    out.flush();
  }
}
