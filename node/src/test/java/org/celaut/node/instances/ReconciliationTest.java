package org.celaut.node.instances;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.celaut.node.runtime.OwnedContainer;
import org.celaut.node.store.InstanceRecord;
import org.celaut.node.store.InstanceState;
import org.junit.jupiter.api.Test;

/** What a starting node does with each instance it recorded live, and what it tells its owner. */
class ReconciliationTest {

  private static final String C = "c0ffee0123456789abcdef";

  private static Reconciliation.Outcome decide(InstanceState state, Optional<String> recorded,
      Reconciliation.Found found) {
    return Reconciliation.decide(state, recorded, Optional.ofNullable(found));
  }

  @Test
  void aRunningInstanceWhoseContainerRunsIsAdopted() {
    assertThat(decide(InstanceState.RUNNING, Optional.of(C), new Reconciliation.Found(C, true, OptionalInt.empty())))
        .isEqualTo(new Reconciliation.Outcome.Adopt());
  }

  @Test
  void anInstanceCaughtStartingSaysTheNodeStoppedAndItsContainerWasRemoved() {
    assertThat(decide(InstanceState.STARTING, Optional.empty(), new Reconciliation.Found(C, false, OptionalInt.of(0))))
        .isEqualTo(new Reconciliation.Outcome.End("the node stopped while this instance was starting;"
            + " its unfinished container was removed at the next start"));
    // Even a container that already runs: the start was never answered, nobody holds its token.
    assertThat(decide(InstanceState.STARTING, Optional.empty(), new Reconciliation.Found(C, true, OptionalInt.empty())))
        .isEqualTo(new Reconciliation.Outcome.End("the node stopped while this instance was starting;"
            + " its unfinished container was removed at the next start"));
  }

  @Test
  void anInstanceCaughtStartingBeforeItHadAContainerSaysSo() {
    assertThat(decide(InstanceState.STARTING, Optional.empty(), null))
        .isEqualTo(new Reconciliation.Outcome.End(
            "the node stopped while this instance was starting, before its container was created"));
  }

  @Test
  void aRunningInstanceWhoseContainerExitedSaysSoWithItsExitCode() {
    assertThat(decide(InstanceState.RUNNING, Optional.of(C), new Reconciliation.Found(C, false, OptionalInt.of(137))))
        .isEqualTo(new Reconciliation.Outcome.End("its container had exited (exit code 137) by the time the node"
            + " started again; the container was removed"));
    assertThat(decide(InstanceState.RUNNING, Optional.of(C), new Reconciliation.Found(C, false, OptionalInt.empty())))
        .isEqualTo(new Reconciliation.Outcome.End("its container had exited by the time the node"
            + " started again; the container was removed"));
  }

  @Test
  void aRunningInstanceWhoseContainerVanishedSaysSo() {
    String vanished = "its container c0ffee012345 no longer existed when the node started again (removed outside"
        + " the node, or the node stopped in the middle of stopping it)";
    assertThat(decide(InstanceState.RUNNING, Optional.of(C), null)).isEqualTo(new Reconciliation.Outcome.End(vanished));
    // Another container carrying its label is not its container.
    assertThat(decide(InstanceState.RUNNING, Optional.of(C), new Reconciliation.Found("other", true, OptionalInt.empty())))
        .isEqualTo(new Reconciliation.Outcome.End(vanished));
  }

  @Test
  void thePlanKeepsOnlyAdoptedContainersAndEndsTheRestInOrder() {
    InstanceRecord running = Records.record("run", null, null, 1, InstanceState.RUNNING);
    InstanceRecord exited = Records.record("exit", null, null, 2, InstanceState.RUNNING);
    InstanceRecord gone = Records.record("gone", null, null, 3, InstanceState.RUNNING);
    InstanceRecord starting = Records.record("half", null, null, 4, InstanceState.STARTING);
    List<OwnedContainer> owned = List.of(
        new OwnedContainer("c-run", "run", "svc", true),
        new OwnedContainer("c-exit", "exit", "svc", false),
        new OwnedContainer("c-half", "half", "svc", false),
        new OwnedContainer("c-stray", "ended-long-ago", "svc", true));
    Reconciliation plan = Reconciliation.plan(List.of(running, exited, gone, starting), owned, Map.of("c-exit", 3));
    assertThat(plan.adopt()).containsExactly("run");
    assertThat(plan.remove()).containsExactly("c-exit", "c-half", "c-stray");
    assertThat(plan.end()).containsOnlyKeys("exit", "gone", "half");
    assertThat(plan.end().keySet()).containsExactly("exit", "gone", "half");
    assertThat(plan.end().get("exit")).contains("exited (exit code 3)");
    assertThat(plan.end().get("gone")).contains("no longer existed");
    assertThat(plan.end().get("half")).contains("unfinished container was removed");
  }
}
