package org.celaut.sdk.pack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.celaut.proto.buffer.Buffer;
import org.celaut.proto.celaut.Service;
import org.celaut.protocol.Hashes;
import org.celaut.protocol.bee.BeeDecoder;
import org.celaut.protocol.bee.BeeEvent;
import org.celaut.protocol.bee.BeeFiles;
import org.celaut.protocol.bee.DecoderLimits;
import org.celaut.protocol.bee.IndexMap;
import org.celaut.protocol.bee.SpooledMessage;
import org.celaut.protocol.blocks.FileBlockStore;

/**
 * For any tree of files and any threshold: blocks never change the id, the .bee file expands to
 * the plain service, the node's decoder accepts the nested framing, and whatever subset of blocks
 * the receiver already holds (and asks to skip), it still ends up with the same service.
 */
class BlockFramingProperties {

  @Property(tries = 30)
  void blocksChangeTheFormNeverTheService(
      @ForAll @Size(max = 6) List<@IntRange(max = 3000) Integer> fileSizes,
      @ForAll @IntRange(min = 1, max = 4000) int threshold,
      @ForAll Random random) throws Exception {
    Path tmp = Files.createTempDirectory("blocks-prop");
    try {
      TestProject p = TestProject.minimal(tmp.resolve("p"));
      for (int i = 0; i < fileSizes.size(); i++) {
        byte[] content = new byte[fileSizes.get(i)];
        random.nextBytes(content);
        p.file("/d" + (i % 3) + "/f" + i, content, "rw-r--r--");
      }
      PackResult plain = new ServicePacker().pack(p.dir, tmp.resolve("plain.service"));
      PackResult bee = new ServicePacker(PackOptions.builder().blockThresholdBytes(threshold).build())
          .pack(p.dir, tmp.resolve("x.bee"));
      byte[] plainBytes = Files.readAllBytes(plain.output());

      assertThat(bee.serviceId()).isEqualTo(plain.serviceId());
      ByteArrayOutputStream expanded = new ByteArrayOutputStream();
      BeeServiceFile file = BeeServiceFile.open(bee.output());
      file.writeExpanded(expanded);
      assertThat(expanded.toByteArray()).isEqualTo(plainBytes);
      assertThat(file.blockIds()).containsExactlyElementsOf(bee.blockIds());

      FileBlockStore all = new FileBlockStore(tmp.resolve("all"));
      List<BeeEvent> events = BeeFiles.read(bee.output(), tmp.resolve("spool"), all);
      assertThat(((BeeEvent.Spooled) events.get(1)).message().sha3Hex()).isEqualTo(plain.serviceIdHex());
      for (String id : bee.blockIds()) {
        assertThat(all.contains(id)).isTrue();
      }

      // A receiver holding a random subset of the blocks asks to skip them.
      Set<String> held = bee.blockIds().stream().filter(id -> random.nextBoolean()).collect(Collectors.toSet());
      FileBlockStore receiver = new FileBlockStore(tmp.resolve("receiver"));
      for (String id : held) {
        try (var pending = receiver.begin(); InputStream in = all.open(id)) {
          in.transferTo(pending.output());
          pending.commit(id);
        }
      }
      List<Buffer> frames = new ArrayList<>();
      file.sendService(6, frames::add, held::contains);
      IndexMap map = IndexMap.builder().spooled(6, Service.class).build();
      List<BeeEvent> got = new ArrayList<>();
      try (BeeDecoder d = new BeeDecoder(map, DecoderLimits.defaults(), tmp.resolve("spool2"), receiver)) {
        for (Buffer b : frames) {
          got.addAll(d.accept(b));
        }
        d.finish();
      }
      SpooledMessage m = got.stream().filter(e -> e instanceof BeeEvent.Spooled)
          .map(e -> ((BeeEvent.Spooled) e).message()).findFirst().orElseThrow();
      try (InputStream in = m.openExpanded(receiver)) {
        assertThat(Hashes.toHex(Hashes.sha3(in.readAllBytes()))).isEqualTo(plain.serviceIdHex());
      }
    } finally {
      TestProject.deleteTree(tmp);
    }
  }
}
