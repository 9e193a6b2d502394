package org.celaut.node.instances;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Stopping goes depth first, children before parents, and reaches every live descendant. */
class InstanceTreeTest {

  /** r ─┬─ a ─┬─ a1
   *     │     └─ a2 ── a2x
   *     └─ b
   *  s (another root) ── s1 */
  private static Map<String, String> forest() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("r", null);
    m.put("a", "r");
    m.put("b", "r");
    m.put("a1", "a");
    m.put("a2", "a");
    m.put("a2x", "a2");
    m.put("s", null);
    m.put("s1", "s");
    return m;
  }

  @Test
  void aRootIsStoppedAfterAllItsDescendantsDepthFirst() {
    assertThat(InstanceTree.stopOrder("r", forest())).containsExactly("a1", "a2x", "a2", "a", "b", "r");
  }

  @Test
  void stoppingAnInnerInstanceLeavesItsAncestorsAndSiblings() {
    assertThat(InstanceTree.stopOrder("a2", forest())).containsExactly("a2x", "a2");
    assertThat(InstanceTree.stopOrder("b", forest())).containsExactly("b");
  }

  @Test
  void aRootUnknownToTheMapIsStillStopped() {
    assertThat(InstanceTree.stopOrder("gone", forest())).containsExactly("gone");
  }

  @Test
  void shutdownStopsEveryTreeChildrenFirst() {
    assertThat(InstanceTree.stopOrderAll(forest()))
        .containsExactly("a1", "a2x", "a2", "a", "b", "r", "s1", "s");
  }

  @Test
  void orphansAreLiveInstancesWhoseParentIsNotLive() {
    Map<String, String> m = forest();
    m.remove("a"); // a ended while the node was down
    m.remove("s");
    assertThat(InstanceTree.orphans(m)).containsExactly("a1", "a2", "s1");
    assertThat(InstanceTree.orphans(forest())).isEmpty();
  }

  @Test
  void aParentCycleCannotLoopForever() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("x", "y");
    m.put("y", "x");
    assertThat(InstanceTree.stopOrderAll(m)).containsExactlyInAnyOrder("x", "y");
    assertThat(InstanceTree.stopOrder("x", m)).containsExactly("y", "x");
  }

  @Test
  void aVeryDeepChainDoesNotOverflowTheStack() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("n0", null);
    for (int i = 1; i < 100_000; i++) {
      m.put("n" + i, "n" + (i - 1));
    }
    var order = InstanceTree.stopOrder("n0", m);
    assertThat(order).hasSize(100_000);
    assertThat(order.get(0)).isEqualTo("n99999");
    assertThat(order.get(order.size() - 1)).isEqualTo("n0");
  }
}
