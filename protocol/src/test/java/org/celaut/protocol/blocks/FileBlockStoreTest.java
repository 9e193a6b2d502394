package org.celaut.protocol.blocks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.celaut.protocol.Hashes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FileBlockStore: verified, atomic, idempotent, and safe with concurrent writers. */
class FileBlockStoreTest {

  @TempDir Path tmp;
  FileBlockStore store;
  static final byte[] BYTES = "some block".getBytes(StandardCharsets.UTF_8);
  static final String ID = Hashes.toHex(Hashes.sha3(BYTES));

  @BeforeEach
  void setUp() throws Exception {
    store = new FileBlockStore(tmp.resolve("blocks"));
  }

  private String put(byte[] bytes, String expected) throws Exception {
    try (BlockStore.PendingBlock p = store.begin()) {
      p.output().write(bytes);
      return p.commit(expected);
    }
  }

  private List<Path> files() throws Exception {
    try (Stream<Path> s = Files.list(store.directory())) {
      return s.toList();
    }
  }

  @Test
  void committedBlockIsStoredUnderItsIdAndReadable() throws Exception {
    assertThat(put(BYTES, ID)).isEqualTo(ID);
    assertThat(store.contains(ID)).isTrue();
    assertThat(store.size(ID)).isEqualTo(BYTES.length);
    try (var in = store.open(ID)) {
      assertThat(in.readAllBytes()).isEqualTo(BYTES);
    }
    assertThat(files()).containsExactly(store.directory().resolve(ID));
  }

  @Test
  void commitWithoutExpectedIdStoresUnderTheComputedId() throws Exception {
    assertThat(put(BYTES, null)).isEqualTo(ID);
    assertThat(store.contains(ID.toUpperCase())).isTrue();
  }

  @Test
  void mismatchStoresNothingAndNamesBothIds() throws Exception {
    String other = Hashes.toHex(Hashes.sha3(new byte[] {1}));
    assertThatThrownBy(() -> put(BYTES, other))
        .isInstanceOf(BlockHashMismatchException.class)
        .hasMessageContaining(other)
        .hasMessageContaining(ID);
    assertThat(files()).isEmpty();
  }

  @Test
  void discardedBlockLeavesNoTemporaryFile() throws Exception {
    try (BlockStore.PendingBlock p = store.begin()) {
      p.output().write(BYTES);
    }
    assertThat(files()).isEmpty();
  }

  @Test
  void committingAStoredBlockAgainKeepsOneCopy() throws Exception {
    put(BYTES, ID);
    assertThat(put(BYTES, ID)).isEqualTo(ID);
    assertThat(files()).hasSize(1);
    assertThat(store.remove(ID)).isTrue();
    assertThat(store.remove(ID)).isFalse();
    assertThatThrownBy(() -> store.open(ID)).isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void concurrentWritersOfTheSameBlockAreSafe() throws Exception {
    byte[] big = new byte[2 << 20];
    new Random(3).nextBytes(big);
    String id = Hashes.toHex(Hashes.sha3(big));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        Callable<String> writer =
            () -> {
              try (BlockStore.PendingBlock p = store.begin()) {
                for (int off = 0; off < big.length; off += 4096) {
                  p.output().write(big, off, Math.min(4096, big.length - off));
                }
                return p.commit(id);
              }
            };
        results.add(pool.submit(writer));
      }
      for (Future<String> f : results) {
        assertThat(f.get()).isEqualTo(id);
      }
    } finally {
      pool.shutdown();
    }
    assertThat(files()).containsExactly(store.directory().resolve(id));
    try (var in = store.open(id)) {
      assertThat(in.readAllBytes()).isEqualTo(big);
    }
  }

  @Test
  void idsThatAreNotSha3HexAreRefused() {
    assertThatThrownBy(() -> store.contains("../../etc/passwd"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("64 hex");
  }

  @Test
  void pendingFilesOfAnInterruptedWriteAreRemovedOnRequestAndBlocksStay() throws Exception {
    put(BYTES, ID);
    BlockStore.PendingBlock cut = store.begin(); // never committed nor closed: a crashed writer
    cut.output().write(BYTES);
    cut.output().flush();
    assertThat(files()).hasSize(2);
    assertThat(store.removePending()).isEqualTo(1);
    assertThat(files()).extracting(p -> p.getFileName().toString()).containsExactly(ID);
    assertThat(store.open(ID).readAllBytes()).isEqualTo(BYTES);
  }
}
