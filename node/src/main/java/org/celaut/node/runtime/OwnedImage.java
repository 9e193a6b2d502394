package org.celaut.node.runtime;

/**
 * An image carrying this node's owner label: one it built from a service.
 *
 * @param ref how to name it to the engine (its tag, or its id if it has none)
 * @param serviceIdHex value of {@link ContainerLabels#SERVICE}
 * @param sizeBytes its size as the engine reports it
 * @param current true if it is the image the runtime would run this service from now (not one
 *     left under an older name)
 */
public record OwnedImage(String ref, String serviceIdHex, long sizeBytes, boolean current) {}
