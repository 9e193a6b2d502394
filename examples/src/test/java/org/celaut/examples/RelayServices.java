package org.celaut.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.celaut.node.Node;
import org.celaut.sdk.client.StartOptions;
import org.celaut.sdk.pack.PackResult;
import org.celaut.sdk.pack.ServicePacker;

/**
 * Services that let a test call the node <em>from inside an instance</em>: each runs a TCP relay
 * (busybox {@code nc}) from its API port 9000 to the node's gateway on the node network. A
 * client that connects to the instance's published port 9000 therefore reaches the node with
 * the instance's own source address — exactly what a service calling its node looks like, with
 * no mock anywhere. The relays differ only in their prose (a tag is metadata, not part of the
 * service), so each tag is its own service.
 */
final class RelayServices {

  static final int RELAY_PORT = 9000;
  static final long AT_INIT_MEM_BYTES = 32L << 20;
  static final long AT_MOST_MEM_BYTES = 48L << 20;

  private RelayServices() {}

  /** Packs a relay service tagged {@code tag} under {@code work}. */
  static PackResult pack(Path work, String tag) throws Exception {
    Path dir = work.resolve(tag);
    Files.createDirectories(dir.resolve(".service"));
    Files.createDirectories(dir.resolve("rootfs/bin"));
    Files.writeString(dir.resolve(".service/service.json"), """
        {
          "tag": "%s",
          "prose": "A TCP relay from port %d to the node's gateway (%s).",
          "architecture": "linux/amd64",
          "entrypoint": "/bin/service",
          "api": [ { "port": %d, "transport": "tcp", "protocol": ["grpc"] } ],
          "envs": ["NODE_IP", "NODE_PORT"],
          "resources": { "at_init": { "mem_limit": %d }, "at_most": { "mem_limit": %d } }
        }
        """.formatted(tag, RELAY_PORT, tag, RELAY_PORT, AT_INIT_MEM_BYTES, AT_MOST_MEM_BYTES));
    Path busybox = Path.of("/bin/busybox");
    if (!Files.isExecutable(busybox)) {
      throw new IllegalStateException("/bin/busybox is missing: run scripts/setup.sh (apt-get install busybox-static)");
    }
    Files.copy(busybox, dir.resolve("rootfs/bin/busybox"), StandardCopyOption.REPLACE_EXISTING);
    // One nc per connection (-ll -e): each forwards its connection to the node's gateway.
    script(dir.resolve("rootfs/bin/service"),
        "exec /bin/busybox nc -ll -p " + RELAY_PORT + " -e /bin/relay\n");
    script(dir.resolve("rootfs/bin/relay"), "exec /bin/busybox nc \"$NODE_IP\" \"$NODE_PORT\"\n");
    return new ServicePacker().pack(dir, work.resolve(tag + ".service"));
  }

  private static void script(Path file, String body) throws Exception {
    Files.writeString(file, "#!/bin/busybox sh\n" + body);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** Start options telling a relay where its node's gateway is on the node network. */
  static StartOptions towards(Node node) {
    return StartOptions.builder()
        .env(Map.of("NODE_IP", node.network().gatewayIp(), "NODE_PORT", String.valueOf(node.port())))
        .build();
  }
}
