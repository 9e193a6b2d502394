package org.celaut.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.celaut.node.config.NodeConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real node keeps its data directory to its owner: 0700 directories, 0600 files. */
class NodeDataDirectoryTest {

  private final String network = "celaut-datadir-test-" + UUID.randomUUID().toString().substring(0, 8);

  @TempDir Path tmp;

  @AfterEach
  void removeNetwork() throws Exception {
    String host = NodeConfig.DEFAULT_DOCKER_HOST;
    try (DockerClient docker = DockerClientImpl.getInstance(
        new DefaultDockerClientConfig.Builder().withDockerHost(host).build(),
        new ZerodepDockerHttpClient.Builder().dockerHost(URI.create(host)).build())) {
      for (Network n : docker.listNetworksCmd().withNameFilter(network).exec()) {
        if (n.getName().equals(network)) {
          docker.removeNetworkCmd(n.getId()).exec();
        }
      }
    }
  }

  private Node start(Path dataDir) throws Exception {
    return Node.start(NodeConfig.defaults().withDataDir(dataDir).withPort(0).withNetworkName(network),
        Clock.systemUTC());
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void aNewDataDirectoryAndTheDatabaseAreTheOwnersOnly() throws Exception {
    Path data = tmp.resolve("fresh");
    try (Node node = start(data)) {
      assertThat(mode(data)).isEqualTo("rwx------");
      for (String dir : List.of("services", "blocks", "spool")) {
        assertThat(mode(data.resolve(dir))).as(dir).isEqualTo("rwx------");
      }
      assertThat(mode(data.resolve("node.db"))).isEqualTo("rw-------");
      assertThat(mode(data.resolve("node.lock"))).isEqualTo("rw-------");
      // SQLite writes its WAL beside the database as the node uses it: same mode.
      assertThat(Files.exists(data.resolve("node.db-wal"))).isTrue();
      assertThat(mode(data.resolve("node.db-wal"))).isEqualTo("rw-------");
      assertThat(mode(data.resolve("node.db-shm"))).isEqualTo("rw-------");
    }
  }

  @Test
  void aDirectoryOthersCouldReadIsTightenedAtStart() throws Exception {
    Path data = tmp.resolve("loose");
    try (Node first = start(data)) {
      // a node of this version made it private; an older one (or a mkdir) would not have
    }
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(data.resolve("services"), PosixFilePermissions.fromString("rwxrwxrwx"));
    Files.setPosixFilePermissions(data.resolve("node.db"), PosixFilePermissions.fromString("rw-r--r--"));
    Files.setPosixFilePermissions(data.resolve("node.lock"), PosixFilePermissions.fromString("rw-rw-rw-"));
    Files.writeString(data.resolve("node.log"), "a log someone kept here\n");
    Files.setPosixFilePermissions(data.resolve("node.log"), PosixFilePermissions.fromString("rw-r--r--"));

    try (Node again = start(data)) {
      assertThat(mode(data)).isEqualTo("rwx------");
      assertThat(mode(data.resolve("services"))).isEqualTo("rwx------");
      assertThat(mode(data.resolve("node.db"))).isEqualTo("rw-------");
      assertThat(mode(data.resolve("node.lock"))).isEqualTo("rw-------");
      assertThat(mode(data.resolve("node.log"))).isEqualTo("rw-------");
      assertThat(Files.readString(data.resolve("node.log"))).as("contents untouched").contains("someone kept");
    }
  }
}
