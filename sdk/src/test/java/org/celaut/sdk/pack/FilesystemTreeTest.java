package org.celaut.sdk.pack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.celaut.proto.celaut.BytesKeyValue;
import org.celaut.proto.celaut.Service.Container.Filesystem;
import org.celaut.proto.celaut.Service.Container.Filesystem.ItemBranch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the packed filesystem tree records about each kind of entry. */
class FilesystemTreeTest {

  @TempDir Path tmp;

  private final ServicePacker packer = new ServicePacker();

  private Filesystem pack(TestProject p) throws Exception {
    return Filesystem.parseFrom(packer.build(p.dir).getContainer().getFilesystem());
  }

  @Test
  void filesKeepTheirBytesAndPermissionBitsAsDecimalText() throws Exception {
    byte[] binary = {0, 1, 2, (byte) 0xff, '\n'};
    TestProject p =
        TestProject.minimal(tmp.resolve("p"))
            .file("/data/blob", binary, "rw-r-----")
            .file("/data/empty", new byte[0], "r--------");

    Filesystem fs = pack(p);

    ItemBranch run = find(fs, "bin", "run");
    assertThat(run.getItemCase()).isEqualTo(ItemBranch.ItemCase.FILE);
    assertThat(run.getFile().toStringUtf8()).isEqualTo("#!/bin/sh\n");
    assertThat(xattrs(run)).containsExactly(Map.entry("mode", "493")); // 0755
    ItemBranch blob = find(fs, "data", "blob");
    assertThat(blob.getFile()).isEqualTo(ByteString.copyFrom(binary));
    assertThat(xattrs(blob)).containsExactly(Map.entry("mode", "416")); // 0640
    ItemBranch empty = find(fs, "data", "empty");
    assertThat(empty.getItemCase()).as("an empty file is still a file").isEqualTo(ItemBranch.ItemCase.FILE);
    assertThat(xattrs(empty)).containsExactly(Map.entry("mode", "256")); // 0400
  }

  @Test
  void directoriesNestWithTheirModeAndAnEmptyOneIsKept() throws Exception {
    TestProject p = TestProject.minimal(tmp.resolve("p")).dir("/var/empty", "rwx-----x");

    Filesystem fs = pack(p);

    ItemBranch var = find(fs, "var");
    assertThat(var.getItemCase()).isEqualTo(ItemBranch.ItemCase.FILESYSTEM);
    ItemBranch empty = find(fs, "var", "empty");
    assertThat(empty.getItemCase()).isEqualTo(ItemBranch.ItemCase.FILESYSTEM);
    assertThat(empty.getFilesystem().getBranchCount()).isZero();
    assertThat(xattrs(empty)).containsExactly(Map.entry("mode", "449")); // 0701
    assertThat(fs.getXattrsCount()).as("root attributes stay at their defaults").isZero();
  }

  @Test
  void linksKeepTheirTargetTextAndTheirOwnAbsolutePathAndAreNotFollowed() throws Exception {
    TestProject p =
        TestProject.minimal(tmp.resolve("p"))
            .link("/bin/sh", "run")
            .link("/etc/abs", "/bin/run")
            .link("/etc/dangling", "../nowhere/at/all")
            .link("/lib", "bin");

    Filesystem fs = pack(p);

    assertThat(find(fs, "bin", "sh").getLink())
        .isEqualTo(ItemBranch.Link.newBuilder().setSrc("run").setDst("/bin/sh").build());
    assertThat(find(fs, "etc", "abs").getLink().getSrc()).isEqualTo("/bin/run");
    assertThat(find(fs, "etc", "dangling").getLink())
        .isEqualTo(
            ItemBranch.Link.newBuilder().setSrc("../nowhere/at/all").setDst("/etc/dangling").build());
    ItemBranch lib = find(fs, "lib");
    assertThat(lib.getItemCase()).as("a link to a directory stays a link").isEqualTo(ItemBranch.ItemCase.LINK);
    assertThat(lib.getXattrsCount()).as("links carry no mode").isZero();
  }

  @Test
  void entriesAreSortedByTheBytesOfTheirUtf8Names() throws Exception {
    // UTF-16 order would put U+1F600 (a surrogate pair, 0xD83D...) before U+FF21; UTF-8 puts it
    // after (F0... > EF...).
    assumeThat(System.getProperty("sun.jnu.encoding")).as("needs a UTF-8 locale").isEqualTo("UTF-8");
    TestProject p = TestProject.minimal(tmp.resolve("p"));
    for (String name : List.of("b", "B", "a", "_", "\uFF21", "\uD83D\uDE00", "é", "a.b", "a-b")) {
      p.file("/n/" + name, name, "rw-r--r--");
    }

    Filesystem fs = pack(p);

    assertThat(find(fs, "n").getFilesystem().getBranchList())
        .extracting(ItemBranch::getName)
        .containsExactly("B", "_", "a", "a-b", "a.b", "b", "é", "\uFF21", "\uD83D\uDE00");
  }

  @Test
  void setuidAndStickyBitsArePartOfTheMode() throws Exception {
    TestProject p = TestProject.minimal(tmp.resolve("p")).dir("/tmp", "rwxrwxrwx");
    Process chmod = new ProcessBuilder("chmod", "1777", p.at("/tmp").toString()).start();
    assumeThat(chmod.waitFor()).isZero();
    Process suid = new ProcessBuilder("chmod", "4755", p.at("/bin/run").toString()).start();
    assumeThat(suid.waitFor()).isZero();

    Filesystem fs = pack(p);

    assertThat(xattrs(find(fs, "tmp"))).containsExactly(Map.entry("mode", "1023")); // 01777
    assertThat(xattrs(find(fs, "bin", "run"))).containsExactly(Map.entry("mode", "2541")); // 04755
  }

  @Test
  void anEntrypointReachedThroughLinksInsideTheImageIsAccepted() throws Exception {
    TestProject p =
        TestProject.empty(tmp.resolve("p"))
            .json("{\"tag\":\"t\",\"architecture\":\"linux/amd64\",\"entrypoint\":\"/usr/bin/svc\"}")
            .file("/opt/app/bin/real", "x", "rwxr-xr-x")
            .link("/usr/bin", "../opt/app/bin")
            .link("/opt/app/bin/svc", "/opt/app/bin/./real");
    // The absolute target must resolve inside the image, not on the host where it is missing.
    assertThat(Path.of("/opt/app/bin/real")).doesNotExist();

    assertThat(packer.build(p.dir).getContainer().getInit().getEntryPathList())
        .containsExactly("usr", "bin", "svc");
  }

  static ItemBranch find(Filesystem fs, String... names) {
    ItemBranch found = null;
    for (String name : names) {
      Filesystem dir = found == null ? fs : found.getFilesystem();
      found =
          dir.getBranchList().stream()
              .filter(b -> b.getName().equals(name))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no entry " + name));
    }
    return found;
  }

  static Map<String, String> xattrs(ItemBranch b) {
    return b.getXattrsList().stream()
        .collect(Collectors.toMap(BytesKeyValue::getKey, kv -> kv.getValue().toStringUtf8()));
  }
}
