package org.celaut.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
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
import org.celaut.sdk.client.NotAServiceFileException;
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

  @Parameters(index = "0", paramLabel = "<service>", description = "Service file from 'celaut pack' (.service or .bee), or a 64-hex service id.")
  String service;

  @Option(names = {"-e", "--env"}, paramLabel = "<name=value>", description = "Environment variable for the instance (repeatable).")
  List<String> env = new ArrayList<>();

  @Option(names = "--timeout-seconds", paramLabel = "<seconds>", description = "How long to wait for the node (default: ${DEFAULT-VALUE}).", defaultValue = "300")
  long timeoutSeconds;

  @Option(names = "--json", description = "Print JSON for scripts.")
  boolean json;

  @Override
  public void run() {
    if (timeoutSeconds < 1) {
      throw CliFailure.usage("--timeout-seconds must be at least 1, got " + timeoutSeconds);
    }
    StartOptions.Builder opts = StartOptions.builder().timeout(Duration.ofSeconds(timeoutSeconds));
    for (String e : env) {
      int eq = e.indexOf('=');
      if (eq <= 0) {
        throw CliFailure.usage("-e/--env takes NAME=VALUE, got '" + e + "'"
            + (eq < 0 ? " (to give it an empty value: -e " + e + "=)" : ""));
      }
      opts.env(e.substring(0, eq), e.substring(eq + 1));
    }
    NodeAddress.Target node = address.resolve();
    // Checked before connecting: a wrong file is refused before anything is sent.
    ServiceSource source = source();
    try (NodeClient client = address.connect(node)) {
      ServiceHandle h = client.start(source, opts.build());
      print(h);
    } catch (CelautException e) {
      throw CliFailure.of(e, node);
    }
  }

  /**
   * The service named: an existing file (checked to be a service: {@link ServiceSource#fromFile}),
   * else a 64-hex id. Anything else is a usage error saying which it is not.
   */
  private ServiceSource source() {
    Path p;
    try {
      p = Path.of(service);
    } catch (InvalidPathException e) {
      p = null;
    }
    if (p == null || !Files.exists(p)) {
      if (Hashes.isSha3Hex(service)) {
        return ServiceSource.byId(service);
      }
      throw CliFailure.usage("file " + service + " does not exist (<service> is a file 'celaut pack' wrote,"
          + " or the 64-hex id of a service the node holds)");
    }
    try {
      return ServiceSource.fromFile(p);
    } catch (NotAServiceFileException e) {
      throw CliFailure.usage(e.getMessage());
    } catch (IOException e) {
      throw new CliFailure("cannot read the service file " + p + ": " + e.getMessage());
    }
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
