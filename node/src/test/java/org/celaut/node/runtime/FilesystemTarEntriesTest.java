package org.celaut.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.celaut.node.runtime.Fs.dir;
import static org.celaut.node.runtime.Fs.file;
import static org.celaut.node.runtime.Fs.link;
import static org.celaut.node.runtime.Fs.tree;

import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.celaut.node.runtime.TarEntries.Read;
import org.celaut.proto.celaut.Service.Container.Filesystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a filesystem tree becomes in the tar: kinds, names, modes, owners, times. */
class FilesystemTarEntriesTest {
  @TempDir Path blocksDir;

  private List<Read> tarOf(Filesystem fs) throws IOException {
    return TarEntries.read(bytesOf(fs.toByteString()));
  }

  private byte[] bytesOf(ByteString field) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FilesystemTar.write(field, new TempDirBlockStore(blocksDir), out);
    return out.toByteArray();
  }

  @Test
  void filesDirectoriesAndLinksKeepTheirShapeInTreeOrder() throws IOException {
    Filesystem fs =
        tree(
            dir(
                "bin",
                tree(file("service", "#!/bin/sh\n", "mode", "493"), link("sh", "/bin/busybox"))),
            dir("etc", tree(dir("app", tree(file("conf", "x=1\n"))))),
            file("README", "hello"));

    List<Read> entries = tarOf(fs);

    assertThat(entries)
        .extracting(Read::name, Read::type)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("bin/", 'd'),
            org.assertj.core.groups.Tuple.tuple("bin/service", 'f'),
            org.assertj.core.groups.Tuple.tuple("bin/sh", 'l'),
            org.assertj.core.groups.Tuple.tuple("etc/", 'd'),
            org.assertj.core.groups.Tuple.tuple("etc/app/", 'd'),
            org.assertj.core.groups.Tuple.tuple("etc/app/conf", 'f'),
            org.assertj.core.groups.Tuple.tuple("README", 'f'));
    assertThat(TarEntries.named(entries, "bin/service").text()).isEqualTo("#!/bin/sh\n");
    assertThat(TarEntries.named(entries, "bin/sh").linkName()).isEqualTo("/bin/busybox");
    assertThat(TarEntries.named(entries, "etc/app/conf").text()).isEqualTo("x=1\n");
  }

  @Test
  void modeUidAndGidComeFromDecimalXattrsWithDefaults() throws IOException {
    Filesystem fs =
        tree(
            file("plain", "a"),
            file("exec", "b", "mode", "493", "uid", "1000", "gid", "1001"),
            file("secret", "c", "mode", "256"),
            // A full st_mode (regular file, 0750) keeps only its permission bits.
            file("stmode", "d", "mode", "33256"),
            dir("d", tree()),
            dir("private", tree(), "mode", "448", "uid", "7"));

    List<Read> entries = tarOf(fs);

    assertThat(TarEntries.named(entries, "plain").mode()).isEqualTo(0644);
    assertThat(TarEntries.named(entries, "plain").uid()).isZero();
    Read exec = TarEntries.named(entries, "exec");
    assertThat(exec.mode()).isEqualTo(0755);
    assertThat(exec.uid()).isEqualTo(1000);
    assertThat(exec.gid()).isEqualTo(1001);
    assertThat(TarEntries.named(entries, "secret").mode()).isEqualTo(0400);
    assertThat(TarEntries.named(entries, "stmode").mode()).isEqualTo(0750);
    assertThat(TarEntries.named(entries, "d/").mode()).isEqualTo(0755);
    assertThat(TarEntries.named(entries, "private/").mode()).isEqualTo(0700);
    assertThat(TarEntries.named(entries, "private/").uid()).isEqualTo(7);
  }

  @Test
  void everyTimeIsZeroAndNoUserNameIsRecorded() throws IOException {
    List<Read> entries = tarOf(tree(dir("d", tree(file("f", "x"))), link("l", "d/f")));

    assertThat(entries)
        .allSatisfy(
            e -> {
              assertThat(e.mtimeSeconds()).isZero();
              assertThat(e.userName()).isEmpty();
            });
  }

  @Test
  void longAndNonAsciiNamesAndTargetsSurviveThroughPaxHeaders() throws IOException {
    String longName = "n".repeat(200);
    String longTarget = "/opt/" + "t".repeat(150);
    Filesystem fs =
        tree(
            dir("déjà-vu", tree(file(longName, "long"))),
            link("far", longTarget),
            file("ünïcödé", "u"));

    List<Read> entries = tarOf(fs);

    assertThat(TarEntries.named(entries, "déjà-vu/" + longName).text()).isEqualTo("long");
    assertThat(TarEntries.named(entries, "far").linkName()).isEqualTo(longTarget);
    assertThat(TarEntries.named(entries, "ünïcödé").text()).isEqualTo("u");
  }

  @Test
  void theSameFilesystemAlwaysGivesTheSameBytes() throws IOException {
    Filesystem fs =
        tree(
            dir("a", tree(file("x", "1", "mode", "420"), link("y", "x"))),
            file("n".repeat(150), "long"),
            file("e", ""));

    byte[] first = bytesOf(fs.toByteString());
    byte[] second = bytesOf(fs.toByteString());

    assertThat(second).isEqualTo(first);
    assertThat(first.length % 512).isZero();
  }

  @Test
  void anEmptyFilesystemIsAnEmptyArchive() throws IOException {
    byte[] tar = bytesOf(ByteString.EMPTY);

    assertThat(tar).hasSize(1024).containsOnly(0);
  }
}
