package org.celaut.node.storage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What to remove from the node's disk, and in which order, as a pure decision over an {@link
 * Inventory}; {@link StorageCollector} does the removing.
 *
 * <p>The rules:
 *
 * <ol>
 *   <li><b>Nothing in use is removed.</b> A service is in use while it has a live (starting or
 *       running) instance or a StartService naming it is in flight. Its stored form, every image
 *       of it and every block it references stay.
 *   <li><b>No block is removed while any StartService is in flight</b>, since an upload may be
 *       about to rely on any stored block (it sends {@code skip} for blocks the node holds).
 *       Blocks a removal leaves unreferenced then go at the next collection.
 *   <li><b>Orphan images always go</b>, budget or not: images of this node that no stored service
 *       would run (its service was removed, or the image is under an older name). Nothing can use
 *       them again; an orphan image of a service in use (say, under an older name while an
 *       instance still runs from it) stays.
 *   <li><b>Then, only while the disk use passes the budget</b> (a budget of 0 is none), one at a
 *       time, re-checking the total after each, and stopping as soon as it is within budget:
 *       <ol type="a">
 *         <li>blocks no stored service references (copies of blocks nested in others, blocks of
 *             an upload that was cut), largest first;
 *         <li>services not in use, least recently used first (ties by id): each with its images
 *             and the blocks no remaining service references.
 *       </ol>
 *   <li>The disk use is the stored services, every block in the store and every image of this
 *       node, each counted once. If everything that could go has gone and the use still passes the
 *       budget, the plan says so ({@link #withinBudget()} false): what remains is in use.
 * </ol>
 *
 * @param removals in the order to perform them
 * @param usedBytes disk use before
 * @param remainingBytes disk use once every removal is done
 * @param budgetBytes the budget, 0 = none
 */
public record Eviction(List<Removal> removals, long usedBytes, long remainingBytes, long budgetBytes) {

  /** True if the remaining use is within the budget (always, without one). */
  public boolean withinBudget() {
    return budgetBytes == 0 || remainingBytes <= budgetBytes;
  }

  /**
   * What the node holds.
   *
   * @param services stored services
   * @param blockBytes every block in the store, by id, with its size
   * @param images every image of this node
   * @param startsInFlight true while any StartService is in flight (rule 2)
   */
  public record Inventory(
      List<StoredEntry> services, Map<String, Long> blockBytes, List<ImageEntry> images, boolean startsInFlight) {
    public Inventory {
      services = List.copyOf(services);
      blockBytes = Map.copyOf(blockBytes);
      images = List.copyOf(images);
    }

    /** Stored services, blocks and images, each counted once. */
    public long totalBytes() {
      long total = 0;
      for (StoredEntry s : services) {
        total += s.storeBytes();
      }
      for (long b : blockBytes.values()) {
        total += b;
      }
      for (ImageEntry i : images) {
        total += i.bytes();
      }
      return total;
    }
  }

  /**
   * A stored service.
   *
   * @param id service id
   * @param storeBytes its files in the registry (blocks not included)
   * @param blocks ids of the blocks it references
   * @param lastUsedMillis its last use
   * @param inUse a live instance or a StartService in flight uses it
   */
  public record StoredEntry(String id, long storeBytes, Set<String> blocks, long lastUsedMillis, boolean inUse) {
    public StoredEntry {
      blocks = Set.copyOf(blocks);
    }
  }

  /**
   * An image of this node.
   *
   * @param ref how to name it to the engine
   * @param serviceId the service it was built from
   * @param bytes its size as the engine reports it
   * @param current the image this node runs its service from, as opposed to an older name
   */
  public record ImageEntry(String ref, String serviceId, long bytes, boolean current) {}

  /** One thing to remove. */
  public sealed interface Removal {
    /** Bytes it frees. */
    long freedBytes();
  }

  /** An image whose service is gone or which is not the image the node would use. */
  public record RemoveOrphanImage(ImageEntry image) implements Removal {
    @Override
    public long freedBytes() {
      return image.bytes();
    }
  }

  /** A block no stored service references. */
  public record RemoveBlock(String id, long bytes) implements Removal {
    @Override
    public long freedBytes() {
      return bytes;
    }
  }

  /** A stored service with its images and the blocks only it referenced. */
  public record RemoveService(StoredEntry service, List<ImageEntry> images, Map<String, Long> blocks)
      implements Removal {
    @Override
    public long freedBytes() {
      long freed = service.storeBytes();
      for (ImageEntry i : images) {
        freed += i.bytes();
      }
      for (long b : blocks.values()) {
        freed += b;
      }
      return freed;
    }
  }

  /** The plan for {@code inventory} under {@code budgetBytes} (0 = no budget). */
  public static Eviction plan(Inventory inventory, long budgetBytes) {
    if (budgetBytes < 0) {
      throw new IllegalArgumentException("budget must not be negative");
    }
    Set<String> inUse = new HashSet<>();
    Set<String> stored = new HashSet<>();
    for (StoredEntry s : inventory.services()) {
      stored.add(s.id());
      if (s.inUse()) {
        inUse.add(s.id());
      }
    }
    long used = inventory.totalBytes();
    long remaining = used;
    List<Removal> removals = new ArrayList<>();

    // Rule 3: orphan images, always.
    Map<String, List<ImageEntry>> imagesOf = new HashMap<>();
    for (ImageEntry image : inventory.images()) {
      boolean orphan = !image.current() || !stored.contains(image.serviceId());
      if (orphan && !inUse.contains(image.serviceId())) {
        removals.add(new RemoveOrphanImage(image));
        remaining -= image.bytes();
      } else if (!orphan) {
        imagesOf.computeIfAbsent(image.serviceId(), k -> new ArrayList<>()).add(image);
      }
    }
    if (budgetBytes == 0 || remaining <= budgetBytes) {
      return new Eviction(removals, used, remaining, budgetBytes);
    }

    // Rule 4a: unreferenced blocks, largest first.
    Map<String, Integer> references = new HashMap<>();
    for (StoredEntry s : inventory.services()) {
      for (String b : s.blocks()) {
        references.merge(b, 1, Integer::sum);
      }
    }
    if (!inventory.startsInFlight()) {
      List<Map.Entry<String, Long>> loose = new ArrayList<>();
      for (Map.Entry<String, Long> e : inventory.blockBytes().entrySet()) {
        if (!references.containsKey(e.getKey())) {
          loose.add(e);
        }
      }
      loose.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
      for (Map.Entry<String, Long> e : loose) {
        if (remaining <= budgetBytes) {
          return new Eviction(removals, used, remaining, budgetBytes);
        }
        removals.add(new RemoveBlock(e.getKey(), e.getValue()));
        remaining -= e.getValue();
      }
    }

    // Rule 4b: idle services, least recently used first.
    List<StoredEntry> idle = new ArrayList<>();
    for (StoredEntry s : inventory.services()) {
      if (!s.inUse()) {
        idle.add(s);
      }
    }
    idle.sort(Comparator.comparingLong(StoredEntry::lastUsedMillis).thenComparing(StoredEntry::id));
    for (StoredEntry s : idle) {
      if (remaining <= budgetBytes) {
        break;
      }
      Map<String, Long> freedBlocks = new HashMap<>();
      for (String b : new TreeSet<>(s.blocks())) {
        int left = references.merge(b, -1, Integer::sum);
        Long size = inventory.blockBytes().get(b);
        if (left == 0 && size != null && !inventory.startsInFlight()) {
          freedBlocks.put(b, size);
        }
      }
      RemoveService r = new RemoveService(s, imagesOf.getOrDefault(s.id(), List.of()), freedBlocks);
      removals.add(r);
      remaining -= r.freedBytes();
    }
    return new Eviction(removals, used, remaining, budgetBytes);
  }
}
