package org.celaut.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.celaut.sdk.pack.PackException;
import org.celaut.sdk.pack.PackOptions;
import org.celaut.sdk.pack.PackResult;
import org.celaut.sdk.pack.ServicePacker;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code celaut pack}: packs a service project into a service file or a .bee file. */
@Command(name = "pack", mixinStandardHelpOptions = true,
    description = {
        "Pack a service project (.service/service.json with rootfs/ or a Dockerfile) into a service file."
            + " The same sources always pack to the same id.",
        "Files of at least the block threshold become blocks; a service with blocks is written as a .bee file."})
final class PackCommand implements Runnable {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "<dir>", description = "The service project directory.")
  Path dir;

  @ArgGroup(exclusive = true)
  Output output;

  static final class Output {
    @Option(names = {"-o", "--output"}, paramLabel = "<file>",
        description = "Where to write (default: <dir>/.service/build/<tag>.service, or <tag>.bee when the"
            + " service has blocks). A name ending in .bee gives a .bee file, any other the plain service.")
    Path file;

    @Option(names = "--bee", paramLabel = "<file>",
        description = "Write a .bee file (Metadata and Service with block framing) to <file>.")
    Path bee;
  }

  @Option(names = "--block-threshold-bytes", paramLabel = "<bytes>",
      description = "Files of at least <bytes> bytes become blocks (default: pack_config.json's"
          + " block_threshold_bytes, else 10485760).")
  Long blockThresholdBytes;

  @Option(names = "--registry", paramLabel = "<dir>",
      description = "Where dependencies named by service id are found (<id>.bee, <id>.service or <id>).")
  Path registry;

  @Option(names = "--json", description = "Print JSON for scripts.")
  boolean json;

  /** A file system failure in words: what happened to which path, not just the path. */
  static String describe(IOException e) {
    if (e instanceof java.nio.file.FileSystemException f && f.getReason() == null) {
      String what = e instanceof java.nio.file.NoSuchFileException ? "no such file or directory"
          : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
          : e instanceof java.nio.file.FileAlreadyExistsException ? "a file is in the way"
          : e instanceof java.nio.file.NotDirectoryException ? "not a directory"
          : e.getClass().getSimpleName();
      return what + ": " + f.getFile();
    }
    return e.getMessage();
  }

  @Override
  public void run() {
    if (!Files.isDirectory(dir)) {
      throw CliFailure.usage(dir + (Files.exists(dir) ? " is not a directory" : " does not exist")
          + ": 'celaut pack' takes a service project directory (one with .service/service.json)");
    }
    if (registry != null && !Files.isDirectory(registry)) {
      throw CliFailure.usage("--registry " + registry + " is not a directory");
    }
    PackOptions.Builder opts = PackOptions.builder();
    if (blockThresholdBytes != null) {
      if (blockThresholdBytes < 1) {
        throw CliFailure.usage("--block-threshold-bytes must be at least 1, got " + blockThresholdBytes);
      }
      opts.blockThresholdBytes(blockThresholdBytes);
    }
    if (registry != null) {
      opts.registryDir(registry);
    }
    Path target = null;
    if (output != null && output.bee != null) {
      target = output.bee;
      if (!target.getFileName().toString().endsWith(ServicePacker.BEE_SUFFIX)) {
        throw CliFailure.usage("--bee needs a file name ending in .bee, got " + target);
      }
    } else if (output != null) {
      target = output.file;
    }
    PackResult r;
    try {
      ServicePacker packer = new ServicePacker(opts.build());
      r = target == null ? packer.pack(dir) : packer.pack(dir, target);
    } catch (PackException e) {
      throw new CliFailure(e.getMessage());
    } catch (IOException e) {
      throw new CliFailure("cannot write the service" + (target == null ? "" : " to " + target) + ": " + describe(e));
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("id", r.serviceIdHex());
      d.put("tag", r.tag());
      d.put("file", r.output().toString());
      d.put("format", r.format() == PackResult.Format.BEE ? "bee" : "service");
      d.put("size_bytes", r.sizeBytes());
      d.put("blocks", r.blockIds());
      d.put("dependencies", r.dependencies());
      out.println(Json.write(d));
    } else {
      out.println("packed " + r.tag() + " (" + r.sizeBytes() + " bytes"
          + (r.blockIds().isEmpty() ? "" : ", " + r.blockIds().size() + " blocks") + ")");
      out.println("id:   " + r.serviceIdHex());
      out.println("file: " + r.output());
      r.dependencies().forEach((name, id) -> out.println("dependency " + name + ": " + id));
    }
    out.flush();
  }
}
