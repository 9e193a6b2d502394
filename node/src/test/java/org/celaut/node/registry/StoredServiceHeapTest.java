package org.celaut.node.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.celaut.proto.celaut.Metadata;
import org.celaut.proto.celaut.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node reads a stored service at every start; reading it must not copy the service's
 * filesystem into the heap (it did, twice per start, and that garbage grew the node's heap with
 * the number of starts: README, Performance, node memory).
 */
class StoredServiceHeapTest {

  private static final int FILESYSTEM_BYTES = 8 << 20;

  @TempDir Path dir;

  @Test
  void readingAStoredServiceLeavesItsFilesystemOutOfTheHeap() throws Exception {
    byte[] fs = new byte[FILESYSTEM_BYTES];
    new Random(1).nextBytes(fs);
    Service original = Service.newBuilder()
        .setContainer(Service.Container.newBuilder()
            .setFilesystem(ByteString.copyFrom(fs))
            .setInit(Service.Container.Init.newBuilder().addEntryPath("/bin/service")))
        .setApi(Service.Api.newBuilder().addSlot(Service.Api.Slot.newBuilder().setPort(8080)))
        .build();
    Files.write(dir.resolve(StoredService.WBP_FILE), original.toByteArray());
    StoredService stored = new StoredService("ab".repeat(32), dir, Metadata.getDefaultInstance(), fs.length);
    stored.service(); // first use loads classes; measure the second, as every later start

    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    Service read = stored.service();
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;

    assertThat(allocated).as("heap bytes allocated to read a service with an 8 MiB filesystem")
        .isLessThan(1 << 20);
    assertThat(read).isEqualTo(original);
  }

  @Test
  void aFileThatIsNoServiceIsRefusedAsSuch() throws Exception {
    Path wbp = dir.resolve(StoredService.WBP_FILE);
    Files.write(wbp, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> MappedService.parse(wbp))
        .isInstanceOf(com.google.protobuf.InvalidProtocolBufferException.class);
  }
}
