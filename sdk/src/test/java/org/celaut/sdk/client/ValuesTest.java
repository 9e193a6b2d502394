package org.celaut.sdk.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.time.Duration;
import org.celaut.proto.celaut.Amount;
import org.celaut.proto.celaut.EstimatedCost;
import org.celaut.proto.celaut.Instance;
import org.junit.jupiter.api.Test;

/** The SDK's small values: a cost estimate read from the node's answer, a handle's addresses. */
class ValuesTest {

  @Test
  void aCostEstimateReadsAmountsAsIntegersAndEmptyAsZero() {
    CostEstimate e = CostEstimate.of(EstimatedCost.newBuilder()
        .setCost(Amount.newBuilder().setN("123456789012345678901234567890"))
        .setInitMaintenanceCost(Amount.newBuilder().setN("-5"))
        .setMaintenanceSecondsLoop(60)
        .setVariance(0.25f)
        .build());
    assertThat(e.startCostMu()).isEqualTo(new BigInteger("123456789012345678901234567890"));
    assertThat(e.initMaintenanceCostMu()).isEqualTo(-5);
    assertThat(e.maxMaintenanceCostMu()).isZero();
    assertThat(e.maintenancePeriod()).isEqualTo(Duration.ofMinutes(1));
    assertThat(e.variance()).isEqualTo(0.25f);
    assertThatThrownBy(() -> CostEstimate.of(EstimatedCost.newBuilder().setCost(Amount.newBuilder().setN("1.5")).build()))
        .hasMessageContaining("'1.5'");
  }

  @Test
  void theSiblingAddressIsTheFirstThatIsNotLoopback() {
    Instance i = Instance.newBuilder()
        .addUriSlot(Instance.Uri_Slot.newBuilder().setInternalPort(8080)
            .addUri(Instance.Uri.newBuilder().setIp("127.0.0.1").setPort(49160))
            .addUri(Instance.Uri.newBuilder().setIp("172.18.0.5").setPort(8080))
            .addUri(Instance.Uri.newBuilder().setIp("10.0.0.5").setPort(8080)))
        .addUriSlot(Instance.Uri_Slot.newBuilder().setInternalPort(9090)
            .addUri(Instance.Uri.newBuilder().setIp("localhost").setPort(1)))
        .build();
    ServiceHandle h = new ServiceHandle("ab".repeat(32), "t", i);
    assertThat(h.address(8080).getHostString()).isEqualTo("127.0.0.1");
    assertThat(h.siblingAddress(8080).getHostString()).isEqualTo("172.18.0.5");
    assertThat(h.siblingAddress(8080).getPort()).isEqualTo(8080);
    assertThatThrownBy(() -> h.siblingAddress(9090)).hasMessageContaining("no non-loopback address for port 9090");
    assertThat(ServiceHandle.isLoopback("::1")).isTrue();
    assertThat(ServiceHandle.isLoopback("[::1]")).isTrue();
    assertThat(ServiceHandle.isLoopback("127.0.1.1")).isTrue();
    assertThat(ServiceHandle.isLoopback("fd00::1")).isFalse();
  }
}
