package org.celaut.node.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.celaut.node.storage.Eviction.ImageEntry;
import org.celaut.node.storage.Eviction.Inventory;
import org.celaut.node.storage.Eviction.RemoveBlock;
import org.celaut.node.storage.Eviction.RemoveOrphanImage;
import org.celaut.node.storage.Eviction.RemoveService;
import org.celaut.node.storage.Eviction.StoredEntry;
import org.junit.jupiter.api.Test;

class EvictionTest {

  private static StoredEntry service(String id, long bytes, long lastUsed, boolean inUse, String... blocks) {
    return new StoredEntry(id, bytes, Set.of(blocks), lastUsed, inUse);
  }

  private static ImageEntry image(String service, long bytes) {
    return new ImageEntry("celaut-service-n:" + service, service, bytes, true);
  }

  @Test
  void withinBudgetNothingButOrphanImagesGoes() {
    Inventory inv = new Inventory(
        List.of(service("a", 100, 1, false)),
        Map.of(),
        List.of(image("a", 100), image("gone", 50), new ImageEntry("celaut-service:a", "a", 70, false)),
        false);
    Eviction plan = Eviction.plan(inv, 1_000);
    assertThat(plan.removals()).containsExactly(
        new RemoveOrphanImage(image("gone", 50)),
        new RemoveOrphanImage(new ImageEntry("celaut-service:a", "a", 70, false)));
    assertThat(plan.usedBytes()).isEqualTo(320);
    assertThat(plan.remainingBytes()).isEqualTo(200);
    assertThat(plan.withinBudget()).isTrue();
    assertThat(Eviction.plan(inv, 0).removals()).as("no budget: still only orphans").hasSize(2);
  }

  @Test
  void overBudgetTheLeastRecentlyUsedIdleServiceGoesFirstWithItsImageAndItsOwnBlocks() {
    Inventory inv = new Inventory(
        List.of(
            service("old", 10, 100, false, "shared", "mine"),
            service("older-but-running", 10, 50, true, "theirs"),
            service("new", 10, 300, false, "shared")),
        Map.of("shared", 1_000L, "mine", 500L, "theirs", 400L),
        List.of(image("old", 200), image("older-but-running", 200), image("new", 200)),
        false);
    // 30 stored + 1900 blocks + 600 images = 2530; removing "old" frees 10 + 200 + 500.
    Eviction plan = Eviction.plan(inv, 2_000);
    assertThat(plan.removals()).containsExactly(
        new RemoveService(inv.services().get(0), List.of(image("old", 200)), Map.of("mine", 500L)));
    assertThat(plan.remainingBytes()).isEqualTo(1_820);
    assertThat(plan.withinBudget()).isTrue();
  }

  @Test
  void looseBlocksGoBeforeAnyServiceAndNoBlockGoesWhileAStartIsInFlight() {
    List<StoredEntry> services = List.of(service("a", 10, 1, false, "used"));
    Map<String, Long> blocks = Map.of("used", 100L, "loose-small", 10L, "loose-big", 300L);
    Eviction plan = Eviction.plan(new Inventory(services, blocks, List.of(), false), 100);
    assertThat(plan.removals()).containsExactly(new RemoveBlock("loose-big", 300), new RemoveBlock("loose-small", 10),
        new RemoveService(services.get(0), List.of(), Map.of("used", 100L)));

    Eviction inFlight = Eviction.plan(new Inventory(services, blocks, List.of(), true), 100);
    assertThat(inFlight.removals()).containsExactly(new RemoveService(services.get(0), List.of(), Map.of()));
    assertThat(inFlight.withinBudget()).isFalse();
  }

  @Test
  void whatIsInUseStaysEvenOverBudgetAndThePlanSaysSo() {
    Inventory inv = new Inventory(List.of(service("busy", 1_000, 1, true, "b")), Map.of("b", 1_000L),
        List.of(image("busy", 1_000), new ImageEntry("celaut-service:busy", "busy", 1_000, false)), false);
    Eviction plan = Eviction.plan(inv, 10);
    assertThat(plan.removals()).as("even its image under an older name: an instance may run from it").isEmpty();
    assertThat(plan.withinBudget()).isFalse();
    assertThat(plan.remainingBytes()).isEqualTo(4_000);
  }
}
