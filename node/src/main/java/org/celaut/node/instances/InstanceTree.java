package org.celaut.node.instances;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.celaut.node.store.InstanceRecord;

/**
 * The parent/child tree of live instances, as pure functions over {@code id → parent id} (a
 * null or absent parent = a root). Stopping always goes children first, so no instance ever
 * outlives the one that started it, and no child is left calling a parent that is gone.
 */
public final class InstanceTree {

  private InstanceTree() {}

  /**
   * The order in which to stop {@code rootId} and everything below it: depth first, every
   * instance after all of its descendants, {@code rootId} last. Siblings keep the iteration order
   * of {@code parentOf} (oldest first when it comes from the store). Only ids in {@code parentOf}
   * are followed; {@code rootId} itself is always included.
   *
   * @param parentOf live instances: id → parent id (null for a root)
   */
  public static List<String> stopOrder(String rootId, Map<String, String> parentOf) {
    Map<String, List<String>> children = childrenOf(parentOf);
    List<String> order = new ArrayList<>();
    postOrder(rootId, children, new HashSet<>(), order);
    return order;
  }

  /**
   * The order in which to stop every instance of {@code parentOf} (node shutdown): each tree in
   * {@link #stopOrder} order, trees one after another.
   */
  public static List<String> stopOrderAll(Map<String, String> parentOf) {
    Map<String, List<String>> children = childrenOf(parentOf);
    List<String> order = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String id : parentOf.keySet()) {
      String p = parentOf.get(id);
      if (p == null || !parentOf.containsKey(p)) {
        postOrder(id, children, seen, order);
      }
    }
    // Anything not reached from a top (only a parent cycle, which the store cannot produce).
    for (String id : parentOf.keySet()) {
      postOrder(id, children, seen, order);
    }
    return order;
  }

  /**
   * Live instances whose parent is not live: the tops of subtrees that lost their parent (it
   * ended while the node was down, or its end was recorded without its children's).
   */
  public static List<String> orphans(Map<String, String> parentOf) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> e : parentOf.entrySet()) {
      if (e.getValue() != null && !parentOf.containsKey(e.getValue())) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  private static Map<String, List<String>> childrenOf(Map<String, String> parentOf) {
    Map<String, List<String>> children = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : parentOf.entrySet()) {
      if (e.getValue() != null) {
        children.computeIfAbsent(e.getValue(), k -> new ArrayList<>()).add(e.getKey());
      }
    }
    return children;
  }

  /** Iterative post-order, so a deep tree cannot overflow the stack. */
  private static void postOrder(
      String root, Map<String, List<String>> children, Set<String> seen, List<String> order) {
    if (!seen.add(root)) {
      return;
    }
    ArrayDeque<Frame> frames = new ArrayDeque<>();
    frames.push(new Frame(root, children.getOrDefault(root, List.of())));
    while (!frames.isEmpty()) {
      Frame top = frames.peek();
      if (top.next < top.kids.size()) {
        String kid = top.kids.get(top.next++);
        if (seen.add(kid)) {
          frames.push(new Frame(kid, children.getOrDefault(kid, List.of())));
        }
      } else {
        order.add(top.id);
        frames.pop();
      }
    }
  }

  private static final class Frame {
    final String id;
    final List<String> kids;
    int next;

    Frame(String id, List<String> kids) {
      this.id = id;
      this.kids = kids;
    }
  }

  /** {@code id → parent id} of records, keeping their order. */
  static Map<String, String> parentMap(Iterable<InstanceRecord> records) {
    Map<String, String> m = new LinkedHashMap<>();
    for (var r : records) {
      m.put(r.id(), r.parentId().orElse(null));
    }
    return m;
  }
}
