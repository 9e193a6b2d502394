package org.celaut.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.celaut.proto.admin.ServiceInfo;
import org.celaut.sdk.client.CelautException;
import org.celaut.sdk.client.NodeClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code celaut services}: services a node holds. */
@Command(name = "services", mixinStandardHelpOptions = true, description = "List the services a node holds.")
final class ServicesCommand implements Runnable {

  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin NodeAddress address;

  @Option(names = "--json", description = "Print JSON for scripts.")
  boolean json;

  @Override
  public void run() {
    NodeAddress.Target node = address.resolve();
    List<ServiceInfo> list;
    try (NodeClient client = address.connect(node)) {
      list = client.listServices();
    } catch (CelautException e) {
      throw CliFailure.of(e, node);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      List<Map<String, Object>> docs = new ArrayList<>();
      for (ServiceInfo s : list) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", s.getId());
        d.put("tags", s.getTagsList());
        d.put("size_bytes", s.getSizeBytes());
        docs.add(d);
      }
      out.println(Json.write(docs));
    } else {
      out.printf("%-64s  %-20s  %s%n", "ID", "TAG", "SIZE");
      for (ServiceInfo s : list) {
        out.printf("%-64s  %-20s  %d%n", s.getId(), s.getTagsCount() > 0 ? s.getTags(0) : "-", s.getSizeBytes());
      }
    }
    out.flush();
  }
}
