package org.celaut.node.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.celaut.node.runtime.RuntimeFailure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** A start that fails says whose fault it is and leaves no container behind. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DockerRuntimeFailedStartTest {
  private DockerFixture fx;
  private String serviceId;
  private String imageRef;

  @BeforeAll
  void buildImageAndNetwork() throws RuntimeFailure {
    fx = new DockerFixture();
    serviceId = fx.serviceId("busybox-broken");
    imageRef = fx.runtime.ensureImage(fx.imageSource(serviceId, fx.busyboxFilesystem()));
    fx.runtime.ensureNetwork(fx.networkName);
  }

  @AfterAll
  void cleanUp() {
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  void aMissingEntrypointIsTheServicesFaultAndLeavesNothing() {
    var spec =
        fx.spec(
            imageRef, "/bin/nope", "instance-missing", serviceId, "/__config__", new byte[] {1}, 0);

    assertThatThrownBy(() -> fx.runtime.start(spec))
        .isInstanceOfSatisfying(
            RuntimeFailure.class,
            f -> {
              assertThat(f.kind()).isEqualTo(RuntimeFailure.Kind.SERVICE_INVALID);
              assertThat(f.getMessage())
                  .startsWith("the service's entrypoint /bin/nope cannot be executed: ")
                  .contains("no such file or directory");
            });
    assertThat(fx.containersOfThisRun()).isEmpty();
  }

  @Test
  void aNonExecutableEntrypointIsTheServicesFaultAndLeavesNothing() {
    var spec =
        fx.spec(
            imageRef,
            "/bin/not-executable",
            "instance-noexec",
            serviceId,
            "/__config__",
            new byte[] {1},
            0);

    assertThatThrownBy(() -> fx.runtime.start(spec))
        .isInstanceOfSatisfying(
            RuntimeFailure.class,
            f -> {
              assertThat(f.kind()).isEqualTo(RuntimeFailure.Kind.SERVICE_INVALID);
              assertThat(f.getMessage())
                  .contains("/bin/not-executable cannot be executed")
                  .contains("permission denied");
            });
    assertThat(fx.containersOfThisRun()).isEmpty();
  }

  @Test
  void aRelativeEntrypointIsRefusedBeforeAnythingIsCreated() {
    var spec =
        fx.spec(
            imageRef,
            "bin/service",
            "instance-relative",
            serviceId,
            "/__config__",
            new byte[] {1},
            0);

    assertThatThrownBy(() -> fx.runtime.start(spec))
        .isInstanceOfSatisfying(
            RuntimeFailure.class,
            f -> assertThat(f.kind()).isEqualTo(RuntimeFailure.Kind.SERVICE_INVALID));
    assertThat(fx.containersOfThisRun()).isEmpty();
  }

  @Test
  void anImageThatWasNeverBuiltIsNotFound() {
    var spec =
        fx.spec(fx.runtime.imageRef(fx.serviceId("never-built")), "instance-noimage", serviceId);

    assertThatThrownBy(() -> fx.runtime.start(spec))
        .isInstanceOfSatisfying(
            RuntimeFailure.class,
            f -> assertThat(f.kind()).isEqualTo(RuntimeFailure.Kind.NOT_FOUND));
    assertThat(fx.containersOfThisRun()).isEmpty();
  }
}
