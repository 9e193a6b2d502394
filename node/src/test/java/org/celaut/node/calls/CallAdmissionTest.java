package org.celaut.node.calls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Which calls the node takes: per caller first, then the node as a whole. */
class CallAdmissionTest {

  static final CallAdmission.Limits LIMITS = new CallAdmission.Limits(256, 32);

  @Test
  void aCallUnderBothLimitsGoesAhead() {
    assertThat(CallAdmission.refusal(255, 31, "10.0.0.7", LIMITS)).isEmpty();
  }

  @Test
  void aCallerAtItsLimitIsToldItsOwnCount() {
    assertThat(CallAdmission.refusal(40, 32, "10.0.0.7", LIMITS)).contains("you (10.0.0.7) have 32 calls in"
        + " progress on this node, its limit per caller (max-calls-per-caller); wait for one to finish, then retry");
  }

  @Test
  void aFullNodeRefusesEveryone() {
    assertThat(CallAdmission.refusal(256, 0, "10.0.0.8", LIMITS))
        .contains("this node is handling 256 calls, its limit (max-concurrent-calls); retry later");
  }

  @Test
  void theCallersOwnLimitIsNamedFirstItIsTheOneItCanActOn() {
    assertThat(CallAdmission.refusal(256, 32, "10.0.0.7", LIMITS).orElseThrow()).startsWith("you (10.0.0.7)");
  }

  @Test
  void limitsBelowOneAreRefused() {
    assertThatThrownBy(() -> new CallAdmission.Limits(0, 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void slotsCountPerSourceAddressAndFreeOnClose() throws Exception {
    CallSlots slots = new CallSlots(new CallAdmission.Limits(3, 2));
    InetSocketAddress a1 = new InetSocketAddress("10.0.0.1", 5000);
    InetSocketAddress a2 = new InetSocketAddress("10.0.0.1", 5001); // same caller, another port
    InetSocketAddress b = new InetSocketAddress("10.0.0.2", 5000);
    CallSlots.Slot first = slots.acquire(a1);
    slots.acquire(a2);
    assertThatThrownBy(() -> slots.acquire(a1)).isInstanceOf(TooManyCallsException.class)
        .hasMessageContaining("you (10.0.0.1) have 2 calls");
    slots.acquire(b);
    assertThatThrownBy(() -> slots.acquire(new InetSocketAddress("10.0.0.3", 1)))
        .hasMessageContaining("this node is handling 3 calls");
    first.close();
    first.close(); // closing twice frees one place, not two
    assertThat(slots.inProgress()).isEqualTo(2);
    slots.acquire(a1);
    assertThatThrownBy(() -> slots.acquire(a1)).isInstanceOf(TooManyCallsException.class);
  }
}
