package org.celaut.sdk.pack;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.celaut.proto.buffer.Buffer;
import org.celaut.proto.celaut.Metadata;
import org.celaut.proto.celaut.Service;
import org.celaut.protocol.Hashes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packer's .bee writer against the golden {@code bee-file} vector captured from the reference
 * (testdata/golden-vectors): the same service, with its filesystem as a block, gives the same
 * bytes, and the Metadata it computes (SHA3-256 and SHAKE-256/32 while streaming) is the
 * reference's.
 */
class BeeFileMatchesTheReferenceTest {

  static final String SERVICE_ID = "cf06ba303749f37bf80c193761cd4a5361cdc9b588dcb2b2d93d140d25d4ff92";

  @TempDir Path tmp;

  static Path vectors() {
    return Path.of(System.getProperty("celaut.project.dir", "..")).resolve("testdata/golden-vectors");
  }

  static List<Buffer> frames(String name) throws Exception {
    List<Buffer> out = new ArrayList<>();
    for (String line : Files.readAllLines(vectors().resolve(name), StandardCharsets.US_ASCII)) {
      if (!line.isBlank()) {
        out.add(Buffer.parseFrom(Hashes.hex(line.strip())));
      }
    }
    return out;
  }

  @Test
  void theSameServiceWithItsFilesystemAsABlockIsWrittenByteForByte() throws Exception {
    List<Buffer> frames = frames("bee-file.hex");
    Metadata referenceMetadata = Metadata.parseFrom(frames.get(0).getChunk());
    ByteString.Output expanded = ByteString.newOutput();
    for (Buffer b : frames.subList(1, frames.size())) {
      b.getChunk().writeTo(expanded);
    }
    Service service = Service.parseFrom(expanded.toByteString());
    ByteString fs = service.getContainer().getFilesystem();
    Service template =
        service.toBuilder()
            .setContainer(service.getContainer().toBuilder().clearFilesystem())
            .build();

    // The 47-byte filesystem is a block at a threshold of 47; the 40-byte file inside is not.
    List<Wire.Part> parts =
        ServicePacker.serviceParts(template, List.of(new Wire.Bytes(fs)), fs.size());
    Wire.Measured measured = Wire.measure(parts);

    assertThat(Hashes.toHex(measured.sha3())).isEqualTo(SERVICE_ID);
    assertThat(measured.blockIds()).hasSize(1);
    assertThat(ServicePacker.metadata(measured.sha3(), measured.shake256(), "demo"))
        .isEqualTo(referenceMetadata);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ServicePacker.writeBee(out, referenceMetadata, parts, measured);
    String raw = Files.readString(vectors().resolve("bee-file.raw.hex"), StandardCharsets.US_ASCII).strip();
    assertThat(Hashes.toHex(out.toByteArray())).isEqualTo(raw);

    Path file = Files.write(tmp.resolve("x.bee"), out.toByteArray());
    BeeServiceFile bee = BeeServiceFile.open(file);
    assertThat(bee.serviceIdHex()).isEqualTo(SERVICE_ID);
    assertThat(bee.tag()).contains("demo");
    assertThat(bee.blockIds()).containsExactlyElementsOf(measured.blockIds().values());
  }

  @Test
  void theReferenceFileIsReadAsIs() throws Exception {
    String raw = Files.readString(vectors().resolve("bee-file.raw.hex"), StandardCharsets.US_ASCII).strip();
    Path file = Files.write(tmp.resolve("ref.bee"), Hashes.hex(raw).toByteArray());

    BeeServiceFile bee = BeeServiceFile.open(file);

    assertThat(BeeServiceFile.looksLikeBee(file)).isTrue();
    assertThat(bee.serviceIdHex()).isEqualTo(SERVICE_ID);
    assertThat(bee.expandedSizeBytes()).isEqualTo(106);
    ByteArrayOutputStream expanded = new ByteArrayOutputStream();
    bee.writeExpanded(expanded);
    assertThat(Hashes.toHex(Hashes.sha3(expanded.toByteArray()))).isEqualTo(SERVICE_ID);
  }
}
