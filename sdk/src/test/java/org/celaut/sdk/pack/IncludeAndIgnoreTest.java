package org.celaut.sdk.pack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.celaut.proto.celaut.Service.Container.Filesystem;
import org.celaut.proto.celaut.Service.Container.Filesystem.ItemBranch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pack_config.json's include / ignore globs decide what of rootfs goes into the image. */
class IncludeAndIgnoreTest {

  @TempDir Path tmp;

  private TestProject project() throws Exception {
    return TestProject.minimal(tmp.resolve("p"))
        .file("/app/main.py", "print(1)", "rw-r--r--")
        .file("/app/main.pyc", "x", "rw-r--r--")
        .file("/app/lib/util.pyc", "x", "rw-r--r--")
        .file("/cache.pyc", "x", "rw-r--r--")
        .file("/tmp/scratch", "x", "rw-r--r--")
        .file("/etc/app.conf", "k=v", "rw-r--r--")
        .file("/etc/other.conf", "k=v", "rw-r--r--");
  }

  private List<String> packed(TestProject p, String config) throws Exception {
    Files.writeString(p.dir.resolve(".service/pack_config.json"), config);
    Filesystem fs = Filesystem.parseFrom(new ServicePacker().build(p.dir).getContainer().getFilesystem());
    List<String> out = new ArrayList<>();
    list(fs, "", out);
    return out;
  }

  private static void list(Filesystem fs, String prefix, List<String> out) {
    for (ItemBranch b : fs.getBranchList()) {
      String path = prefix + "/" + b.getName();
      out.add(path);
      if (b.hasFilesystem()) {
        list(b.getFilesystem(), path, out);
      }
    }
  }

  @Test
  void ignoredEntriesAreLeftOutWithEverythingUnderThem() throws Exception {
    List<String> paths = packed(project(), "{\"ignore\": [\"**/*.pyc\", \"tmp\"]}");

    assertThat(paths).contains("/app/main.py", "/app/lib", "/etc/app.conf", "/bin/run");
    assertThat(paths).doesNotContain("/app/main.pyc", "/app/lib/util.pyc", "/cache.pyc", "/tmp", "/tmp/scratch");
  }

  @Test
  void withIncludeOnlyMatchesAndTheFoldersLeadingToThemAreKept() throws Exception {
    List<String> paths = packed(project(), "{\"include\": [\"bin\", \"etc/app.conf\", \"app/**\"], \"ignore\": [\"**/*.pyc\"]}");

    assertThat(paths).containsExactly(
        "/app", "/app/lib", "/app/main.py", "/bin", "/bin/run", "/etc", "/etc/app.conf");
  }

  @Test
  void theSameFilteredSourcesGiveTheSameIdAndFilteringChangesIt() throws Exception {
    TestProject p = project();
    String all = new ServicePacker().pack(p.dir).serviceIdHex();
    Files.writeString(p.dir.resolve(".service/pack_config.json"), "{\"ignore\": [\"tmp\"]}");
    String filtered = new ServicePacker().pack(p.dir).serviceIdHex();
    Files.writeString(p.at("/tmp/scratch"), "changed, but ignored");

    assertThat(new ServicePacker().pack(p.dir).serviceIdHex()).isEqualTo(filtered).isNotEqualTo(all);
  }
}
