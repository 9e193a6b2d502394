package org.celaut.sdk.pack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.celaut.proto.celaut.DataFormat;
import org.celaut.proto.celaut.DataFormatKeyValue;
import org.celaut.proto.celaut.Service;
import org.celaut.proto.celaut.Service.Container.Filesystem;
import org.celaut.proto.celaut.Service.Container.Filesystem.ItemBranch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed example {@code examples/hello-http} packs as documented. A copy gets a stand-in
 * {@code bin/busybox} (the real one is not committed), so this runs without busybox installed.
 */
class HelloHttpExamplePacksTest {

  @TempDir Path tmp;

  @Test
  void theExamplePacksWithItsSlotEntrypointVariableAndResources() throws Exception {
    Path example = Path.of(System.getProperty("celaut.project.dir", "..")).resolve("examples/hello-http");
    assertThat(example.resolve(".service/service.json")).exists();
    Path copy = tmp.resolve("hello-http");
    copyTree(example, copy);
    Path busybox = copy.resolve("rootfs/bin/busybox");
    Files.deleteIfExists(busybox);
    Files.writeString(busybox, "#!/bin/sh\n# stand-in for a static busybox\n");
    Files.setPosixFilePermissions(busybox, PosixFilePermissions.fromString("rwxr-xr-x"));

    PackResult result = new ServicePacker().pack(copy);

    assertThat(result.tag()).isEqualTo("hello-http");
    assertThat(result.output()).isEqualTo(copy.resolve(".service/build/hello-http.service"));
    Service service = Service.parseFrom(Files.readAllBytes(result.output()));
    assertThat(service.getApi().getSlotList())
        .containsExactly(
            Service.Api.Slot.newBuilder()
                .setPort(8080)
                .setTransport(Service.Api.Protocol.newBuilder().addTags("tcp"))
                .addProtocolStack(Service.Api.Protocol.newBuilder().addTags("http"))
                .build());
    Service.Container c = service.getContainer();
    assertThat(c.getArchitecture().getTagsList()).containsExactly("linux/amd64");
    assertThat(c.getInit().getEntryPathList()).containsExactly("bin", "service");
    assertThat(c.getEnvironmentVariablesList())
        .containsExactly(
            DataFormatKeyValue.newBuilder().setKey("GREETING").setValue(DataFormat.getDefaultInstance())
                .build());
    assertThat(c.getResources().getAtInit().getMemLimit()).isEqualTo(32L << 20);
    assertThat(c.getResources().getAtMost().getMemLimit()).isEqualTo(64L << 20);
    assertThat(c.getConfigDeclaration().getPathList()).containsExactly("__config__");

    Filesystem fs = Filesystem.parseFrom(c.getFilesystem());
    assertThat(fs.getBranchList()).extracting(ItemBranch::getName).containsExactly("bin", "www");
    assertThat(executable(FilesystemTreeTest.find(fs, "bin", "service"))).isTrue();
    assertThat(executable(FilesystemTreeTest.find(fs, "www", "cgi-bin", "greet"))).isTrue();
    assertThat(FilesystemTreeTest.find(fs, "www", "index.html").getFile().toStringUtf8())
        .contains("hello from celaut");
  }

  private static boolean executable(ItemBranch b) {
    return (ImageLookup.mode(b) & 0111) != 0;
  }

  /** Copies files, folders and modes; leaves out an earlier build of the example. */
  private static void copyTree(Path from, Path to) throws Exception {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path src : (Iterable<Path>) all::iterator) {
        Path rel = from.relativize(src);
        if (rel.startsWith(".service/build")) {
          continue;
        }
        Path dst = to.resolve(rel.toString());
        if (Files.isDirectory(src)) {
          Files.createDirectories(dst);
        } else {
          Files.copy(src, dst);
        }
        Files.setPosixFilePermissions(dst, Files.getPosixFilePermissions(src));
      }
    }
  }
}
