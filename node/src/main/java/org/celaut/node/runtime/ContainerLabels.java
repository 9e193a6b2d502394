package org.celaut.node.runtime;

/**
 * Labels every container and network of a node carries. They are public (anyone with engine
 * access can read them), so they hold ids, never instance tokens.
 */
public final class ContainerLabels {
  /** The id of the node that owns the object. */
  public static final String NODE = "org.celaut.node";
  /** The instance id (not its secret token). */
  public static final String INSTANCE = "org.celaut.instance";
  /** The service id, hex. */
  public static final String SERVICE = "org.celaut.service";

  private ContainerLabels() {}
}
