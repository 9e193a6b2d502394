package org.celaut.node.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.celaut.node.storage.Eviction.ImageEntry;
import org.celaut.node.storage.Eviction.Inventory;
import org.celaut.node.storage.Eviction.Removal;
import org.celaut.node.storage.Eviction.RemoveBlock;
import org.celaut.node.storage.Eviction.RemoveOrphanImage;
import org.celaut.node.storage.Eviction.RemoveService;
import org.celaut.node.storage.Eviction.StoredEntry;

/**
 * Whatever the node holds and whatever the budget: nothing in use goes, idle services go least
 * recently used first, removal stops once within budget (and goes on while it is not and
 * something idle is left), no block goes while a start is in flight, and the plan's arithmetic
 * is the inventory's.
 */
class EvictionProperties {

  private static final int BLOCKS = 6;

  @Provide
  Arbitrary<Inventory> inventories() {
    Arbitrary<StoredEntry> service = Combinators.combine(
        Arbitraries.longs().between(0, 1_000),
        Arbitraries.integers().between(0, BLOCKS - 1).set().ofMaxSize(3),
        Arbitraries.longs().between(0, 20),
        Arbitraries.integers().between(0, 3))
        .as((bytes, blocks, lastUsed, busy) -> new StoredEntry("s", bytes,
            blocks.stream().map(b -> "b" + b).collect(java.util.stream.Collectors.toSet()), lastUsed, busy == 0));
    Arbitrary<List<StoredEntry>> services = service.list().ofMaxSize(8).map(list -> {
      List<StoredEntry> named = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        StoredEntry s = list.get(i);
        named.add(new StoredEntry("s" + i, s.storeBytes(), s.blocks(), s.lastUsedMillis(), s.inUse()));
      }
      return named;
    });
    Arbitrary<Map<String, Long>> blocks = Arbitraries.longs().between(1, 2_000).list().ofSize(BLOCKS)
        .flatMap(sizes -> Arbitraries.integers().between(0, (1 << BLOCKS) - 1).map(present -> {
          Map<String, Long> m = new HashMap<>();
          for (int i = 0; i < BLOCKS; i++) {
            if ((present & (1 << i)) != 0) {
              m.put("b" + i, sizes.get(i));
            }
          }
          return m;
        }));
    Arbitrary<List<int[]>> images = Combinators.combine(Arbitraries.integers().between(0, 9),
        Arbitraries.integers().between(0, 1_000), Arbitraries.integers().between(0, 3))
        .as((svc, bytes, kind) -> new int[] {svc, bytes, kind}).list().ofMaxSize(8);
    return Combinators.combine(services, blocks, images, Arbitraries.of(true, false))
        .as((svcs, blks, imgs, inFlight) -> {
          List<ImageEntry> entries = new ArrayList<>();
          Set<String> seen = new HashSet<>();
          for (int[] i : imgs) {
            String ref = "ref-" + i[0] + "-" + i[2];
            if (seen.add(ref)) {
              entries.add(new ImageEntry(ref, "s" + i[0], i[1], i[2] != 0));
            }
          }
          return new Inventory(svcs, blks, entries, inFlight);
        });
  }

  @Property(tries = 1000)
  void neverRemovesWhatIsInUse(@ForAll("inventories") Inventory inv, @ForAll @LongRange(min = 0, max = 8_000) long budget) {
    Set<String> busy = new HashSet<>();
    Set<String> busyBlocks = new HashSet<>();
    for (StoredEntry s : inv.services()) {
      if (s.inUse()) {
        busy.add(s.id());
        busyBlocks.addAll(s.blocks());
      }
    }
    for (Removal r : Eviction.plan(inv, budget).removals()) {
      if (r instanceof RemoveService s) {
        assertThat(s.service().inUse()).isFalse();
        assertThat(s.blocks().keySet()).noneMatch(busyBlocks::contains);
        s.images().forEach(i -> assertThat(busy).doesNotContain(i.serviceId()));
      } else if (r instanceof RemoveOrphanImage o) {
        assertThat(busy).doesNotContain(o.image().serviceId());
      } else if (r instanceof RemoveBlock b) {
        assertThat(busyBlocks).doesNotContain(b.id());
      }
    }
  }

  @Property(tries = 1000)
  void removesIdleServicesLeastRecentlyUsedFirst(@ForAll("inventories") Inventory inv,
      @ForAll @LongRange(min = 0, max = 8_000) long budget) {
    List<String> removed = Eviction.plan(inv, budget).removals().stream()
        .filter(r -> r instanceof RemoveService).map(r -> ((RemoveService) r).service().id()).toList();
    List<String> lru = inv.services().stream().filter(s -> !s.inUse())
        .sorted(Comparator.comparingLong(StoredEntry::lastUsedMillis).thenComparing(StoredEntry::id))
        .map(StoredEntry::id).toList();
    assertThat(removed).isEqualTo(lru.subList(0, removed.size()));
  }

  @Property(tries = 1000)
  void stopsOnceWithinBudgetAndGoesOnWhileNot(@ForAll("inventories") Inventory inv,
      @ForAll @LongRange(min = 0, max = 8_000) long budget) {
    Eviction plan = Eviction.plan(inv, budget);
    long remaining = inv.totalBytes();
    boolean budgeted = false;
    for (Removal r : plan.removals()) {
      if (!(r instanceof RemoveOrphanImage)) {
        assertThat(budget).as("only orphans go without a budget").isPositive();
        assertThat(remaining).as("a budgeted removal happens only over budget").isGreaterThan(budget);
        budgeted = true;
      }
      remaining -= r.freedBytes();
    }
    assertThat(plan.remainingBytes()).isEqualTo(remaining);
    assertThat(plan.usedBytes()).isEqualTo(inv.totalBytes());
    if (budget > 0 && remaining > budget) {
      long idleLeft = inv.services().stream().filter(s -> !s.inUse()).count()
          - plan.removals().stream().filter(r -> r instanceof RemoveService).count();
      assertThat(idleLeft).as("over budget with an idle service left").isZero();
      assertThat(plan.withinBudget()).isFalse();
    } else {
      assertThat(plan.withinBudget()).isTrue();
    }
    if (!budgeted) {
      assertThat(plan.removals()).allMatch(r -> r instanceof RemoveOrphanImage);
    }
  }

  @Property(tries = 500)
  void noBlockGoesWhileAStartIsInFlightAndABlockGoesOnlyOnceNothingLeftReferencesIt(
      @ForAll("inventories") Inventory inv, @ForAll @LongRange(min = 0, max = 8_000) long budget) {
    Eviction plan = Eviction.plan(inv, budget);
    Set<String> goneServices = new HashSet<>();
    Set<String> goneBlocks = new HashSet<>();
    for (Removal r : plan.removals()) {
      if (r instanceof RemoveBlock b) {
        goneBlocks.add(b.id());
      } else if (r instanceof RemoveService s) {
        goneServices.add(s.service().id());
        goneBlocks.addAll(s.blocks().keySet());
      }
    }
    if (inv.startsInFlight()) {
      assertThat(goneBlocks).isEmpty();
    }
    for (StoredEntry s : inv.services()) {
      if (!goneServices.contains(s.id())) {
        assertThat(goneBlocks).as("blocks of remaining service %s", s.id()).noneMatch(s.blocks()::contains);
      }
    }
    assertThat(inv.blockBytes().keySet()).containsAll(goneBlocks);
  }
}
