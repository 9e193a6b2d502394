package org.celaut.node.instances;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * However services call each other, no admitted tree grows past the depth bound, no chain holds a
 * service twice, no instance exceeds its children bound, and a service that keeps starting itself
 * (directly or through others) is stopped after a bounded number of starts.
 */
class AdmissionProperties {

  private record Node(String id, String service, int depth, Node parent, List<Node> children) {}

  /**
   * Plays a sequence of start attempts: each picks a caller (an admitted instance, or outside when
   * the pick lands past them) and one of a few services; admitted ones join the simulated tree.
   */
  @Property(tries = 300)
  void noSequenceOfStartsExceedsTheBounds(
      @ForAll @Size(max = 200) List<@IntRange(min = 0, max = 10_000) Integer> callers,
      @ForAll @Size(max = 200) List<@IntRange(min = 0, max = 4) Integer> services,
      @ForAll @IntRange(min = 0, max = 6) int maxDepth,
      @ForAll @IntRange(min = 0, max = 5) int maxChildren) {
    Admission.Limits limits = new Admission.Limits(maxDepth, maxChildren, Long.MAX_VALUE);
    List<Node> admitted = new ArrayList<>();
    int n = Math.min(callers.size(), services.size());
    for (int i = 0; i < n; i++) {
      String service = "s" + services.get(i);
      int pick = callers.get(i) % (admitted.size() + 1);
      Node caller = pick < admitted.size() ? admitted.get(pick) : null;
      Admission a;
      try {
        a = Admission.decide(new Admission.Request(service, service, Optional.ofNullable(caller).map(AdmissionProperties::asCaller),
            "fresh", 1, 0, 0), limits);
      } catch (LaunchRefusedException e) {
        continue;
      }
      Node node = new Node("i" + i, service, a.depth(), caller, new ArrayList<>());
      if (caller != null) {
        caller.children().add(node);
      }
      admitted.add(node);
    }
    for (Node node : admitted) {
      assertThat(node.depth()).isLessThanOrEqualTo(maxDepth);
      assertThat(node.children().size()).isLessThanOrEqualTo(maxChildren);
      Set<String> seen = new HashSet<>();
      for (Node x = node; x != null; x = x.parent()) {
        assertThat(seen.add(x.service())).as("service %s twice in one chain", x.service()).isTrue();
      }
    }
  }

  @Property(tries = 50)
  void aServiceThatKeepsStartingItselfEndsWithAClearError(
      @ForAll @Size(min = 1, max = 5) List<@IntRange(min = 0, max = 4) Integer> cycle) {
    // Each instance starts the next service of the cycle, forever, until the node refuses.
    Admission.Limits limits = new Admission.Limits(8, 16, Long.MAX_VALUE);
    Node caller = null;
    int starts = 0;
    while (true) {
      String service = "s" + cycle.get(starts % cycle.size());
      try {
        Admission a = Admission.decide(new Admission.Request(service, service,
            Optional.ofNullable(caller).map(AdmissionProperties::asCaller), "fresh", 1, 0, 0), limits);
        caller = new Node("i" + starts, service, a.depth(), caller, new ArrayList<>());
        starts++;
      } catch (LaunchRefusedException e) {
        assertThat(e.getMessage()).startsWith("recursion loop: service " + service + " would start itself (");
        break;
      }
      assertThat(starts).isLessThanOrEqualTo(cycle.size());
    }
  }

  private static Admission.Caller asCaller(Node n) {
    List<Admission.Link> lineage = new ArrayList<>();
    for (Node x = n; x != null; x = x.parent()) {
      lineage.add(0, new Admission.Link(x.id(), x.service(), x.service()));
    }
    return new Admission.Caller(n.id(), n.depth(), "tree", lineage, n.children().size());
  }
}
