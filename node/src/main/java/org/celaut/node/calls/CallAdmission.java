package org.celaut.node.calls;

import java.util.Optional;

/**
 * Whether the node takes one more call: a pure decision over how many calls it is handling now,
 * so that no caller can take every thread, spool file and connection of the node, and the node
 * stays answerable to everyone else. {@link CallSlots} counts the calls and asks this.
 *
 * <p>The rules, checked in this order:
 *
 * <ol>
 *   <li>a caller (one source address) already holding {@code max-calls-per-caller} calls gets no
 *       more;
 *   <li>a node already handling {@code max-concurrent-calls} calls takes none from anyone.
 * </ol>
 *
 * The caller's own limit comes first because it is the one that caller can act on (finish or
 * cancel its other calls). A refused call is answered at once with RESOURCE_EXHAUSTED and this
 * message; an admitted one keeps its place until its handler finishes, at the latest {@code
 * input-timeout-seconds} after its caller last sent or read anything.
 */
public final class CallAdmission {

  /** Config key of {@link Limits#maxConcurrentCalls}. */
  public static final String MAX_CONCURRENT_CALLS_KEY = "max-concurrent-calls";
  /** Config key of {@link Limits#maxCallsPerCaller}. */
  public static final String MAX_CALLS_PER_CALLER_KEY = "max-calls-per-caller";

  /**
   * The node's bounds on calls.
   *
   * @param maxConcurrentCalls most calls in progress on the node
   * @param maxCallsPerCaller most calls in progress from one caller
   */
  public record Limits(int maxConcurrentCalls, int maxCallsPerCaller) {
    public Limits {
      if (maxConcurrentCalls < 1 || maxCallsPerCaller < 1) {
        throw new IllegalArgumentException(
            "call limits must be at least 1: " + maxConcurrentCalls + ", " + maxCallsPerCaller);
      }
    }
  }

  private CallAdmission() {}

  /**
   * Empty if one more call may start, else why not, in words for the caller.
   *
   * @param nodeCalls calls in progress on the node now
   * @param callerCalls calls in progress from this caller now
   * @param caller how the caller is known (its address)
   */
  public static Optional<String> refusal(int nodeCalls, int callerCalls, String caller, Limits limits) {
    if (callerCalls >= limits.maxCallsPerCaller()) {
      return Optional.of("you (" + caller + ") have " + callerCalls + " calls in progress on this node,"
          + " its limit per caller (" + MAX_CALLS_PER_CALLER_KEY + "); wait for one to finish, then retry");
    }
    if (nodeCalls >= limits.maxConcurrentCalls()) {
      return Optional.of("this node is handling " + nodeCalls + " calls, its limit ("
          + MAX_CONCURRENT_CALLS_KEY + "); retry later");
    }
    return Optional.empty();
  }
}
