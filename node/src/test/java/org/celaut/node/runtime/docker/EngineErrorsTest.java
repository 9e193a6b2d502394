package org.celaut.node.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.exception.InternalServerErrorException;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import org.celaut.node.runtime.RuntimeFailure;
import org.celaut.node.runtime.RuntimeFailure.Kind;
import org.junit.jupiter.api.Test;

/** Engine failures become the right kind, in the engine's own words without the JSON. */
class EngineErrorsTest {
  private final EngineErrors errors = new EngineErrors("unix:///var/run/docker.sock");

  private static InternalServerErrorException engine500(String message) {
    return new InternalServerErrorException("{\"message\":\"" + message + "\"}\n");
  }

  @Test
  void theEnginesMessageIsUnwrappedAndUnescaped() {
    RuntimeFailure f =
        errors.failure("creating the container", engine500("bad \\\"thing\\\" happened"));

    assertThat(f.kind()).isEqualTo(Kind.ENGINE_ERROR);
    assertThat(f.getMessage())
        .isEqualTo("creating the container: the Docker engine said: bad \"thing\" happened");
  }

  @Test
  void exhaustedPortsMemoryAndDiskAreResourcesExhausted() {
    assertThat(
            errors
                .failure(
                    "starting",
                    engine500(
                        "driver failed programming external connectivity: Bind for 127.0.0.1:8080"
                            + " failed: port is already allocated"))
                .kind())
        .isEqualTo(Kind.RESOURCES_EXHAUSTED);
    assertThat(
            errors
                .failure("starting", engine500("fork/exec /usr/bin/runc: cannot allocate memory"))
                .kind())
        .isEqualTo(Kind.RESOURCES_EXHAUSTED);
    assertThat(
            errors
                .failure(
                    "importing", engine500("write /var/lib/docker/tmp/x: no space left on device"))
                .kind())
        .isEqualTo(Kind.RESOURCES_EXHAUSTED);
  }

  @Test
  void anEntrypointTheEngineCannotExecIsTheServicesFault() {
    String text =
        "OCI runtime create failed: container_linux.go:380: starting container process caused:"
            + " exec: \\\"/bin/x\\\": stat /bin/x: no such file or directory: unknown";

    RuntimeFailure f = errors.startFailure("/bin/x", engine500(text));

    assertThat(f.kind()).isEqualTo(Kind.SERVICE_INVALID);
    assertThat(f.getMessage())
        .startsWith(
            "the service's entrypoint /bin/x cannot be executed: OCI runtime create failed");
  }

  @Test
  void otherStartFailuresAreNotBlamedOnTheService() {
    RuntimeFailure f =
        errors.startFailure("/bin/x", engine500("cgroups: cannot find cgroup mount destination"));

    assertThat(f.kind()).isEqualTo(Kind.ENGINE_ERROR);
  }

  @Test
  void notFoundIsNotFound() {
    assertThat(
            errors
                .failure(
                    "inspecting", new NotFoundException("{\"message\":\"No such container: abc\"}"))
                .kind())
        .isEqualTo(Kind.NOT_FOUND);
  }

  @Test
  void socketFailuresMeanTheEngineIsUnavailable() {
    RuntimeFailure refused =
        errors.failure("listing", new RuntimeException(new ConnectException("Connection refused")));
    RuntimeFailure slow =
        errors.failure(
            "starting", new UncheckedIOException(new SocketTimeoutException("Read timed out")));

    assertThat(refused.kind()).isEqualTo(Kind.ENGINE_UNAVAILABLE);
    assertThat(refused.getMessage())
        .contains(
            "cannot reach the Docker engine at unix:///var/run/docker.sock: is dockerd running?");
    assertThat(slow.kind()).isEqualTo(Kind.ENGINE_UNAVAILABLE);
    assertThat(slow.getMessage()).contains("did not answer in time");
  }
}
