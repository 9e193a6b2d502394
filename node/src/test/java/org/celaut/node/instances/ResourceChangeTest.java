package org.celaut.node.instances;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.celaut.proto.celaut.Sysresources;
import org.junit.jupiter.api.Test;

/** What a running instance may change its resources to. */
class ResourceChangeTest {

  static final long MIB = 1L << 20;
  static final ResourceChange.Limits NOW = new ResourceChange.Limits(32 * MIB, 0, 0);
  static final Sysresources AT_INIT = Sysresources.newBuilder().setMemLimit(32 * MIB).build();
  static final Sysresources AT_MOST = Sysresources.newBuilder().setMemLimit(64 * MIB)
      .setCpuQuota(100_000).setCpuPeriod(100_000).build();
  static final long BUDGET = 1024 * MIB;

  private static Sysresources mem(long bytes) {
    return Sysresources.newBuilder().setMemLimit(bytes).build();
  }

  private static ResourceChange.Limits decide(Sysresources asked) throws ResourceChangeRefusedException {
    return ResourceChange.decide(NOW, asked, AT_INIT, AT_MOST, 0, 0, BUDGET);
  }

  private static ResourceChangeRefusedException refusal(Sysresources asked, long others, long budget) {
    try {
      ResourceChange.decide(NOW, asked, AT_INIT, AT_MOST, others, 3, budget);
    } catch (ResourceChangeRefusedException e) {
      return e;
    }
    throw new AssertionError("accepted " + asked);
  }

  @Test
  void memoryUpToTheDeclaredMostIsGiven() throws Exception {
    assertThat(decide(mem(64 * MIB))).isEqualTo(new ResourceChange.Limits(64 * MIB, 0, 0));
    assertThat(decide(mem(48 * MIB)).toSysresources()).isEqualTo(mem(48 * MIB));
    assertThat(decide(mem(16 * MIB)).memLimitBytes()).as("shrinking").isEqualTo(16 * MIB);
  }

  @Test
  void unsetFieldsKeepTheirValues() throws Exception {
    assertThat(decide(Sysresources.getDefaultInstance())).isEqualTo(NOW);
    ResourceChange.Limits withCpu = new ResourceChange.Limits(40 * MIB, 50_000, 25_000);
    assertThat(ResourceChange.decide(withCpu, mem(48 * MIB), AT_INIT, AT_MOST, 0, 0, BUDGET))
        .isEqualTo(new ResourceChange.Limits(48 * MIB, 50_000, 25_000));
  }

  @Test
  void memoryBeyondTheDeclaredMostNamesTheFieldAndBothValues() {
    ResourceChangeRefusedException e = refusal(mem(65 * MIB), 0, BUDGET);
    assertThat(e.kind()).isEqualTo(ResourceChangeRefusedException.Kind.BEYOND_DECLARED);
    assertThat(e.getMessage()).contains("mem_limit").contains(String.valueOf(65 * MIB))
        .contains("resources.at_most.mem_limit " + 64 * MIB);
  }

  @Test
  void aServiceThatDeclaresNoMostIsBoundOnlyByTheNode() throws Exception {
    assertThat(ResourceChange.decide(NOW, mem(512 * MIB), AT_INIT, Sysresources.getDefaultInstance(), 0, 0, BUDGET)
        .memLimitBytes()).isEqualTo(512 * MIB);
  }

  @Test
  void aMostBelowTheInitialAmountIsRaisedToIt() throws Exception {
    Sysresources init = mem(100 * MIB);
    Sysresources most = mem(50 * MIB);
    assertThat(ResourceChange.decide(NOW, mem(100 * MIB), init, most, 0, 0, BUDGET).memLimitBytes()).isEqualTo(100 * MIB);
  }

  @Test
  void growingBeyondTheNodesFreeMemoryIsRefusedWithTheNumbers() {
    ResourceChangeRefusedException e = refusal(mem(64 * MIB), 980 * MIB, BUDGET);
    assertThat(e.kind()).isEqualTo(ResourceChangeRefusedException.Kind.NO_CAPACITY);
    assertThat(e.getMessage()).contains(String.valueOf(64 * MIB)).contains(String.valueOf(980 * MIB))
        .contains(String.valueOf(BUDGET)).contains("max-total-mem-bytes").contains(String.valueOf(44 * MIB));
  }

  @Test
  void shrinkingIsAllowedEvenOnANodeOverItsBudget() throws Exception {
    assertThat(ResourceChange.decide(NOW, mem(16 * MIB), AT_INIT, AT_MOST, 5000 * MIB, 9, BUDGET).memLimitBytes())
        .isEqualTo(16 * MIB);
  }

  @Test
  void cpuIsBoundedInCoresByTheDeclaredMost() throws Exception {
    ResourceChange.Limits half = decide(Sysresources.newBuilder().setCpuQuota(50_000).build());
    assertThat(half).as("a quota alone gets the default period").isEqualTo(new ResourceChange.Limits(32 * MIB, 100_000, 50_000));
    assertThat(decide(Sysresources.newBuilder().setCpuQuota(200_000).setCpuPeriod(200_000).build()).cpuQuotaMicros())
        .as("one core in another period").isEqualTo(200_000);
    ResourceChangeRefusedException e = refusal(Sysresources.newBuilder().setCpuQuota(150_000).build(), 0, BUDGET);
    assertThat(e.kind()).isEqualTo(ResourceChangeRefusedException.Kind.BEYOND_DECLARED);
    assertThat(e.getMessage()).contains("cpu_quota/cpu_period 150000/100000 (1.50 cores)")
        .contains("resources.at_most cpu_quota/cpu_period 100000/100000 (1.00 cores)");
  }

  @Test
  void valuesNoEngineAcceptsAreBadRequests() {
    for (Sysresources bad : new Sysresources[] {
        mem(1 * MIB),
        Sysresources.newBuilder().setCpuPeriod(999).build(),
        Sysresources.newBuilder().setCpuPeriod(1_000_001).build(),
        Sysresources.newBuilder().setCpuQuota(10).build(),
        mem(-1L)}) {
      assertThat(refusal(bad, 0, BUDGET).kind()).as(bad.toString()).isEqualTo(ResourceChangeRefusedException.Kind.BAD_REQUEST);
    }
    assertThat(refusal(mem(-1L), 0, BUDGET).getMessage()).contains("18446744073709551615");
  }
}
