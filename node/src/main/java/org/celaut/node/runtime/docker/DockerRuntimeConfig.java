package org.celaut.node.runtime.docker;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How {@link DockerRuntime} reaches and uses the Docker engine.
 *
 * @param dockerHost engine address: {@code unix:///path/to/docker.sock} or {@code tcp://host:port}
 * @param imageRepository repository part of every service image reference; images are tagged {@code
 *     <imageRepository>:<service id hex>}
 * @param nodeId this node's id, written as the owner label ({@link
 *     org.celaut.node.runtime.ContainerLabels#NODE}) on the images and networks it creates
 * @param startTimeout the longest the engine may take to answer any one call (create, copy, start,
 *     inspect, remove…); a call that takes longer fails with {@code ENGINE_UNAVAILABLE}. Image
 *     imports are exempt: their time grows with the image.
 */
public record DockerRuntimeConfig(
    String dockerHost, String imageRepository, String nodeId, Duration startTimeout) {

  /** The engine's usual socket on Linux. */
  public static final String DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";

  /** Repository of service images when none is configured. */
  public static final String DEFAULT_IMAGE_REPOSITORY = "celaut-service";

  /** Generous for a healthy engine, short enough that a hung one is noticed. */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

  // Docker's grammar for a repository path (lower case, separators between components).
  private static final Pattern REPOSITORY =
      Pattern.compile(
          "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");

  public DockerRuntimeConfig {
    Objects.requireNonNull(dockerHost, "dockerHost");
    Objects.requireNonNull(imageRepository, "imageRepository");
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(startTimeout, "startTimeout");
    String scheme = URI.create(dockerHost).getScheme();
    if (!"unix".equals(scheme) && !"tcp".equals(scheme)) {
      throw new IllegalArgumentException(
          "docker host must be unix:///path or tcp://host:port, not " + dockerHost);
    }
    if (!REPOSITORY.matcher(imageRepository).matches()) {
      throw new IllegalArgumentException(
          "image repository " + imageRepository + " is not a valid Docker repository name");
    }
    if (nodeId.isBlank()) {
      throw new IllegalArgumentException("nodeId must not be blank");
    }
    if (startTimeout.isNegative() || startTimeout.isZero()) {
      throw new IllegalArgumentException("startTimeout must be positive");
    }
  }

  /** The defaults for a node: local socket, {@value #DEFAULT_IMAGE_REPOSITORY}, 60 s. */
  public static DockerRuntimeConfig defaults(String nodeId) {
    return new DockerRuntimeConfig(
        DEFAULT_DOCKER_HOST, DEFAULT_IMAGE_REPOSITORY, nodeId, DEFAULT_START_TIMEOUT);
  }

  /** A copy with another engine address. */
  public DockerRuntimeConfig withDockerHost(String host) {
    return new DockerRuntimeConfig(host, imageRepository, nodeId, startTimeout);
  }

  /** A copy with another image repository. */
  public DockerRuntimeConfig withImageRepository(String repository) {
    return new DockerRuntimeConfig(dockerHost, repository, nodeId, startTimeout);
  }

  /** A copy with another per-call timeout. */
  public DockerRuntimeConfig withStartTimeout(Duration timeout) {
    return new DockerRuntimeConfig(dockerHost, imageRepository, nodeId, timeout);
  }
}
