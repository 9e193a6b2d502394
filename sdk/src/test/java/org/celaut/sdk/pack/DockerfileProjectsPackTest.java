package org.celaut.sdk.pack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.celaut.proto.celaut.Service;
import org.celaut.proto.celaut.Service.Container.Filesystem;
import org.celaut.proto.celaut.Service.Container.Filesystem.ItemBranch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A project with a Dockerfile instead of rootfs/ is built with the real local Docker engine
 * ({@code FROM scratch}: no registry is needed), and the image's filesystem becomes the service's.
 */
class DockerfileProjectsPackTest {

  @TempDir Path tmp;

  private TestProject project(String dockerfile) throws Exception {
    TestProject p = TestProject.empty(tmp.resolve("dock"))
        .json("{\"tag\": \"dock\", \"architecture\": \"linux/amd64\", \"entrypoint\": \"/bin/run\"}");
    Files.writeString(p.dir.resolve(".service/Dockerfile"), dockerfile);
    Path app = p.dir.resolve("app");
    write(app.resolve("bin/run"), "#!/bin/sh\necho hi\n", "rwxr-xr-x");
    write(app.resolve("data/hello.txt"), "hello\n", "rw-r-----");
    write(app.resolve("data/secret.key"), "do not ship\n", "rw-------");
    Files.createSymbolicLink(app.resolve("data/link"), Path.of("hello.txt"));
    Files.writeString(p.dir.resolve(".dockerignore"), "# keys stay home\n**/*.key\n");
    return p;
  }

  private static void write(Path p, String content, String perms) throws Exception {
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
    Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString(perms));
  }

  private static Map<String, String> describe(Filesystem fs) {
    Map<String, String> out = new TreeMap<>();
    describe(fs, "", out);
    return out;
  }

  private static void describe(Filesystem fs, String prefix, Map<String, String> out) {
    for (ItemBranch b : fs.getBranchList()) {
      String path = prefix + "/" + b.getName();
      String mode = b.getXattrsCount() == 0 ? "" : " " + Integer.toOctalString(ImageLookup.mode(b));
      switch (b.getItemCase()) {
        case FILE -> out.put(path, "file" + mode + " " + b.getFile().toStringUtf8().strip());
        case LINK -> out.put(path, "link -> " + b.getLink().getSrc());
        case FILESYSTEM -> {
          out.put(path, "dir" + mode);
          describe(b.getFilesystem(), path, out);
        }
        default -> out.put(path, "?");
      }
    }
  }

  @AfterEach
  void nothingIsLeftBehind() throws Exception {
    assertThat(docker("ps", "-a", "-q", "--filter", "label=" + DockerBuild.LABEL)).as("containers").isEmpty();
    assertThat(docker("images", "-q", "--filter", "label=" + DockerBuild.LABEL)).as("images").isEmpty();
  }

  private static String docker(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("docker"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor()).as(out).isZero();
    return out;
  }

  @Test
  void theImagesFilesystemIsPackedAndDockerfileSettingsAreIgnored() throws Exception {
    TestProject p = project("FROM scratch\nCOPY app/ /\nENV FOO=bar\nEXPOSE 80\nCMD [\"/nothing\"]\n");

    PackResult r = new ServicePacker().pack(p.dir);
    Service s = Service.parseFrom(Files.readAllBytes(r.output()));

    assertThat(describe(Filesystem.parseFrom(s.getContainer().getFilesystem()))).containsExactly(
        Map.entry("/bin", "dir 755"),
        Map.entry("/bin/run", "file 755 #!/bin/sh\necho hi"),
        Map.entry("/data", "dir 755"),
        Map.entry("/data/hello.txt", "file 640 hello"),
        Map.entry("/data/link", "link -> hello.txt"));
    assertThat(s.getContainer().getInit().getEntryPathList()).containsExactly("bin", "run");
    assertThat(s.getContainer().getEnvironmentVariablesCount()).isZero();
    assertThat(s.hasApi()).isFalse();
  }

  @Test
  void packingTwiceGivesTheSameIdEvenWithNewTimesAndABuildOutputInTheContext() throws Exception {
    // COPY . takes the whole context: the first pack's output under .service/build must not be
    // part of it, or the second pack would differ.
    TestProject p = project("FROM scratch\nCOPY . /src/\n");
    Files.writeString(p.dir.resolve(".service/service.json"),
        "{\"tag\": \"dock\", \"architecture\": \"linux/amd64\", \"entrypoint\": \"/src/app/bin/run\"}");

    PackResult first = new ServicePacker().pack(p.dir);
    assertThat(first.output()).exists();
    for (Path f : List.of(p.dir.resolve("app/bin/run"), p.dir.resolve("app/data/hello.txt"))) {
      Files.setLastModifiedTime(f, FileTime.from(Instant.parse("2030-01-01T00:00:00Z")));
    }
    PackResult second = new ServicePacker().pack(p.dir);

    assertThat(second.serviceIdHex()).isEqualTo(first.serviceIdHex());
    Map<String, String> files = describe(Filesystem.parseFrom(
        Service.parseFrom(Files.readAllBytes(second.output())).getContainer().getFilesystem()));
    assertThat(files).containsKey("/src/.service/Dockerfile").doesNotContainKey("/src/.service/build");
    assertThat(files).doesNotContainKey("/src/app/data/secret.key");
  }

  @Test
  void largeImageFilesBecomeBlocksAndTheIdStaysTheSame() throws Exception {
    TestProject p = project("FROM scratch\nCOPY app/ /\n");
    byte[] big = new byte[5000];
    new java.util.Random(1).nextBytes(big);
    Files.write(p.dir.resolve("app/data/big.bin"), big);

    PackResult plain = new ServicePacker().pack(p.dir, tmp.resolve("plain.service"));
    PackResult blocks = new ServicePacker(PackOptions.builder().blockThresholdBytes(1000).build())
        .pack(p.dir, tmp.resolve("blocks.bee"));

    assertThat(blocks.serviceId()).isEqualTo(plain.serviceId());
    assertThat(blocks.blockIds()).contains(org.celaut.protocol.Hashes.toHex(org.celaut.protocol.Hashes.sha3(big)));
  }

  @Test
  void aFailingBuildIsReportedWithDockersWords() throws Exception {
    TestProject p = project("FROM scratch\nCOPY missing-file /x\n");

    assertThatThrownBy(() -> new ServicePacker().pack(p.dir))
        .isInstanceOf(PackException.class)
        .hasMessageStartingWith(".service/Dockerfile: docker build failed (exit 1): ")
        .hasMessageContaining("missing-file");
    assertThat(p.dir.resolve(ServicePacker.BUILD_DIR)).doesNotExist();
  }

  @Test
  void withoutTheDockerCliTheMessageSaysSo() throws Exception {
    TestProject p = project("FROM scratch\nCOPY app/ /\n");
    ServicePacker packer = new ServicePacker(PackOptions.builder().dockerCommand("/nonexistent/docker").build());

    assertThatThrownBy(() -> packer.pack(p.dir))
        .isInstanceOf(PackException.class)
        .hasMessageStartingWith(".service/Dockerfile: cannot run '/nonexistent/docker' (building a Dockerfile needs the docker CLI");
  }

  @Test
  void aRootfsFolderWinsOverADockerfile() throws Exception {
    TestProject p = project("FROM scratch\nCOPY missing-file /x\n");
    p.file("/bin/run", "#!/bin/sh\n", "rwxr-xr-x");

    assertThat(new ServicePacker().pack(p.dir).serviceIdHex()).hasSize(64);
  }
}
