package org.celaut.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.celaut.sdk.pack.PackException;
import org.celaut.sdk.pack.PackResult;
import org.celaut.sdk.pack.ServicePacker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code celaut pack}: packs a service project into a service file. */
@Command(name = "pack", mixinStandardHelpOptions = true,
    description = "Pack a service project (a directory with .service/service.json and rootfs/) into a service file."
        + " The same sources always pack to the same id.")
final class PackCommand implements Runnable {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR", description = "The service project directory.")
  Path dir;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE",
      description = "Where to write the service (default: DIR/.service/build/<tag>.service).")
  Path output;

  @Option(names = "--json", description = "Print JSON for scripts.")
  boolean json;

  @Override
  public void run() {
    PackResult r;
    try {
      ServicePacker packer = new ServicePacker();
      r = output == null ? packer.pack(dir) : packer.pack(dir, output);
    } catch (PackException e) {
      throw new CliFailure(e.getMessage());
    } catch (IOException e) {
      throw new CliFailure("cannot write the service: " + e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("id", r.serviceIdHex());
      d.put("tag", r.tag());
      d.put("file", r.output().toString());
      d.put("size_bytes", r.sizeBytes());
      out.println(Json.write(d));
    } else {
      out.println("packed " + r.tag() + " (" + r.sizeBytes() + " bytes)");
      out.println("id:   " + r.serviceIdHex());
      out.println("file: " + r.output());
    }
    out.flush();
  }
}
