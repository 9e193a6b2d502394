package org.celaut.node.instances;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether a start may go ahead, and where the new instance sits in its tree: a pure decision
 * over what the store says, so every rule is testable alone. {@link InstanceManager} gathers the
 * facts and records the result in one step, under one lock.
 *
 * <p>The rules, checked in this order:
 *
 * <ol>
 *   <li>a child whose service already appears in its caller's chain of ancestors (the caller
 *       included) would start itself: refused, naming the chain;
 *   <li>a child deeper than {@code max-child-depth} is refused;
 *   <li>a caller holding {@code max-children-per-instance} live children gets no more;
 *   <li>the memory of every live instance plus this one must fit in {@code max-total-mem-bytes}.
 * </ol>
 *
 * Together the first two end any service that starts itself, directly or through a cycle of
 * other services, with a clear error instead of exhausting the node.
 *
 * @param parentId the caller, for a child
 * @param depth 0 for a start from outside, the caller's depth + 1 for a child
 * @param treeToken the tree it belongs to: the caller's for a child
 */
public record Admission(Optional<String> parentId, int depth, String treeToken) {

  /** Config key of {@link Limits#maxChildDepth}. */
  public static final String MAX_CHILD_DEPTH_KEY = "max-child-depth";
  /** Config key of {@link Limits#maxChildrenPerInstance}. */
  public static final String MAX_CHILDREN_KEY = "max-children-per-instance";
  /** Config key of {@link Limits#maxTotalMemBytes}. */
  public static final String MAX_TOTAL_MEM_KEY = "max-total-mem-bytes";

  /**
   * The node's bounds.
   *
   * @param maxChildDepth deepest a child may be (a root is at 0; 0 allows no children)
   * @param maxChildrenPerInstance most live children one instance may hold
   * @param maxTotalMemBytes most memory all live instances together may hold
   */
  public record Limits(int maxChildDepth, int maxChildrenPerInstance, long maxTotalMemBytes) {
    public Limits {
      if (maxChildDepth < 0 || maxChildrenPerInstance < 0 || maxTotalMemBytes <= 0) {
        throw new IllegalArgumentException("limits must not be negative: " + maxChildDepth + ", "
            + maxChildrenPerInstance + ", " + maxTotalMemBytes);
      }
    }
  }

  /**
   * One instance of a lineage.
   *
   * @param instanceId its id
   * @param serviceId its service's id (hex)
   * @param label how a person recognises its service: {@code tag/short id}
   */
  public record Link(String instanceId, String serviceId, String label) {}

  /**
   * The live local instance asking for a child.
   *
   * @param instanceId its id
   * @param depth its depth
   * @param treeToken its tree (empty for instances recorded before trees existed)
   * @param lineage root first, the caller itself last
   * @param liveChildren how many live children it has now
   */
  public record Caller(String instanceId, int depth, String treeToken, List<Link> lineage, int liveChildren) {
    public Caller {
      lineage = List.copyOf(lineage);
    }
  }

  /**
   * A start to decide.
   *
   * @param serviceId the service to start (hex)
   * @param serviceLabel its {@code tag/short id}
   * @param caller the local instance asking, or empty for a start from outside
   * @param outsideTreeToken the tree of a start from outside (the guard's token or a fresh one);
   *     also the tree of a child whose caller has none recorded
   * @param memAskedBytes memory the new instance starts with
   * @param memInUseBytes memory all live instances hold now
   * @param liveInstances how many live instances hold it
   */
  public record Request(
      String serviceId,
      String serviceLabel,
      Optional<Caller> caller,
      String outsideTreeToken,
      long memAskedBytes,
      long memInUseBytes,
      int liveInstances) {}

  /**
   * Decides {@code r} under {@code limits}.
   *
   * @throws LaunchRefusedException FORBIDDEN for a loop or the depth bound, NO_CAPACITY for the
   *     children bound or the memory budget; the message names the limit and its config key
   */
  public static Admission decide(Request r, Limits limits) throws LaunchRefusedException {
    Optional<String> parent = Optional.empty();
    int depth = 0;
    String tree = r.outsideTreeToken();
    if (r.caller().isPresent()) {
      Caller c = r.caller().get();
      checkNoLoop(r.serviceId(), r.serviceLabel(), c.lineage());
      depth = c.depth() + 1;
      if (depth > limits.maxChildDepth()) {
        throw new LaunchRefusedException(LaunchRefusedException.Kind.FORBIDDEN,
            "child depth limit: instance " + c.instanceId() + " is at depth " + c.depth()
                + ", so a child of it would be at depth " + depth + ", beyond the " + limits.maxChildDepth()
                + " this node allows (config key " + MAX_CHILD_DEPTH_KEY + ")");
      }
      if (c.liveChildren() >= limits.maxChildrenPerInstance()) {
        throw new LaunchRefusedException(LaunchRefusedException.Kind.NO_CAPACITY,
            "children limit: instance " + c.instanceId() + " already has " + c.liveChildren()
                + " live child(ren), the most this node allows per instance is "
                + limits.maxChildrenPerInstance() + " (config key " + MAX_CHILDREN_KEY
                + "); stop one of them first");
      }
      parent = Optional.of(c.instanceId());
      if (!c.treeToken().isEmpty()) {
        tree = c.treeToken();
      }
    }
    if (r.memAskedBytes() > limits.maxTotalMemBytes() - Math.min(r.memInUseBytes(), limits.maxTotalMemBytes())) {
      throw new LaunchRefusedException(LaunchRefusedException.Kind.NO_CAPACITY,
          memoryFull(r.memInUseBytes(), r.liveInstances(), r.memAskedBytes(), limits.maxTotalMemBytes()));
    }
    return new Admission(parent, depth, tree);
  }

  /**
   * Refuses a start of {@code serviceId} by the last instance of {@code lineage} if that service
   * already runs anywhere in the lineage.
   */
  static void checkNoLoop(String serviceId, String serviceLabel, List<Link> lineage)
      throws LaunchRefusedException {
    for (int i = 0; i < lineage.size(); i++) {
      if (lineage.get(i).serviceId().equals(serviceId)) {
        List<String> chain = new ArrayList<>();
        for (Link l : lineage.subList(i, lineage.size())) {
          chain.add(l.label());
        }
        chain.add(serviceLabel);
        throw new LaunchRefusedException(LaunchRefusedException.Kind.FORBIDDEN,
            "recursion loop: service " + serviceId + " would start itself (" + String.join(" → ", chain) + ")");
      }
    }
  }

  /** How a person recognises a service: {@code tag/short id}, or the short id alone. */
  public static String label(String tag, String serviceId) {
    String shortId = serviceId.length() > 12 ? serviceId.substring(0, 12) : serviceId;
    return tag == null || tag.isEmpty() || tag.equals(shortId) ? shortId : tag + "/" + shortId;
  }

  static String memoryFull(long inUse, int instances, long asked, long max) {
    return "not enough memory on this node: " + instances + " live instance(s) hold " + inUse
        + " bytes, this needs " + asked + " more, and all instances together may hold at most " + max
        + " bytes (config key " + MAX_TOTAL_MEM_KEY + ")";
  }
}
