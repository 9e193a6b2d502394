package org.celaut.sdk.pack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.celaut.proto.celaut.Service;
import org.celaut.proto.celaut.Sysresources;

/**
 * Reads and validates {@code service.json}. Strict on purpose: an unknown field is an error
 * rather than ignored, because a misspelt optional field ({@code "envs"} as {@code "env"}) would
 * otherwise pack silently into a different service id.
 */
final class ServiceJsonReader {

  static final String FILE = "service.json";

  /** Used as the output file name, so it must be a safe file name. */
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  /** The node only passes C identifiers as process environment variables. */
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private static final Set<String> TOP =
      Set.of(
          "tag", "prose", "architecture", "entrypoint", "init", "api", "envs", "resources",
          "config_declaration", "network", "rootfs");
  private static final Set<String> INIT = Set.of("entry_path");
  private static final Set<String> SLOT = Set.of("port", "transport", "protocol");
  private static final Set<String> RESOURCES = Set.of("at_init", "at_most");
  private static final Set<String> SYSRESOURCES =
      Set.of("mem_limit", "cpu_period", "cpu_quota", "blkio_weight", "disk_space");
  private static final Set<String> NETWORK = Set.of("tags", "prose");

  ServiceJsonReader() {}

  ServiceSpec read(Path file) throws PackException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new PackException(
          file + ": not found (a project needs .service/service.json beside its rootfs/ or Dockerfile)", e);
    } catch (IOException e) {
      throw new PackException(file + ": cannot read: " + e, e);
    }
    return parse(JsonField.parse(FILE, file, bytes));
  }

  private static ServiceSpec parse(JsonField root) throws PackException {
    root.requireObject(TOP);

    JsonField tagField = root.field("tag");
    String tag = tagField.string();
    if (!TAG.matcher(tag).matches()) {
      throw tagField.error(
          "must be 1..128 of [A-Za-z0-9._-] starting with a letter or digit (it names the output"
              + " file), got \"" + tag + "\"");
    }
    String prose = root.field("prose").string("");
    JsonField archField = root.field("architecture");
    String architecture = archField.nonEmptyString();
    if (!architecture.equals(architecture.strip()) || architecture.contains(" ")) {
      throw archField.error("must not contain spaces, got \"" + architecture + "\"");
    }

    JsonField entrypoint = root.field("entrypoint");
    JsonField init = root.field("init");
    List<String> entryPath;
    String entryField;
    if (entrypoint.isPresent() && init.isPresent()) {
      throw entrypoint.error("give either entrypoint or init.entry_path, not both");
    } else if (entrypoint.isPresent()) {
      entryPath = absolutePath(entrypoint);
      entryField = entrypoint.path();
    } else if (init.isPresent()) {
      init.requireObject(INIT);
      JsonField entry = init.field("entry_path");
      entryPath = segments(entry);
      entryField = entry.path();
    } else {
      throw entrypoint.error("required (an absolute path such as \"/bin/service\"; or init.entry_path)");
    }

    List<Service.Api.Slot> slots = new ArrayList<>();
    JsonField api = root.field("api");
    if (api.isPresent()) {
      Set<Integer> ports = new HashSet<>();
      for (JsonField s : api.elements()) {
        Service.Api.Slot slot = slot(s);
        // Instance.uri_slot is keyed by internal port alone, so a port may appear only once.
        if (!ports.add(slot.getPort())) {
          throw s.field("port").error("port " + slot.getPort() + " is declared twice");
        }
        slots.add(slot);
      }
    }

    List<String> envs = new ArrayList<>();
    JsonField envsField = root.field("envs");
    if (envsField.isPresent()) {
      for (JsonField e : envsField.elements()) {
        String name = e.string();
        if (!ENV_NAME.matcher(name).matches()) {
          throw e.error("must be a C identifier ([A-Za-z_][A-Za-z0-9_]*), got \"" + name + "\"");
        }
        if (envs.contains(name)) {
          throw e.error("\"" + name + "\" is declared twice");
        }
        envs.add(name);
      }
    }
    // C identifiers are ASCII, so String order is the UTF-8 byte order the wire rules ask for.
    envs.sort(null);

    Service.Container.Resources resources = null;
    JsonField res = root.field("resources");
    if (res.isPresent()) {
      resources = resources(res);
    }

    List<String> configPath = List.of("__config__");
    JsonField config = root.field("config_declaration");
    if (config.isPresent()) {
      configPath = segments(config);
    }

    List<Service.Network> networks = new ArrayList<>();
    JsonField net = root.field("network");
    if (net.isPresent()) {
      for (JsonField n : net.elements()) {
        n.requireObject(NETWORK);
        Service.Network.Builder b = Service.Network.newBuilder();
        List<JsonField> tags = n.field("tags").elements();
        if (tags.isEmpty()) {
          throw n.field("tags").error("must name at least one network");
        }
        for (JsonField t : tags) {
          b.addTags(t.nonEmptyString());
        }
        b.setProse(n.field("prose").string(""));
        networks.add(b.build());
      }
    }

    JsonField rootfsField = root.field("rootfs");
    String rootfs = rootfsField.string("rootfs");
    if (rootfs.isEmpty() || rootfs.startsWith("/") || rootfs.indexOf('\0') >= 0) {
      throw rootfsField.error("must be a non-empty path relative to the project directory, got \""
          + rootfs + "\"");
    }

    return new ServiceSpec(
        tag, prose, architecture, entryPath, entryField, slots, envs, resources, configPath,
        networks, rootfs, rootfsField.isPresent());
  }

  private static Service.Api.Slot slot(JsonField s) throws PackException {
    s.requireObject(SLOT);
    int port = s.field("port").integer(1, 65535);
    JsonField transportField = s.field("transport");
    String transport = transportField.string("tcp");
    if (!transport.equals("tcp") && !transport.equals("udp")) {
      throw transportField.error("must be \"tcp\" or \"udp\", got \"" + transport + "\"");
    }
    Service.Api.Slot.Builder b =
        Service.Api.Slot.newBuilder()
            .setPort(port)
            .setTransport(Service.Api.Protocol.newBuilder().addTags(transport));
    JsonField protocol = s.field("protocol");
    if (protocol.isPresent()) {
      for (JsonField p : protocol.elements()) {
        b.addProtocolStack(Service.Api.Protocol.newBuilder().addTags(p.nonEmptyString()));
      }
    }
    return b.build();
  }

  private static Service.Container.Resources resources(JsonField res) throws PackException {
    res.requireObject(RESOURCES);
    Service.Container.Resources.Builder b = Service.Container.Resources.newBuilder();
    JsonField initField = res.field("at_init");
    JsonField mostField = res.field("at_most");
    Sysresources atInit = initField.isPresent() ? sysresources(initField) : null;
    Sysresources atMost = mostField.isPresent() ? sysresources(mostField) : null;
    if (atInit != null) {
      b.setAtInit(atInit);
      // As the reference does: a limit below what the service needs to start is raised to it.
      Sysresources.Builder most =
          atMost == null ? Sysresources.newBuilder() : atMost.toBuilder();
      for (var f : Sysresources.getDescriptor().getFields()) {
        if (f.isRepeated() || !atInit.hasField(f)) {
          continue;
        }
        long need = (Long) atInit.getField(f);
        if (!most.hasField(f) || Long.compareUnsigned((Long) most.getField(f), need) < 0) {
          most.setField(f, need);
        }
      }
      atMost = most.build();
    }
    if (atMost != null) {
      b.setAtMost(atMost);
    }
    return b.build();
  }

  private static Sysresources sysresources(JsonField f) throws PackException {
    f.requireObject(SYSRESOURCES);
    Sysresources.Builder b = Sysresources.newBuilder();
    if (f.field("mem_limit").isPresent()) {
      b.setMemLimit(f.field("mem_limit").uint64());
    }
    if (f.field("cpu_period").isPresent()) {
      b.setCpuPeriod(f.field("cpu_period").uint64());
    }
    if (f.field("cpu_quota").isPresent()) {
      b.setCpuQuota(f.field("cpu_quota").uint64());
    }
    if (f.field("blkio_weight").isPresent()) {
      // The kernel's (and Docker's) range; anything else would only fail at start.
      b.setBlkioWeight(f.field("blkio_weight").integer(10, 1000));
    }
    if (f.field("disk_space").isPresent()) {
      b.setDiskSpace(f.field("disk_space").uint64());
    }
    return b.build();
  }

  /** "/bin/service" as ["bin", "service"]. */
  private static List<String> absolutePath(JsonField f) throws PackException {
    String text = f.string();
    if (!text.startsWith("/") || text.length() == 1) {
      throw f.error("must be an absolute path such as \"/bin/service\", got \"" + text + "\"");
    }
    List<String> out = new ArrayList<>();
    for (String seg : text.substring(1).split("/", -1)) {
      if (!validSegment(seg)) {
        throw f.error(
            "must be a plain absolute path (no empty, \".\" or \"..\" parts), got \"" + text + "\"");
      }
      out.add(seg);
    }
    return out;
  }

  /** A non-empty array of path segments. */
  private static List<String> segments(JsonField f) throws PackException {
    List<JsonField> items = f.elements();
    if (items.isEmpty()) {
      throw f.error("must have at least one path segment");
    }
    List<String> out = new ArrayList<>();
    for (JsonField item : items) {
      String seg = item.string();
      if (!validSegment(seg)) {
        throw item.error(
            "must be one path segment (not empty, \".\" or \"..\", no '/'), got \"" + seg + "\"");
      }
      out.add(seg);
    }
    return out;
  }

  static boolean validSegment(String seg) {
    return !seg.isEmpty()
        && !seg.equals(".")
        && !seg.equals("..")
        && seg.indexOf('/') < 0
        && seg.indexOf('\0') < 0;
  }
}
