package org.celaut.node.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.celaut.node.runtime.RuntimeFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An engine that does not answer is reported at once, with what to do about it. */
class DockerRuntimeConnectTest {
  @TempDir Path dir;

  @Test
  void aMissingSocketFailsFastAsEngineUnavailable() {
    String host = "unix://" + dir.resolve("no-docker-here.sock");

    assertThatThrownBy(
            () ->
                DockerRuntime.connect(DockerRuntimeConfig.defaults("node-x").withDockerHost(host)))
        .isInstanceOfSatisfying(
            RuntimeFailure.class,
            f -> {
              assertThat(f.kind()).isEqualTo(RuntimeFailure.Kind.ENGINE_UNAVAILABLE);
              assertThat(f.getMessage())
                  .startsWith(
                      "cannot reach the Docker engine at " + host + ": is dockerd running?");
            });
  }

  @Test
  void theRealEngineAnswers() throws RuntimeFailure {
    try (DockerRuntime runtime = DockerRuntime.connect(DockerRuntimeConfig.defaults("node-x"))) {
      assertThat(runtime.config().dockerHost()).isEqualTo(DockerRuntimeConfig.DEFAULT_DOCKER_HOST);
    }
  }
}
