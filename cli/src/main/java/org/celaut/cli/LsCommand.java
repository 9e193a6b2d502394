package org.celaut.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.celaut.proto.admin.InstanceInfo;
import org.celaut.proto.celaut.Instance;
import org.celaut.sdk.client.CelautException;
import org.celaut.sdk.client.NodeClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code celaut ls}: instances on a node. */
@Command(name = "ls", mixinStandardHelpOptions = true,
    description = "List the instances a node runs, each child under the instance that started it"
        + " (ask the node on this machine; tokens are never shown).")
final class LsCommand implements Runnable {

  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin NodeAddress address;

  @Option(names = {"-a", "--all"}, description = "Also show recently ended instances.")
  boolean all;

  @Option(names = "--json", description = "Print JSON for scripts.")
  boolean json;

  @Override
  public void run() {
    NodeAddress.Target node = address.resolve();
    List<InstanceInfo> list;
    try (NodeClient client = address.connect(node)) {
      list = client.listInstances(all);
    } catch (CelautException e) {
      throw CliFailure.of(e, node);
    }
    List<TreeRows.Row<InstanceInfo>> rows = TreeRows.of(list, InstanceInfo::getId, InstanceInfo::getParentId);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      List<Map<String, Object>> docs = new ArrayList<>();
      for (TreeRows.Row<InstanceInfo> row : rows) {
        InstanceInfo i = row.item();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", i.getId());
        d.put("parent", i.getParentId().isEmpty() ? null : i.getParentId());
        d.put("service", i.getServiceId());
        d.put("tag", i.getServiceTag());
        d.put("state", i.getState());
        d.put("created", Instant.ofEpochMilli(i.getCreatedAtMs()).toString());
        d.put("addresses", addresses(i.getInstance()));
        if (!i.getEndReason().isEmpty()) {
          d.put("end_reason", i.getEndReason());
        }
        docs.add(d);
      }
      out.println(Json.write(docs));
    } else {
      int idWidth = 16; // an instance id, so the header reads the same with no instance at all
      for (TreeRows.Row<InstanceInfo> row : rows) {
        idWidth = Math.max(idWidth, TreeRows.indent(row.depth()).length() + row.item().getId().length());
      }
      String format = "%-" + idWidth + "s  %-16s  %-8s  %-20s  %s%n";
      out.printf(format, "ID", "SERVICE", "STATE", "CREATED", "ADDRESSES");
      for (TreeRows.Row<InstanceInfo> row : rows) {
        InstanceInfo i = row.item();
        String svc = i.getServiceTag().isEmpty() ? i.getServiceId().substring(0, 12) : i.getServiceTag();
        out.printf(format, TreeRows.indent(row.depth()) + i.getId(), svc, i.getState(),
            Instant.ofEpochMilli(i.getCreatedAtMs()).toString().replaceFirst("\\.\\d+Z$", "Z"),
            String.join(" ", addresses(i.getInstance())));
      }
    }
    out.flush();
  }

  private static List<String> addresses(Instance inst) {
    List<String> a = new ArrayList<>();
    for (Instance.Uri_Slot s : inst.getUriSlotList()) {
      if (s.getUriCount() > 0) {
        a.add(s.getInternalPort() + "->" + s.getUri(0).getIp() + ":" + s.getUri(0).getPort());
      }
    }
    return a;
  }
}
