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
 * @param logMaxBytes size at which a container's log file (json-file driver) is rotated
 * @param logFiles how many log files a container keeps, the current one included; its output
 *     on disk is bounded by {@code logMaxBytes * logFiles}
 */
public record DockerRuntimeConfig(
    String dockerHost,
    String imageRepository,
    String nodeId,
    Duration startTimeout,
    long logMaxBytes,
    int logFiles) {

  /** The engine's usual socket on Linux. */
  public static final String DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";

  /**
   * Prefix of the image repository: a node's images are {@code celaut-service-<node id>:<service
   * id>}, so two nodes on one engine never share (and never remove) each other's images.
   */
  public static final String DEFAULT_IMAGE_REPOSITORY = "celaut-service";

  /** Size at which a container's log is rotated when none is configured. */
  public static final long DEFAULT_LOG_MAX_BYTES = 10L << 20;

  /** Log files a container keeps when none is configured: with 10 MiB each, 30 MiB at most. */
  public static final int DEFAULT_LOG_FILES = 3;

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
    if (logMaxBytes < 1024 || logFiles < 1) {
      throw new IllegalArgumentException("container logs need at least 1 KiB and 1 file, got "
          + logMaxBytes + " bytes and " + logFiles + " file(s)");
    }
  }

  /**
   * The defaults for a node: local socket, images in {@code celaut-service-<node id>} (the node id
   * in lower case), 60 s per call, logs rotated at 10 MiB with 3 files kept.
   */
  public static DockerRuntimeConfig defaults(String nodeId) {
    return new DockerRuntimeConfig(
        DEFAULT_DOCKER_HOST,
        DEFAULT_IMAGE_REPOSITORY + "-" + nodeId.toLowerCase(java.util.Locale.ROOT),
        nodeId,
        DEFAULT_START_TIMEOUT,
        DEFAULT_LOG_MAX_BYTES,
        DEFAULT_LOG_FILES);
  }

  /** A copy with another engine address. */
  public DockerRuntimeConfig withDockerHost(String host) {
    return new DockerRuntimeConfig(host, imageRepository, nodeId, startTimeout, logMaxBytes, logFiles);
  }

  /** A copy with another image repository. */
  public DockerRuntimeConfig withImageRepository(String repository) {
    return new DockerRuntimeConfig(dockerHost, repository, nodeId, startTimeout, logMaxBytes, logFiles);
  }

  /** A copy with another per-call timeout. */
  public DockerRuntimeConfig withStartTimeout(Duration timeout) {
    return new DockerRuntimeConfig(dockerHost, imageRepository, nodeId, timeout, logMaxBytes, logFiles);
  }

  /** A copy with another log rotation. */
  public DockerRuntimeConfig withLogRotation(long maxBytes, int files) {
    return new DockerRuntimeConfig(dockerHost, imageRepository, nodeId, startTimeout, maxBytes, files);
  }
}
