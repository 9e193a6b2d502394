package org.celaut.protocol.bee;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.celaut.proto.buffer.Buffer;
import org.celaut.proto.celaut.Service;
import org.celaut.protocol.Hashes;
import org.celaut.protocol.blocks.FileBlockStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * long-form-service-2mib.gen: a 2 MiB Service in long form (head-only, 1 MiB chunks, a 5-byte last
 * chunk, separator-only). Our encoder produces the same Buffers, from memory and from a file, and
 * the decoder reads them back both parsed and spooled.
 */
class LongFormVectorTest {

  static Service service;
  static ByteString m;
  static List<String[]> lines;

  @TempDir Path tmp;

  @BeforeAll
  static void rebuild() throws Exception {
    service = Service.newBuilder().setProse("x".repeat(2_097_152)).build();
    m = service.toByteString();
    lines = new ArrayList<>();
    for (String line :
        Files.readAllLines(Vectors.dir().resolve("long-form-service-2mib.gen"), StandardCharsets.US_ASCII)) {
      if (!line.isBlank() && !line.startsWith("#")) {
        lines.add(line.trim().split(" "));
      }
    }
  }

  /** The stream the .gen file describes, rebuilt from its lines. */
  private static List<Buffer> vectorStream() throws Exception {
    List<Buffer> out = new ArrayList<>();
    for (String[] f : lines) {
      if (f[0].equals("hex")) {
        out.add(Buffer.parseFrom(Vectors.hex(f[1])));
      } else {
        out.add(
            Buffer.newBuilder()
                .setChunk(m.substring(Integer.parseInt(f[1]), Integer.parseInt(f[2])))
                .build());
      }
    }
    return out;
  }

  private static void assertMatchesEveryLine(List<Buffer> frames) throws Exception {
    assertThat(frames).hasSameSizeAs(lines);
    for (int i = 0; i < frames.size(); i++) {
      byte[] bytes = frames.get(i).toByteArray();
      String[] f = lines.get(i);
      assertThat("len=" + bytes.length).as("line %d", i + 1).isEqualTo(f[f.length - 2]);
      String sha256 =
          HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
      assertThat("sha256=" + sha256).as("line %d", i + 1).isEqualTo(f[f.length - 1]);
    }
  }

  @Test
  void theRebuiltVectorMatchesItsRecordedHashes() throws Exception {
    assertThat(m.size()).isEqualTo(2_097_157);
    assertMatchesEveryLine(vectorStream());
  }

  @Test
  void encoderEmitsTheSameLongFormFromMemory() throws Exception {
    assertMatchesEveryLine(BeeEncoder.message(6, service));
  }

  @Test
  void encoderEmitsTheSameDirFormFromAFile() throws Exception {
    Path file = tmp.resolve("service.bin");
    try (OutputStream out = Files.newOutputStream(file)) {
      m.writeTo(out);
    }
    assertMatchesEveryLine(Vectors.collect(sink -> BeeEncoder.file(6, file, sink)));
  }

  @Test
  void decodesSpooledAtIndexSix() throws Exception {
    FileBlockStore store = new FileBlockStore(tmp.resolve("blocks"));
    List<BeeEvent> events =
        Vectors.decode(
            GatewayCalls.of("StartService").request(), vectorStream(), tmp.resolve("spool"), store);
    assertThat(events).hasSize(1);
    SpooledMessage spooled = ((BeeEvent.Spooled) events.get(0)).message();
    assertThat(spooled.expandedSize()).isEqualTo(m.size());
    assertThat(spooled.sha3()).isEqualTo(Hashes.sha3(m.toByteArray()));
    assertThat(Service.parseFrom(Vectors.expanded(spooled, store))).isEqualTo(service);
  }

  @Test
  void decodesParsedWhenTheIndexIsInMemory() throws Exception {
    IndexMap map = IndexMap.builder().message(6, Service.parser()).build();
    List<BeeEvent> events =
        Vectors.decode(map, vectorStream(), tmp.resolve("spool"), new FileBlockStore(tmp.resolve("b")));
    assertThat(events).containsExactly(new BeeEvent.Parsed(6, service));
  }
}
