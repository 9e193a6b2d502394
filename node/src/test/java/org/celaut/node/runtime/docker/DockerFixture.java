package org.celaut.node.runtime.docker;

import static org.celaut.node.runtime.Fs.dir;
import static org.celaut.node.runtime.Fs.file;
import static org.celaut.node.runtime.Fs.link;
import static org.celaut.node.runtime.Fs.tree;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.Image;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.celaut.node.runtime.ContainerLabels;
import org.celaut.node.runtime.ContainerSpec;
import org.celaut.node.runtime.FilesystemTar;
import org.celaut.node.runtime.ImageSource;
import org.celaut.node.runtime.RuntimeFailure;
import org.celaut.node.runtime.TempDirBlockStore;
import org.celaut.proto.celaut.Service.Container.Filesystem;

/**
 * Everything a Docker test needs, unique per test class run: a runtime connected to the real
 * engine, a separate client to check what the runtime did, a busybox service, and clean-up of every
 * container, image and network labelled or named for this run.
 *
 * <p>Docker is required, never optional: if the engine cannot be reached the test fails, because CI
 * installs and starts dockerd.
 */
final class DockerFixture implements AutoCloseable {
  static final String BUSYBOX = "/bin/busybox";
  static final int HTTP_PORT = 8080;
  static final String PAGE = "<h1>hello from a celaut service</h1>\n";
  static final String LONG_PAGE_NAME = "p".repeat(140) + ".html";

  final String runId = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  final String nodeId = "celaut-test-node-" + runId;
  final String repository = "celaut-test-" + runId;
  final String networkName = "celaut-test-" + runId;
  final Path blocksDir;
  final TempDirBlockStore blocks;
  final DockerRuntime runtime;
  final DockerClient verify;

  DockerFixture() {
    try {
      blocksDir = Files.createTempDirectory("celaut-docker-test-blocks");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    blocks = new TempDirBlockStore(blocksDir);
    DockerRuntimeConfig config =
        DockerRuntimeConfig.defaults(nodeId)
            .withImageRepository(repository)
            .withStartTimeout(Duration.ofSeconds(60));
    try {
      runtime = DockerRuntime.connect(config);
    } catch (RuntimeFailure e) {
      throw new AssertionError(
          "these tests run against a real Docker engine and it is not reachable (CI starts dockerd;"
              + " locally run `nohup dockerd >/tmp/dockerd.log 2>&1 &`): "
              + e.getMessage(),
          e);
    }
    verify =
        DockerClientImpl.getInstance(
            new DefaultDockerClientConfig.Builder()
                .withDockerHost(config.dockerHost())
                .withDockerTlsVerify(false)
                .build(),
            new ZerodepDockerHttpClient.Builder()
                .dockerHost(URI.create(config.dockerHost()))
                .build());
  }

  /** A service id unique to this run, so images never collide with other runs. */
  String serviceId(String name) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA3-256")
              .digest((runId + ":" + name).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A busybox service: {@code /bin/busybox} (stored as a block, as a packer would), the script
   * {@code /bin/service} and {@code /www/index.html}, plus {@code extra} entries at the root. The
   * script copies the config file into the web root before serving, so what the entrypoint saw at
   * start can be fetched over HTTP.
   */
  ByteString busyboxFilesystem(Filesystem.ItemBranch... extra) {
    ByteString busybox;
    try {
      busybox = blocks.putTypedPointer(Files.readAllBytes(Path.of(BUSYBOX)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String script =
        "#!/bin/busybox sh\n"
            + "echo \"service starting as $(/bin/busybox id -u)\"\n"
            + "/bin/busybox cp \"${CELAUT_CONFIG_PATH:-/__config__}\" /www/config\n"
            + "exec /bin/busybox httpd -f -p "
            + HTTP_PORT
            + " -h /www\n";
    Filesystem.Builder fs =
        tree(
            dir(
                "bin",
                tree(
                    file("busybox", busybox, "mode", "493"),
                    file("service", script, "mode", "493"),
                    file("not-executable", "#!/bin/busybox sh\necho hi\n", "mode", "420"))),
            dir(
                "www",
                tree(
                    file("index.html", PAGE),
                    // A name longer than the ustar field and a symlink: the engine must read pax.
                    file(LONG_PAGE_NAME, "long name\n"),
                    link("alias.html", "index.html"))))
            .toBuilder();
    for (Filesystem.ItemBranch item : extra) {
      fs.addBranch(item);
    }
    return fs.build().toByteString();
  }

  ImageSource imageSource(String serviceIdHex, ByteString filesystem) {
    return new ImageSource(serviceIdHex, out -> FilesystemTar.write(filesystem, blocks, out));
  }

  /** A spec for the busybox service: port 8080/tcp on 127.0.0.1, no limits. */
  ContainerSpec spec(String imageRef, String instanceId, String serviceIdHex) {
    return spec(
        imageRef, "/bin/service", instanceId, serviceIdHex, "/__config__", new byte[] {1, 2, 3}, 0);
  }

  ContainerSpec spec(
      String imageRef,
      String entrypoint,
      String instanceId,
      String serviceIdHex,
      String configPath,
      byte[] config,
      long memLimitBytes) {
    return new ContainerSpec(
        ContainerSpec.nameFor(nodeId + "-" + instanceId),
        imageRef,
        entrypoint,
        Map.of("CELAUT_CONFIG_PATH", configPath, "GREETING", "hello world"),
        configPath,
        config,
        memLimitBytes,
        0,
        0,
        0,
        Set.of(),
        List.of(new ContainerSpec.PortSpec(HTTP_PORT, ContainerSpec.Transport.TCP)),
        networkName,
        "127.0.0.1",
        Map.of(
            ContainerLabels.NODE, nodeId,
            ContainerLabels.INSTANCE, instanceId,
            ContainerLabels.SERVICE, serviceIdHex));
  }

  /** Every container of any state that carries this run's owner label, seen by the test client. */
  List<Container> containersOfThisRun() {
    return verify
        .listContainersCmd()
        .withShowAll(true)
        .withLabelFilter(Map.of(ContainerLabels.NODE, nodeId))
        .exec();
  }

  /** Runs a command in a container and returns its stdout and stderr. */
  byte[] exec(String containerId, String... command) {
    String execId =
        verify
            .execCreateCmd(containerId)
            .withCmd(command)
            .withAttachStdout(true)
            .withAttachStderr(true)
            .exec()
            .getId();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      boolean done =
          verify
              .execStartCmd(execId)
              .exec(
                  new ResultCallback.Adapter<Frame>() {
                    @Override
                    public void onNext(Frame frame) {
                      synchronized (out) {
                        out.writeBytes(frame.getPayload());
                      }
                    }
                  })
              .awaitCompletion(30, TimeUnit.SECONDS);
      if (!done) {
        throw new AssertionError("exec " + List.of(command) + " did not finish in 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    synchronized (out) {
      return out.toByteArray();
    }
  }

  @Override
  public void close() {
    try {
      for (Container c : containersOfThisRun()) {
        try {
          verify.removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException gone) {
          // removed by the test
        }
      }
      // By owner label: engines since API 1.41 ignore the old name filter and would list every
      // image, so other runs' images (even ones in use) would be force-removed too.
      for (Image image :
          verify.listImagesCmd().withLabelFilter(Map.of(ContainerLabels.NODE, nodeId)).exec()) {
        verify.removeImageCmd(image.getId()).withForce(true).exec();
      }
      for (Network n : verify.listNetworksCmd().withNameFilter(networkName).exec()) {
        if (n.getName().equals(networkName)) {
          verify.removeNetworkCmd(n.getId()).exec();
        }
      }
    } finally {
      runtime.close();
      try {
        verify.close();
        try (Stream<Path> files = Files.walk(blocksDir)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      } catch (IOException e) {
        // best effort for a temp directory
      }
    }
  }
}
