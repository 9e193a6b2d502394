package org.celaut.node.runtime;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.celaut.node.runtime.Fs.dir;
import static org.celaut.node.runtime.Fs.file;
import static org.celaut.node.runtime.Fs.link;
import static org.celaut.node.runtime.Fs.tree;

import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import org.celaut.proto.celaut.Service.Container.Filesystem;
import org.celaut.proto.celaut.Service.Container.Filesystem.ItemBranch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Trees that must never become an image: escaping names, ambiguity, garbage. */
class FilesystemTarRejectsTest {
  @TempDir Path blocksDir;

  private void write(ByteString field) throws IOException {
    FilesystemTar.write(field, new TempDirBlockStore(blocksDir), new ByteArrayOutputStream());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".", "..", "a/b", "/etc", "nul\0byte"})
  void namesThatAreNotOneSegmentAreRejected(String name) {
    Filesystem fs = tree(dir("ok", tree(file(name, "x"))));

    assertThatThrownBy(() -> write(fs.toByteString()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("bad entry name");
  }

  @Test
  void aDirectoryNamedDotDotIsRejected() {
    Filesystem fs = tree(dir("..", tree(file("passwd", "root::0:0::/:/bin/sh"))));

    assertThatThrownBy(() -> write(fs.toByteString()))
        .hasMessageContaining("bad entry name \"..\"");
  }

  @Test
  void duplicateNamesInOneDirectoryAreRejected() {
    Filesystem fs = tree(file("x", "1"), link("x", "/etc/shadow"));

    assertThatThrownBy(() -> write(fs.toByteString()))
        .hasMessageContaining("duplicate entry name \"x\"");
  }

  @Test
  void aBadModeIsRejectedWithItsPath() {
    Filesystem fs = tree(dir("bin", tree(file("sh", "x", "mode", "0o755"))));

    assertThatThrownBy(() -> write(fs.toByteString()))
        .hasMessageContaining("bad mode \"0o755\" for /bin/sh");
  }

  @Test
  void anEntryWithoutContentIsRejected() {
    Filesystem fs =
        Filesystem.newBuilder().addBranch(ItemBranch.newBuilder().setName("ghost")).build();

    assertThatThrownBy(() -> write(fs.toByteString()))
        .hasMessageContaining("/ghost has no file, link or directory");
  }

  @Test
  void anEmptyLinkTargetIsRejected() {
    assertThatThrownBy(() -> write(tree(link("l", "")).toByteString()))
        .hasMessageContaining("bad link target");
  }

  @Test
  void aTruncatedMessageIsRejected() {
    ByteString whole = tree(file("f", "0123456789")).toByteString();

    assertThatThrownBy(() -> write(whole.substring(0, whole.size() - 3)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("malformed filesystem");
  }
}
