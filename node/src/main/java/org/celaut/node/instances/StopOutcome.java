package org.celaut.node.instances;

import java.time.Instant;
import java.util.List;

/**
 * What a stop found and did. The caller answers from it without asking the store again, so what
 * it tells its own caller is what the stop saw.
 */
public sealed interface StopOutcome {

  /**
   * The instance was live and is now ended, with its live descendants.
   *
   * @param instance the instance as it was before the stop
   * @param descendantIds the live descendants stopped with it, children before parents
   */
  record Stopped(org.celaut.node.store.InstanceRecord instance, List<String> descendantIds) implements StopOutcome {
    public Stopped {
      descendantIds = List.copyOf(descendantIds);
    }
  }

  /**
   * The instance had ended before this stop: nothing was stopped.
   *
   * @param instance its record, with when ({@code endedAtMillis}) and why ({@code endReason})
   */
  record AlreadyEnded(org.celaut.node.store.InstanceRecord instance) implements StopOutcome {
    /** For the caller: "instance 3f2a… had already ended at 2026-…: its reason; nothing was stopped". */
    public String message() {
      return "instance " + instance.id() + " had already ended at " + Instant.ofEpochMilli(instance.endedAtMillis())
          + ": " + (instance.endReason().isEmpty() ? "no reason was recorded" : instance.endReason())
          + "; nothing was stopped";
    }
  }

  /** No instance this node ever recorded matches: nothing was stopped. */
  record Unknown() implements StopOutcome {}
}
