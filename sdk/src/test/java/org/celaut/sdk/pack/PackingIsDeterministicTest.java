package org.celaut.sdk.pack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackingIsDeterministicTest {

  @TempDir Path tmp;

  private final ServicePacker packer = new ServicePacker();
  private TestProject project;

  @BeforeEach
  void someSources() throws Exception {
    project =
        TestProject.minimal(tmp.resolve("a"))
            .file("/etc/app.conf", "key=value\n", "rw-r-----")
            .file("/www/index.html", "<h1>hi</h1>\n", "rw-r--r--")
            .file("/www/b.txt", "", "rw-------")
            .dir("/var/empty", "rwx--x--x")
            .link("/bin/sh", "run")
            .link("/www/latest", "../etc/app.conf");
  }

  @Test
  void packingTheSameSourcesTwiceGivesTheSameIdAndBytes() throws Exception {
    PackResult first = packer.pack(project.dir, tmp.resolve("1.service"));
    PackResult second = packer.pack(project.dir, tmp.resolve("2.service"));

    assertThat(second.serviceId()).isEqualTo(first.serviceId());
    assertThat(Files.readAllBytes(second.output())).isEqualTo(Files.readAllBytes(first.output()));
  }

  @Test
  void aCopyWithOtherTimesCreationOrderAndOwnerGivesTheSameId() throws Exception {
    Path copy = tmp.resolve("b");
    TestProject.copyDifferently(project.dir, copy, FileTime.from(Instant.parse("2001-02-03T04:05:06Z")));
    assertThat(Files.getLastModifiedTime(copy.resolve("rootfs/www/index.html")))
        .isNotEqualTo(Files.getLastModifiedTime(project.at("/www/index.html")));
    if ("root".equals(System.getProperty("user.name"))) {
      assertThat(Files.getOwner(copy.resolve("rootfs/etc/app.conf")).getName()).isEqualTo("nobody");
    }

    assertThat(packer.pack(copy).serviceId()).isEqualTo(packer.pack(project.dir).serviceId());
  }

  @Test
  void changingOneByteOfOneFileChangesTheId() throws Exception {
    String before = packer.pack(project.dir).serviceIdHex();
    byte[] bytes = Files.readAllBytes(project.at("/www/index.html"));
    bytes[1] ^= 1;
    Files.write(project.at("/www/index.html"), bytes);

    assertThat(packer.pack(project.dir).serviceIdHex()).isNotEqualTo(before);
  }

  @Test
  void changingAModeChangesTheId() throws Exception {
    String before = packer.pack(project.dir).serviceIdHex();
    Files.setPosixFilePermissions(project.at("/etc/app.conf"), PosixFilePermissions.fromString("rw-r--r--"));

    assertThat(packer.pack(project.dir).serviceIdHex()).isNotEqualTo(before);
  }

  @Test
  void changingALinkTargetChangesTheId() throws Exception {
    String before = packer.pack(project.dir).serviceIdHex();
    Files.delete(project.at("/www/latest"));
    project.link("/www/latest", "../etc/other.conf");

    assertThat(packer.pack(project.dir).serviceIdHex()).isNotEqualTo(before);
  }

  @Test
  void aFailedWriteLeavesNoTemporaryFileBehind() throws Exception {
    // A non-empty folder where the output should go: the final rename fails.
    Path out = tmp.resolve("out/x.service");
    Files.createDirectories(out.resolve("occupied"));

    assertThatThrownBy(() -> packer.pack(project.dir, out)).isInstanceOf(java.io.IOException.class);
    assertThat(TestProject.listAll(tmp.resolve("out"))).containsExactlyInAnyOrder(out, out.resolve("occupied"));
  }

  @Test
  void theBuildFolderAndTheSpecAreNotPartOfTheImageEvenWhenRootfsIsTheProject() throws Exception {
    TestProject p =
        TestProject.empty(tmp.resolve("self"))
            .json("{\"tag\":\"t\",\"architecture\":\"linux/amd64\",\"entrypoint\":\"/run\",\"rootfs\":\".\"}");
    Files.writeString(p.dir.resolve("run"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(p.dir.resolve("run"), PosixFilePermissions.fromString("rwxr-xr-x"));

    PackResult first = packer.pack(p.dir);
    PackResult second = packer.pack(p.dir);

    assertThat(second.serviceId()).isEqualTo(first.serviceId());
    assertThat(
            org.celaut.proto.celaut.Service.Container.Filesystem.parseFrom(
                    packer.build(p.dir).getContainer().getFilesystem())
                .getBranchList())
        .extracting(b -> b.getName())
        .containsExactly("run");
  }
}
