package org.celaut.sdk.pack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.celaut.sdk.client.ServiceSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A packed service file is recognised by its content: plain service or .bee, same id either way. */
class ServiceSourceReadsBothFormatsTest {

  @TempDir Path tmp;

  @Test
  void bothFormatsOfOneServiceGiveItsIdAndTag() throws Exception {
    TestProject p = TestProject.minimal(tmp.resolve("p")).file("/big", new byte[5000], "rw-r--r--");
    PackResult plain = new ServicePacker().pack(p.dir, tmp.resolve("t.service"));
    PackResult bee = new ServicePacker(PackOptions.builder().blockThresholdBytes(1000).build())
        .pack(p.dir, tmp.resolve("renamed.bin"));
    Path beeFile = Files.move(bee.output(), tmp.resolve("no-extension"));

    ServiceSource fromPlain = ServiceSource.fromFile(plain.output());
    ServiceSource fromBee = ServiceSource.fromFile(beeFile);

    assertThat(bee.format()).isEqualTo(PackResult.Format.SERVICE).as("named .bin: plain");
    assertThat(fromPlain.idHex()).isEqualTo(plain.serviceIdHex());
    assertThat(fromPlain.bee()).isEmpty();
    assertThat(fromBee.idHex()).isEqualTo(plain.serviceIdHex());
    assertThat(fromBee.bee()).isEmpty().as("a plain file even without its extension");

    PackResult realBee = new ServicePacker(PackOptions.builder().blockThresholdBytes(1000).build()).pack(p.dir);
    ServiceSource s = ServiceSource.fromFile(realBee.output());
    assertThat(s.idHex()).isEqualTo(plain.serviceIdHex());
    assertThat(s.tag()).contains("t");
    assertThat(s.bee()).isPresent();
    assertThat(ServiceSource.of(realBee).idHex()).isEqualTo(plain.serviceIdHex());
    assertThat(ServiceSource.of(plain).bee()).isEmpty();
  }

  @Test
  void aBrokenBeeFileIsRefused() throws Exception {
    Path f = Files.write(tmp.resolve("x.bee"), new byte[] {0, 0, 0, 9, 1, 2});

    assertThatThrownBy(() -> ServiceSource.fromFile(f)).hasMessageContaining("incomplete");
  }
}
