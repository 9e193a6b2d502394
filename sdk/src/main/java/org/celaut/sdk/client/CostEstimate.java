package org.celaut.sdk.client;

import java.math.BigInteger;
import java.time.Duration;
import org.celaut.proto.celaut.Amount;
import org.celaut.proto.celaut.EstimatedCost;

/**
 * What a node expects a start to cost, in its own money unit (MU), from {@link
 * NodeClient#estimateCost}.
 *
 * @param startCostMu cost of the start itself: building the service plus the initial balance
 * @param initMaintenanceCostMu one maintenance period at the resources the instance starts with
 * @param maxMaintenanceCostMu one maintenance period at the most resources it may grow to
 * @param maintenancePeriod how long one maintenance period lasts (zero if the node did not say)
 * @param variance relative uncertainty of the figures, 0 if unknown
 */
public record CostEstimate(BigInteger startCostMu, BigInteger initMaintenanceCostMu,
    BigInteger maxMaintenanceCostMu, Duration maintenancePeriod, float variance) {

  /** Reads the node's answer; an amount left empty counts as 0. */
  public static CostEstimate of(EstimatedCost c) {
    return new CostEstimate(mu(c.getCost()), mu(c.getInitMaintenanceCost()), mu(c.getMaxMaintenanceCost()),
        Duration.ofSeconds(Math.max(0, c.getMaintenanceSecondsLoop())), c.getVariance());
  }

  /** An {@code Amount} as a number: its decimal text, or 0 when empty. */
  static BigInteger mu(Amount a) {
    String n = a.getN().trim();
    try {
      return n.isEmpty() ? BigInteger.ZERO : new BigInteger(n);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the node sent an amount that is not a decimal integer: '" + n + "'", e);
    }
  }
}
