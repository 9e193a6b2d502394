package org.celaut.node.instances;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.celaut.node.runtime.OwnedContainer;
import org.celaut.node.store.InstanceRecord;
import org.celaut.node.store.InstanceState;

/**
 * What a starting node does with the instances its database records as live and the containers
 * the engine holds with its label: a pure decision over those facts, so that every case, and
 * what the instance's end reason tells its owner, is testable alone. {@link
 * InstanceManager#reconcile()} gathers the facts and carries the plan out.
 *
 * <p>The rules:
 *
 * <ol>
 *   <li>an instance recorded RUNNING whose recorded container still runs is adopted, and that
 *       container kept;
 *   <li>every other container with this node's label is removed: a start the node did not
 *       finish, an exited container, one whose instance has ended, one the database never knew;
 *   <li>an instance recorded STARTING ends: the node stopped while it was starting. Its reason
 *       says whether an unfinished container was found (and removed) or none had been made yet;
 *   <li>an instance recorded RUNNING whose container has exited ends, saying so with the exit
 *       code when the engine knows it;
 *   <li>an instance recorded RUNNING whose container no longer exists ends, saying that it
 *       vanished.
 * </ol>
 *
 * @param adopt instances adopted, with the containers kept for them
 * @param remove containers to remove
 * @param end instances to end, each with the reason recorded for it, in the order of the facts
 */
public record Reconciliation(List<String> adopt, List<String> remove, Map<String, String> end) {

  /**
   * What the engine says about the container of one instance.
   *
   * @param containerId its id
   * @param running whether its process runs
   * @param exitCode its exit code once exited, if the engine said
   */
  public record Found(String containerId, boolean running, OptionalInt exitCode) {}

  /** What happens to one live instance. */
  public sealed interface Outcome {
    /** It keeps running under this node. */
    record Adopt() implements Outcome {}

    /** It has ended, for {@code reason}. */
    record End(String reason) implements Outcome {}
  }

  public Reconciliation {
    adopt = List.copyOf(adopt);
    remove = List.copyOf(remove);
    end = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(end));
  }

  /**
   * The outcome for one instance recorded live.
   *
   * @param state its recorded state (STARTING or RUNNING)
   * @param recordedContainer the container recorded for it, if any
   * @param found the container with its label the engine holds (the recorded one if it exists)
   */
  public static Outcome decide(InstanceState state, Optional<String> recordedContainer, Optional<Found> found) {
    if (state == InstanceState.STARTING) {
      return new Outcome.End(found.isPresent()
          ? "the node stopped while this instance was starting; its unfinished container was removed at the next start"
          : "the node stopped while this instance was starting, before its container was created");
    }
    Optional<Found> recorded = found.filter(f -> recordedContainer.map(f.containerId()::equals).orElse(false));
    if (recorded.isEmpty()) {
      return new Outcome.End(recordedContainer
          .map(c -> "its container " + shortId(c) + " no longer existed when the node started again (removed"
              + " outside the node, or the node stopped in the middle of stopping it)")
          .orElse("no container was recorded for it when the node started again"));
    }
    if (recorded.get().running()) {
      return new Outcome.Adopt();
    }
    OptionalInt code = recorded.get().exitCode();
    return new Outcome.End("its container had exited" + (code.isPresent() ? " (exit code " + code.getAsInt() + ")" : "")
        + " by the time the node started again; the container was removed");
  }

  /**
   * The whole plan.
   *
   * @param alive instances the database records as live (STARTING or RUNNING)
   * @param owned containers with this node's label
   * @param exitCodes exit codes the engine reported, by container id
   */
  public static Reconciliation plan(List<InstanceRecord> alive, List<OwnedContainer> owned, Map<String, Integer> exitCodes) {
    Map<String, List<OwnedContainer>> byInstance = new LinkedHashMap<>();
    for (OwnedContainer c : owned) {
      byInstance.computeIfAbsent(c.instanceId(), k -> new ArrayList<>()).add(c);
    }
    List<String> adopt = new ArrayList<>();
    Set<String> kept = new HashSet<>();
    Map<String, String> end = new LinkedHashMap<>();
    for (InstanceRecord r : alive) {
      List<OwnedContainer> mine = byInstance.getOrDefault(r.id(), List.of());
      Optional<OwnedContainer> pick = mine.stream()
          .filter(c -> r.containerId().map(c.containerId()::equals).orElse(false))
          .findFirst()
          .or(() -> mine.stream().findFirst());
      Optional<Found> found = pick.map(c -> new Found(c.containerId(), c.running(),
          exitCodes.containsKey(c.containerId()) ? OptionalInt.of(exitCodes.get(c.containerId())) : OptionalInt.empty()));
      Outcome o = decide(r.state(), r.containerId(), found);
      if (o instanceof Outcome.End e) {
        end.put(r.id(), e.reason());
      } else {
        adopt.add(r.id());
        kept.add(pick.orElseThrow().containerId());
      }
    }
    List<String> remove = new ArrayList<>();
    for (OwnedContainer c : owned) {
      if (!kept.contains(c.containerId())) {
        remove.add(c.containerId());
      }
    }
    return new Reconciliation(adopt, remove, end);
  }

  private static String shortId(String containerId) {
    return containerId.length() > 12 ? containerId.substring(0, 12) : containerId;
  }
}
