package org.celaut.sdk.pack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import org.celaut.proto.celaut.Service;
import org.celaut.sdk.client.NotAServiceFileException;
import org.celaut.sdk.client.ServiceSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ServiceSource.fromFile} refuses, before anything is sent, a file that is not a service
 * a node could run, naming the file and what {@code celaut pack} writes instead; a packed service
 * still passes.
 */
class ServiceSourceRefusesWhatIsNotAServiceTest {

  @TempDir Path tmp;

  private Service packed() throws Exception {
    TestProject p = TestProject.minimal(tmp.resolve("p"));
    PackResult r = new ServicePacker().pack(p.dir, tmp.resolve("ok.service"));
    return Service.parseFrom(Files.readAllBytes(r.output()));
  }

  private Path write(String name, byte[] bytes) throws Exception {
    return Files.write(tmp.resolve(name), bytes);
  }

  private static void refused(Path f, String why) {
    assertThatThrownBy(() -> ServiceSource.fromFile(f))
        .isInstanceOfSatisfying(NotAServiceFileException.class, e -> assertThat(e.file()).isEqualTo(f))
        .hasMessageStartingWith(f + " is not a Celaut service file: ")
        .hasMessageContaining(why)
        .hasMessageContaining("'celaut pack DIR' writes one");
  }

  @Test
  void aPackedServicePasses() throws Exception {
    Path f = write("x.service", packed().toByteArray());
    assertThat(ServiceSource.fromFile(f).idHex()).hasSize(64);
  }

  @Test
  void aTextFileIsRefusedAtItsFirstByte() throws Exception {
    refused(write("README.md", "# Celaut for Java\n\nA node, an SDK and a CLI.\n".getBytes()),
        "its first bytes are not a celaut.Service field (byte 0)");
  }

  @Test
  void anEmptyFileAndADirectoryAreRefused() throws Exception {
    refused(write("empty.service", new byte[0]), "it is empty");
    Path dir = Files.createDirectories(tmp.resolve("project"));
    refused(dir, "it is a directory");
  }

  @Test
  void aMissingFileIsNotAVerdictOnContent() {
    assertThatThrownBy(() -> ServiceSource.fromFile(tmp.resolve("nosuch.service")))
        .isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void aServiceCutShortIsRefused() throws Exception {
    byte[] whole = packed().toByteArray();
    refused(write("cut.service", Arrays.copyOf(whole, whole.length - 3)), "runs past the end of the file");
  }

  @Test
  void aServiceWithoutEntrypointArchitectureOrContainerIsRefused() throws Exception {
    Service s = packed();
    refused(write("noentry.service", s.toBuilder().setContainer(s.getContainer().toBuilder().clearInit()).build()
        .toByteArray()), "names no entrypoint");
    refused(write("noarch.service", s.toBuilder().setContainer(s.getContainer().toBuilder().clearArchitecture())
        .build().toByteArray()), "names no architecture");
    refused(write("nocontainer.service", Service.newBuilder().setProse("just prose").build().toByteArray()),
        "it has no container");
  }

  @Test
  void unknownFieldsAnywhereAreRefused() throws Exception {
    Service s = packed();
    UnknownFieldSet extra = UnknownFieldSet.newBuilder()
        .addField(99, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8("?")).build())
        .build();
    Service deep = s.toBuilder().setContainer(s.getContainer().toBuilder()
        .setInit(s.getContainer().getInit().toBuilder().setUnknownFields(extra))).build();
    refused(write("deep.service", deep.toByteArray()), "container.init has fields a celaut.Service does not define");
    refused(write("top.service", s.toBuilder().setUnknownFields(extra).build().toByteArray()),
        "field 99 (wire type 2) is not part of a celaut.Service");
  }

  @Test
  void aDamagedBeeFileIsNotAServiceFile() throws Exception {
    Path f = write("x.bee", new byte[] {0, 0, 0, 9, 1, 2});
    refused(f, "incomplete");
  }
}
