package org.celaut.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.celaut.node.runtime.Fs.dir;
import static org.celaut.node.runtime.Fs.file;
import static org.celaut.node.runtime.Fs.tree;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.celaut.node.runtime.TarEntries.Read;
import org.celaut.proto.celaut.Service.Container.Filesystem;
import org.celaut.protocol.blocks.BlockStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Block pointers, wherever they appear, are streamed from the block store. */
class FilesystemTarBlocksTest {
  @TempDir Path blocksDir;
  private TempDirBlockStore blocks;

  @BeforeEach
  void setUp() {
    blocks = new TempDirBlockStore(blocksDir);
  }

  private List<Read> tarOf(ByteString field, BlockStore store) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FilesystemTar.write(field, store, out);
    return TarEntries.read(out.toByteArray());
  }

  @Test
  void fileItemsThatPointToStoredBlocksAreExpanded() throws IOException {
    byte[] big = new byte[300_000];
    new Random(7).nextBytes(big);
    byte[] other = "stored under a typed pointer".getBytes(StandardCharsets.UTF_8);
    Filesystem fs =
        tree(
            file("untyped", blocks.putUntypedPointer(big), "mode", "493"),
            file("typed", blocks.putTypedPointer(other)),
            file("inline", "after the blocks"));

    List<Read> entries = tarOf(fs.toByteString(), blocks);

    Read untyped = TarEntries.named(entries, "untyped");
    assertThat(untyped.content()).isEqualTo(big);
    assertThat(untyped.mode()).isEqualTo(0755);
    assertThat(TarEntries.named(entries, "typed").content()).isEqualTo(other);
    assertThat(TarEntries.named(entries, "inline").text()).isEqualTo("after the blocks");
  }

  @Test
  void aFilesystemFieldThatPointsToAStoredBlockIsReadFromTheStore() throws IOException {
    byte[] binary = new byte[40_000];
    new Random(3).nextBytes(binary);
    Filesystem fs =
        tree(
            dir("bin", tree(file("tool", ByteString.copyFrom(binary), "mode", "493"))),
            // A block pointer inside a filesystem that is itself a block.
            file("data", blocks.putUntypedPointer("nested block".getBytes(StandardCharsets.UTF_8))),
            file("z", "last"));
    ByteString pointer = blocks.putTypedPointer(fs.toByteArray());

    List<Read> entries = tarOf(pointer, blocks);

    assertThat(entries).extracting(Read::name).containsExactly("bin/", "bin/tool", "data", "z");
    assertThat(TarEntries.named(entries, "bin/tool").content()).isEqualTo(binary);
    assertThat(TarEntries.named(entries, "data").text()).isEqualTo("nested block");
    assertThat(TarEntries.named(entries, "z").text()).isEqualTo("last");
  }

  @Test
  void aSubDirectoryThatPointsToAStoredBlockIsExpanded() throws IOException {
    ByteString subPointer = blocks.putUntypedPointer(tree(file("inner", "deep")).toByteArray());
    // The generated builder cannot put raw bytes in the message-typed field, so write the wire.
    ByteString item =
        wire(
            out -> {
              out.writeString(1, "sub");
              out.writeBytes(4, subPointer);
            });
    ByteString fs = wire(out -> out.writeBytes(1, item));

    List<Read> entries = tarOf(fs, blocks);

    assertThat(entries).extracting(Read::name).containsExactly("sub/", "sub/inner");
    assertThat(TarEntries.named(entries, "sub/inner").text()).isEqualTo("deep");
  }

  @Test
  void aPointerShapedFileWhoseBlockIsNotStoredIsTakenLiterally() throws IOException {
    ByteString pointer = TempDirBlockStore.typedPointer("00".repeat(32));

    List<Read> entries = tarOf(tree(file("f", pointer)).toByteString(), blocks);

    assertThat(TarEntries.named(entries, "f").content()).isEqualTo(pointer.toByteArray());
  }

  @Test
  void aFileLargerThanAnyArrayIsStreamedInChunks() throws IOException {
    long sizeBytes = (1L << 31) + 12_345; // larger than any byte[] can be
    String id = "ab".repeat(32);
    BlockStore virtual = new VirtualBlockStore(id, sizeBytes);
    Filesystem fs = tree(file("huge", TempDirBlockStore.typedPointer(id)));
    CountingSink sink = new CountingSink();

    FilesystemTar.write(fs.toByteString(), virtual, sink);

    long padded = (sizeBytes + 511) / 512 * 512;
    assertThat(sink.countBytes).isEqualTo(512 + padded + 1024);
  }

  private interface WireWriter {
    void write(CodedOutputStream out) throws IOException;
  }

  private static ByteString wire(WireWriter writer) throws IOException {
    ByteString.Output bytes = ByteString.newOutput();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    writer.write(out);
    out.flush();
    return bytes.toByteString();
  }

  /** Counts what is written and keeps nothing. */
  private static final class CountingSink extends OutputStream {
    long countBytes;

    @Override
    public void write(int b) {
      countBytes++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      countBytes += len;
    }
  }

  /** One block of generated bytes that exists only as a stream. */
  private record VirtualBlockStore(String id, long sizeBytes) implements BlockStore {
    @Override
    public boolean contains(String blockIdHex) {
      return id.equals(blockIdHex);
    }

    @Override
    public long size(String blockIdHex) {
      return sizeBytes;
    }

    @Override
    public InputStream open(String blockIdHex) {
      return new InputStream() {
        private long remaining = sizeBytes;

        @Override
        public int read() {
          return remaining-- > 0 ? 'x' : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
          if (remaining <= 0) {
            return -1;
          }
          int n = (int) Math.min(len, remaining);
          remaining -= n;
          return n; // contents are irrelevant: only the count is checked
        }
      };
    }

    @Override
    public PendingBlock begin() {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean remove(String blockIdHex) {
      return false;
    }
  }
}
