package org.celaut.node.instances;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** For any forest, stop orders put every child before its parent and reach exactly the subtree. */
class InstanceTreeProperties {

  /** parents.get(i) picks the parent of node i among nodes 0..i-1, or none. */
  private static Map<String, String> forest(List<Integer> parents) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < parents.size(); i++) {
      int p = parents.get(i);
      m.put("n" + i, i == 0 || p % (i + 1) == i ? null : "n" + (p % i));
    }
    return m;
  }

  @Property
  void everyChildIsStoppedBeforeItsParent(@ForAll @Size(max = 60) List<@IntRange(min = 0, max = 1000) Integer> parents) {
    Map<String, String> m = forest(parents);
    List<String> order = InstanceTree.stopOrderAll(m);
    assertThat(order).containsExactlyInAnyOrderElementsOf(m.keySet());
    Map<String, Integer> at = new HashMap<>();
    for (int i = 0; i < order.size(); i++) {
      at.put(order.get(i), i);
    }
    m.forEach((child, parent) -> {
      if (parent != null) {
        assertThat(at.get(child)).isLessThan(at.get(parent));
      }
    });
  }

  @Property
  void stoppingOneInstanceReachesExactlyItsSubtree(
      @ForAll @Size(min = 1, max = 60) List<@IntRange(min = 0, max = 1000) Integer> parents,
      @ForAll @IntRange(min = 0, max = 59) int pick) {
    Map<String, String> m = forest(parents);
    String root = "n" + (pick % m.size());
    Set<String> subtree = new HashSet<>();
    for (String id : m.keySet()) {
      for (String a = id; a != null; a = m.get(a)) {
        if (a.equals(root)) {
          subtree.add(id);
          break;
        }
      }
    }
    List<String> order = InstanceTree.stopOrder(root, m);
    assertThat(order).containsExactlyInAnyOrderElementsOf(subtree);
    assertThat(order.get(order.size() - 1)).isEqualTo(root);
    for (int i = 0; i < order.size(); i++) {
      String parent = m.get(order.get(i));
      if (parent != null && subtree.contains(parent)) {
        assertThat(order.indexOf(parent)).isGreaterThan(i);
      }
    }
  }
}
