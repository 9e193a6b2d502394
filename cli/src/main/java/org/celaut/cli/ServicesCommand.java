package org.celaut.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.celaut.proto.admin.RemoveServiceResponse;
import org.celaut.proto.admin.ServiceInfo;
import org.celaut.protocol.Hashes;
import org.celaut.sdk.client.CelautException;
import org.celaut.sdk.client.NodeClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code celaut services}: services a node holds; {@code celaut services rm ID} removes one. */
@Command(name = "services", mixinStandardHelpOptions = true,
    description = "List the services a node holds, with the disk each takes and its last use.",
    subcommands = ServicesCommand.Rm.class)
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
        d.put("disk_bytes", s.getDiskBytes());
        d.put("last_used", s.getLastUsedMs() == 0 ? null : instant(s.getLastUsedMs()));
        d.put("live_instances", s.getLiveInstances());
        docs.add(d);
      }
      out.println(Json.write(docs));
    } else {
      out.printf("%-64s  %-20s  %10s  %10s  %-20s  %s%n", "ID", "TAG", "SIZE", "DISK", "LAST USED", "LIVE");
      for (ServiceInfo s : list) {
        out.printf("%-64s  %-20s  %10s  %10s  %-20s  %d%n", s.getId(), s.getTagsCount() > 0 ? s.getTags(0) : "-",
            bytes(s.getSizeBytes()), bytes(s.getDiskBytes()),
            s.getLastUsedMs() == 0 ? "-" : instant(s.getLastUsedMs()), s.getLiveInstances());
      }
    }
    out.flush();
  }

  private static String instant(long millis) {
    return Instant.ofEpochMilli(millis).toString().replaceFirst("\\.\\d+Z$", "Z");
  }

  /** 1536 → "1.5 KiB"; a person reads it, scripts use --json. */
  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /** {@code celaut services rm ID}. */
  @Command(name = "rm", mixinStandardHelpOptions = true,
      description = {"Remove a service the node holds, with its image and the blocks no other service uses.",
          "Refused while a live instance uses it: stop those first.",
          "Exit codes: 0 removed, 1 refused or failed, 2 bad usage, 3 node unreachable."})
  static final class Rm implements Runnable {

    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin NodeAddress address;

    @Parameters(index = "0", paramLabel = "<id>",
        description = "The service's id: 64 hex characters, as `celaut services` lists them.")
    String id;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Override
    public void run() {
      if (!Hashes.isSha3Hex(id)) {
        throw CliFailure.usage("'" + id + "' is not a service id: give the 64 hex characters `celaut services` lists");
      }
      NodeAddress.Target node = address.resolve();
      RemoveServiceResponse r;
      try (NodeClient client = address.connect(node)) {
        r = client.removeService(id.toLowerCase(Locale.ROOT));
      } catch (CelautException e) {
        throw CliFailure.of(e, node);
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", r.getId());
        d.put("tag", r.getTag());
        d.put("freed_bytes", r.getFreedBytes());
        d.put("images_removed", r.getImagesRemoved());
        d.put("blocks_removed", r.getBlocksRemoved());
        d.put("blocks_left", r.getBlocksLeft());
        out.println(Json.write(d));
      } else {
        out.println("removed " + r.getId() + " (" + r.getTag() + "): freed " + bytes(r.getFreedBytes())
            + ", " + r.getImagesRemoved() + " image(s), " + r.getBlocksRemoved() + " block(s)"
            + (r.getBlocksLeft() > 0 ? "; " + r.getBlocksLeft()
                + " block(s) go at the next collection (a start was in flight)" : ""));
      }
      out.flush();
    }
  }
}
