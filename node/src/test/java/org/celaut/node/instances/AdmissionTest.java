package org.celaut.node.instances;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which starts the node admits, and where the new instance sits in its tree. */
class AdmissionTest {

  static final String A = "a".repeat(64);
  static final String B = "b".repeat(64);
  static final String C = "c".repeat(64);
  static final Admission.Limits LIMITS = new Admission.Limits(8, 16, 1L << 30);

  private static Admission.Link link(String instance, String service, String tag) {
    return new Admission.Link(instance, service, Admission.label(tag, service));
  }

  private static Admission.Request outside(String service) {
    return new Admission.Request(service, Admission.label("x", service), Optional.empty(), "tree-fresh", 32L << 20, 0, 0);
  }

  private static Admission.Request child(String service, String tag, Admission.Caller caller) {
    return new Admission.Request(service, Admission.label(tag, service), Optional.of(caller), "tree-fresh", 32L << 20, 0, 0);
  }

  @Test
  void aStartFromOutsideIsARootOfItsOwnTree() throws Exception {
    Admission a = Admission.decide(outside(A), LIMITS);
    assertThat(a).isEqualTo(new Admission(Optional.empty(), 0, "tree-fresh"));
  }

  @Test
  void aChildJoinsItsParentsTreeOneLevelDeeper() throws Exception {
    Admission.Caller parent = new Admission.Caller("i1", 2, "tree-of-parent",
        List.of(link("i0", C, "root"), link("x", C, "root"), link("i1", A, "a")), 3);
    Admission a = Admission.decide(child(B, "b", parent), LIMITS);
    assertThat(a).isEqualTo(new Admission(Optional.of("i1"), 3, "tree-of-parent"));
  }

  @Test
  void aChildOfAnInstanceRecordedBeforeTreesGetsAFreshTree() throws Exception {
    Admission.Caller parent = new Admission.Caller("i1", 0, "", List.of(link("i1", A, "a")), 0);
    assertThat(Admission.decide(child(B, "b", parent), LIMITS).treeToken()).isEqualTo("tree-fresh");
  }

  @Test
  void aServiceStartingItselfIsRefusedNamingTheLoop() {
    Admission.Caller self = new Admission.Caller("i1", 0, "t", List.of(link("i1", A, "relay")), 0);
    assertThatThrownBy(() -> Admission.decide(child(A, "relay", self), LIMITS))
        .isInstanceOfSatisfying(LaunchRefusedException.class, e -> {
          assertThat(e.kind()).isEqualTo(LaunchRefusedException.Kind.FORBIDDEN);
          assertThat(e.getMessage()).isEqualTo("recursion loop: service " + A
              + " would start itself (relay/aaaaaaaaaaaa → relay/aaaaaaaaaaaa)");
        });
  }

  @Test
  void aCycleThroughOtherServicesIsRefusedFromWhereItBegins() {
    Admission.Caller b = new Admission.Caller("i2", 2, "t",
        List.of(link("i0", C, "top"), link("i1", A, "a"), link("i2", B, "b")), 0);
    assertThatThrownBy(() -> Admission.decide(child(A, "a", b), LIMITS))
        .hasMessage("recursion loop: service " + A
            + " would start itself (a/aaaaaaaaaaaa → b/bbbbbbbbbbbb → a/aaaaaaaaaaaa)");
  }

  @Test
  void aChildBeyondTheDepthBoundIsRefusedNamingTheKey() {
    Admission.Caller deep = new Admission.Caller("i8", 8, "t", List.of(link("i8", A, "a")), 0);
    assertThatThrownBy(() -> Admission.decide(child(B, "b", deep), LIMITS))
        .isInstanceOfSatisfying(LaunchRefusedException.class, e -> {
          assertThat(e.kind()).isEqualTo(LaunchRefusedException.Kind.FORBIDDEN);
          assertThat(e.getMessage()).contains("depth 9").contains("8").contains("max-child-depth").contains("i8");
        });
    Admission.Caller atSeven = new Admission.Caller("i7", 7, "t", List.of(link("i7", A, "a")), 0);
    assertThat(catchDepth(atSeven)).isEqualTo(8);
  }

  private static int catchDepth(Admission.Caller c) {
    try {
      return Admission.decide(child(B, "b", c), LIMITS).depth();
    } catch (LaunchRefusedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void depthZeroAllowsNoChildrenAtAll() {
    Admission.Caller root = new Admission.Caller("i0", 0, "t", List.of(link("i0", A, "a")), 0);
    assertThatThrownBy(() -> Admission.decide(child(B, "b", root), new Admission.Limits(0, 16, 1L << 30)))
        .hasMessageContaining("max-child-depth");
  }

  @Test
  void aCallerWithAllItsChildrenGetsNoMore() {
    Admission.Caller busy = new Admission.Caller("i1", 0, "t", List.of(link("i1", A, "a")), 16);
    assertThatThrownBy(() -> Admission.decide(child(B, "b", busy), LIMITS))
        .isInstanceOfSatisfying(LaunchRefusedException.class, e -> {
          assertThat(e.kind()).isEqualTo(LaunchRefusedException.Kind.NO_CAPACITY);
          assertThat(e.getMessage()).contains("16").contains("max-children-per-instance").contains("i1");
        });
  }

  @Test
  void aStartBeyondTheMemoryBudgetIsRefusedWithItsNumbers() {
    Admission.Request r = new Admission.Request(A, "a", Optional.empty(), "t", 300, 800, 5);
    assertThatThrownBy(() -> Admission.decide(r, new Admission.Limits(8, 16, 1000)))
        .isInstanceOfSatisfying(LaunchRefusedException.class, e -> {
          assertThat(e.kind()).isEqualTo(LaunchRefusedException.Kind.NO_CAPACITY);
          assertThat(e.getMessage()).contains("5 live instance(s) hold 800 bytes").contains("300 more")
              .contains("1000").contains("max-total-mem-bytes");
        });
    Admission.Request fits = new Admission.Request(A, "a", Optional.empty(), "t", 200, 800, 5);
    assertThat(catchOk(fits, new Admission.Limits(8, 16, 1000))).isNotNull();
    Admission.Request over = new Admission.Request(A, "a", Optional.empty(), "t", 1, 5000, 5);
    assertThatThrownBy(() -> Admission.decide(over, new Admission.Limits(8, 16, 1000)))
        .as("a node already over its budget takes nothing").isInstanceOf(LaunchRefusedException.class);
  }

  private static Admission catchOk(Admission.Request r, Admission.Limits l) {
    try {
      return Admission.decide(r, l);
    } catch (LaunchRefusedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aLoopIsReportedBeforeTheDepthBound() {
    Admission.Caller deepSelf = new Admission.Caller("i8", 8, "t", List.of(link("i8", A, "a")), 99);
    assertThatThrownBy(() -> Admission.decide(child(A, "a", deepSelf), LIMITS)).hasMessageStartingWith("recursion loop");
  }

  @Test
  void labelsAreTagAndShortId() {
    assertThat(Admission.label("relay", A)).isEqualTo("relay/aaaaaaaaaaaa");
    assertThat(Admission.label("", A)).isEqualTo("aaaaaaaaaaaa");
    assertThat(Admission.label("aaaaaaaaaaaa", A)).as("a tag that is the short id").isEqualTo("aaaaaaaaaaaa");
  }
}
