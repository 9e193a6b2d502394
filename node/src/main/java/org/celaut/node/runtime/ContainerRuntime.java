package org.celaut.node.runtime;

import java.util.List;
import java.util.Optional;

/**
 * The seam between the node and whatever runs containers. Docker is the first implementation
 * ({@link org.celaut.node.runtime.docker.DockerRuntime}); the node never talks to an engine any
 * other way, so another engine can be added without touching the node.
 *
 * <p>Every method throws {@link RuntimeFailure} with a message a maintainer can act on. Every
 * container this runtime creates carries the labels of {@link ContainerLabels} so the node can
 * find, after a crash, what it owns.
 */
public interface ContainerRuntime extends AutoCloseable {

  /**
   * Makes sure the image of a service exists, building it once from the service's filesystem
   * (cached by service id: a second call for the same id does nothing). Returns the image
   * reference to pass to {@link #start}.
   */
  String ensureImage(ImageSource source) throws RuntimeFailure;

  /** True if the image of this service is already built. */
  boolean hasImage(String serviceIdHex) throws RuntimeFailure;

  /**
   * Makes sure the node's own network exists (created with the owner label if missing) and says
   * how containers on it reach the host.
   */
  NodeNetwork ensureNetwork(String networkName) throws RuntimeFailure;

  /**
   * Creates and starts one container. The config file is in place before the entrypoint runs.
   * If anything fails after the container was created, the container is removed before this
   * throws: a failed start leaks nothing.
   */
  StartedContainer start(ContainerSpec spec) throws RuntimeFailure;

  /**
   * Changes the limits of a running container in place, without restarting it. A value of 0
   * leaves that limit as it is. Memory swap is set equal to memory, as {@link #start} does, so the
   * limit is a limit and not a hint before swapping.
   *
   * @param memLimitBytes new memory limit
   * @param cpuPeriodMicros new CFS period
   * @param cpuQuotaMicros new CFS quota
   * @throws RuntimeFailure {@code NOT_FOUND} if the container is gone; {@code RESOURCES_EXHAUSTED}
   *     if the engine cannot give that much; {@code ENGINE_ERROR} if this runtime cannot change
   *     limits of a running container at all
   */
  default void update(String containerId, long memLimitBytes, long cpuPeriodMicros, long cpuQuotaMicros)
      throws RuntimeFailure {
    throw new RuntimeFailure(RuntimeFailure.Kind.ENGINE_ERROR,
        getClass().getSimpleName() + " cannot change the limits of a running container");
  }

  /** Every image carrying this node's owner label, for the disk garbage collector. */
  default List<OwnedImage> listImages() throws RuntimeFailure {
    return List.of();
  }

  /**
   * Removes an image, never by force: if a container (running or not) still uses it, nothing is
   * removed and this throws {@code ENGINE_ERROR} with the engine's reason. An image that is
   * already gone is not an error.
   */
  default void removeImage(String ref) throws RuntimeFailure {
    throw new RuntimeFailure(RuntimeFailure.Kind.ENGINE_ERROR,
        getClass().getSimpleName() + " cannot remove images");
  }

  /** Stops and removes a container; a container that is already gone is not an error. */
  void remove(String containerId) throws RuntimeFailure;

  /** The state of a container, or empty if it no longer exists. */
  Optional<ContainerState> inspect(String containerId) throws RuntimeFailure;

  /** Every container (running or not) labelled as owned by this node. */
  List<OwnedContainer> listOwned(String nodeId) throws RuntimeFailure;

  /** The last {@code tailLines} lines of a container's output (stdout and stderr). */
  String logs(String containerId, int tailLines) throws RuntimeFailure;

  /** One sample of resource use. */
  ContainerStats stats(String containerId) throws RuntimeFailure;

  /** Releases connections to the engine. */
  @Override
  void close();
}
