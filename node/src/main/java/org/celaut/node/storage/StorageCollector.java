package org.celaut.node.storage;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.celaut.node.registry.ServiceRegistry;
import org.celaut.node.registry.StoredService;
import org.celaut.node.runtime.ContainerRuntime;
import org.celaut.node.runtime.OwnedImage;
import org.celaut.node.runtime.RuntimeFailure;
import org.celaut.node.store.StoreException;
import org.celaut.protocol.Hashes;
import org.celaut.protocol.bee.SpooledMessage;
import org.celaut.protocol.blocks.FileBlockStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the node's disk within its budget: takes stock of the stored services, the blocks and the
 * images the node built, lets {@link Eviction} decide, and removes. Also removes one service on
 * request ({@code celaut services rm}).
 *
 * <p>Runs in the background: at once, then every {@link #PERIOD}, and after every StartService
 * that used a service. Calls tell it what they use through {@link ServiceUse}, so a removal never
 * races a start: a service is removed only under a claim no pinned call holds, blocks only while
 * no StartService is in flight and no upload is arriving in the spool directory (new calls wait
 * those few milliseconds). One collection or removal runs at a time.
 */
public final class StorageCollector implements ServiceUse, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(StorageCollector.class);

  /** How often the budget is checked besides after starts. */
  public static final Duration PERIOD = Duration.ofMinutes(1);

  private final ServiceRegistry registry;
  private final FileBlockStore blocks;
  private final Path spoolDir;
  private final ContainerRuntime runtime;
  private final ServiceUseStore uses;
  private final Clock clock;
  private final long budgetBytes;
  private final ServicePins pins;
  private final ScheduledExecutorService executor;
  private final AtomicBoolean queued = new AtomicBoolean();
  /** Held by one collection or removal at a time. */
  private final Object collecting = new Object();

  /**
   * @param spoolDir where uploads arrive; blocks are kept while anything is in it
   * @param budgetBytes most disk stored services, blocks and images may take; 0 = no budget
   */
  public StorageCollector(ServiceRegistry registry, FileBlockStore blocks, Path spoolDir,
      ContainerRuntime runtime, ServiceUseStore uses, Clock clock, long budgetBytes) {
    if (budgetBytes < 0) {
      throw new IllegalArgumentException("budget must not be negative");
    }
    this.registry = registry;
    this.blocks = blocks;
    this.spoolDir = spoolDir;
    this.runtime = runtime;
    this.uses = uses;
    this.clock = clock;
    this.budgetBytes = budgetBytes;
    this.pins = new ServicePins(this::leaseClosed);
    this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "celaut-storage");
      t.setDaemon(true);
      return t;
    });
  }

  /** The budget, 0 = none. */
  public long budgetBytes() {
    return budgetBytes;
  }

  @Override
  public Lease begin() throws InterruptedIOException {
    return pins.begin();
  }

  /** The services StartService calls in flight have pinned now. */
  public Set<String> pinnedByCalls() {
    return pins.pinned();
  }

  /** The claims and pins, for tests that hold a claim as a removal does. */
  ServicePins pins() {
    return pins;
  }

  /** Collects now, then every {@code period}, on the collector's own thread. */
  public void startBackground(Duration period) {
    executor.scheduleWithFixedDelay(this::collectQuietly, 0, period.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Asks for a collection soon; several asks before it runs make one. */
  public void requestCollection() {
    if (queued.compareAndSet(false, true)) {
      try {
        executor.execute(() -> {
          queued.set(false);
          collectQuietly();
        });
      } catch (RejectedExecutionException closed) {
        queued.set(false);
      }
    }
  }

  private void leaseClosed(Set<String> used) {
    if (used.isEmpty()) {
      return;
    }
    try {
      uses.touch(used, clock.millis());
    } catch (StoreException e) {
      log.warn("event=service_use_not_recorded services={} error=\"{}\"", used, e.getMessage());
    }
    requestCollection();
  }

  private void collectQuietly() {
    try {
      collect();
    } catch (StoreException | IOException | RuntimeFailure | RuntimeException e) {
      log.warn("event=storage_collection_failed error=\"{}\"", e.getMessage());
    }
  }

  /**
   * One collection: takes stock, plans ({@link Eviction#plan}) and removes. What a call started
   * using meanwhile is skipped (and counted again next time).
   *
   * @return the plan it carried out
   */
  public Eviction collect() throws StoreException, IOException, RuntimeFailure {
    synchronized (collecting) {
      Stock stock = takeStock();
      Eviction plan = Eviction.plan(stock.inventory(), budgetBytes);
      List<String> looseBlocks = new ArrayList<>();
      long freed = 0;
      int removals = 0;
      for (Eviction.Removal r : plan.removals()) {
        boolean done;
        if (r instanceof Eviction.RemoveOrphanImage o) {
          done = removeOrphanImage(o.image());
        } else if (r instanceof Eviction.RemoveBlock b) {
          looseBlocks.add(b.id());
          continue;
        } else {
          done = removeService((Eviction.RemoveService) r, looseBlocks);
        }
        if (done) {
          // A service's blocks are counted below, once they are really gone.
          freed += r instanceof Eviction.RemoveService rs
              ? r.freedBytes() - rs.blocks().values().stream().mapToLong(Long::longValue).sum()
              : r.freedBytes();
          removals++;
        }
      }
      Map<String, Long> sizes = stock.inventory().blockBytes();
      for (String b : removeBlocks(looseBlocks)) {
        freed += sizes.getOrDefault(b, 0L);
        removals++;
      }
      if (removals > 0 || !plan.withinBudget()) {
        log.info("event=storage_collected used_bytes={} freed_bytes={} removals={} budget_bytes={} within_budget={}",
            plan.usedBytes(), freed, removals, budgetBytes, plan.withinBudget());
      }
      if (!plan.withinBudget()) {
        log.warn("event=disk_budget_exceeded used_bytes={} budget_bytes={} reason=\"what remains is in use\"",
            plan.remainingBytes(), budgetBytes);
      }
      return plan;
    }
  }

  /**
   * What {@code celaut services rm} did.
   *
   * @param serviceId the service
   * @param tag its main name
   * @param freedBytes disk freed
   * @param imagesRemoved images removed
   * @param blocksRemoved blocks only it referenced, removed
   * @param blocksLeft blocks only it referenced, left for the next collection because a start was
   *     in flight
   */
  public record Removed(String serviceId, String tag, long freedBytes, int imagesRemoved, int blocksRemoved,
      int blocksLeft) {}

  /**
   * Removes one service with its images and the blocks no other service references. Refused, with
   * nothing removed, while a live instance or a start in flight uses it.
   */
  public Removed remove(String serviceIdHex) throws RemovalRefusedException, StoreException, IOException {
    String id = serviceIdHex.toLowerCase(Locale.ROOT);
    if (!Hashes.isSha3Hex(id)) {
      throw new IllegalArgumentException("a service id is 64 hex characters, not '" + serviceIdHex + "'");
    }
    synchronized (collecting) {
      Optional<StoredService> stored = registry.get(id);
      List<OwnedImage> images = new ArrayList<>();
      for (OwnedImage i : listImages()) {
        if (i.serviceIdHex().equals(id)) {
          images.add(i);
        }
      }
      if (stored.isEmpty() && images.isEmpty()) {
        throw new RemovalRefusedException(RemovalRefusedException.Kind.NOT_FOUND,
            "service " + id + " is not on this node (`celaut services` lists what it holds)");
      }
      String tag = stored.map(StoredService::tag).orElse(id.substring(0, 12));
      refuseIfLive(id, tag);
      if (!pins.claim(id)) {
        throw new RemovalRefusedException(RemovalRefusedException.Kind.IN_USE, "service " + id + " (" + tag
            + ") is being started right now; remove it once that start is answered (and the instance stopped)");
      }
      long freed = 0;
      Set<String> itsBlocks;
      try {
        refuseIfLive(id, tag); // a start may have recorded its instance just before the claim
        itsBlocks = stored.isPresent() ? blockRefs(stored.get()) : Set.of();
        long storeBytes = stored.isPresent() ? directoryBytes(stored.get().directory()) : 0;
        for (OwnedImage image : images) {
          try {
            runtime.removeImage(image.ref());
          } catch (RuntimeFailure e) {
            throw new RemovalRefusedException(
                e.kind() == RuntimeFailure.Kind.ENGINE_UNAVAILABLE
                    ? RemovalRefusedException.Kind.ENGINE_UNAVAILABLE : RemovalRefusedException.Kind.ENGINE_REFUSED,
                e.getMessage() + "; service " + id + " stays stored"
                    + (e.kind() == RuntimeFailure.Kind.ENGINE_UNAVAILABLE ? "" : " (a container that is not a live"
                        + " instance of this node still uses its image: remove it with `docker rm`, then try again)"),
                e);
          }
          freed += image.sizeBytes();
        }
        if (stored.isPresent()) {
          registry.remove(id);
          uses.forget(id);
          freed += storeBytes;
        }
      } finally {
        pins.release(id);
      }
      Map<String, Long> sizes = blockSizes();
      List<String> removedBlocks = removeBlocks(unreferenced(itsBlocks));
      for (String b : removedBlocks) {
        freed += sizes.getOrDefault(b, 0L);
      }
      int left = unreferenced(itsBlocks).size();
      log.info("event=service_removed service={} tag={} freed_bytes={} images={} blocks_removed={} blocks_left={} reason=request",
          id, tag, freed, images.size(), removedBlocks.size(), left);
      return new Removed(id, tag, freed, images.size(), removedBlocks.size(), left);
    }
  }

  /**
   * What a stored service occupies and how it was used, for listings.
   *
   * @param service the stored service
   * @param diskBytes its stored form, the blocks it references (a block shared with others counts
   *     for each) and its images
   * @param lastUsedMillis its last use, epoch milliseconds
   * @param liveInstances ids of its live instances
   */
  public record Usage(StoredService service, long diskBytes, long lastUsedMillis, List<String> liveInstances) {}

  /**
   * Every stored service with what it occupies, ordered by id. With the engine unreachable the
   * images count as nothing (and a line says so in the log): a listing should not fail for that.
   */
  public List<Usage> usage() throws StoreException, IOException {
    Map<String, List<String>> live = uses.liveInstances();
    Map<String, Long> lastUsed = uses.lastUsed();
    Map<String, Long> blockSizes = blockSizes();
    Map<String, Long> imageBytes = new HashMap<>();
    try {
      for (OwnedImage i : runtime.listImages()) {
        imageBytes.merge(i.serviceIdHex(), i.sizeBytes(), Long::sum);
      }
    } catch (RuntimeFailure e) {
      log.warn("event=image_sizes_unknown error=\"{}\"", e.getMessage());
    }
    List<Usage> out = new ArrayList<>();
    for (StoredService s : registry.list()) {
      long disk = directoryBytes(s.directory()) + imageBytes.getOrDefault(s.idHex(), 0L);
      for (String b : blockRefs(s)) {
        disk += blockSizes.getOrDefault(b, 0L);
      }
      out.add(new Usage(s, disk, lastUse(s, lastUsed), live.getOrDefault(s.idHex(), List.of())));
    }
    return out;
  }

  /** Stops background collections, giving one under way a few seconds to finish. */
  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      executor.shutdownNow();
    }
  }

  // ---- stock ----

  private record Stock(Eviction.Inventory inventory) {}

  private Stock takeStock() throws StoreException, IOException, RuntimeFailure {
    Map<String, List<String>> live = uses.liveInstances();
    Map<String, Long> lastUsed = uses.lastUsed();
    // Read after the instances: a start pins its service before recording its instance.
    Set<String> pinned = pins.pinned();
    boolean startsInFlight = pins.anyInFlight() || uploadArriving();
    List<Eviction.StoredEntry> services = new ArrayList<>();
    for (StoredService s : registry.list()) {
      services.add(new Eviction.StoredEntry(s.idHex(), directoryBytes(s.directory()), blockRefs(s),
          lastUse(s, lastUsed), live.containsKey(s.idHex()) || pinned.contains(s.idHex())));
    }
    List<Eviction.ImageEntry> images = new ArrayList<>();
    for (OwnedImage i : runtime.listImages()) {
      images.add(new Eviction.ImageEntry(i.ref(), i.serviceIdHex(), i.sizeBytes(), i.current()));
    }
    return new Stock(new Eviction.Inventory(services, blockSizes(), images, startsInFlight));
  }

  /** Its last recorded use, else (stored before uses were recorded) when it was stored. */
  private static long lastUse(StoredService s, Map<String, Long> lastUsed) throws IOException {
    Long t = lastUsed.get(s.idHex());
    return t != null ? t : Files.getLastModifiedTime(s.directory()).toMillis();
  }

  private static Set<String> blockRefs(StoredService s) throws IOException {
    Set<String> ids = new HashSet<>();
    for (SpooledMessage.Part p : s.message().parts()) {
      if (p instanceof SpooledMessage.BlockRef b) {
        ids.add(b.blockIdHex());
      }
    }
    return ids;
  }

  private Map<String, Long> blockSizes() throws IOException {
    Map<String, Long> sizes = new HashMap<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(blocks.directory())) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (Hashes.isSha3Hex(name)) {
          try {
            sizes.put(name, Files.size(p));
          } catch (NoSuchFileException gone) {
            // removed meanwhile
          }
        }
      }
    }
    return sizes;
  }

  private static long directoryBytes(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> {
        try {
          return Files.size(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).sum();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private List<OwnedImage> listImages() throws RemovalRefusedException {
    try {
      return runtime.listImages();
    } catch (RuntimeFailure e) {
      throw new RemovalRefusedException(RemovalRefusedException.Kind.ENGINE_UNAVAILABLE,
          e.getMessage() + "; nothing was removed", e);
    }
  }

  /** True while an upload is being spooled: its blocks may be in the store with no service yet. */
  private boolean uploadArriving() throws IOException {
    if (spoolDir == null || !Files.isDirectory(spoolDir)) {
      return false;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(spoolDir)) {
      return ds.iterator().hasNext();
    }
  }

  // ---- removing ----

  private void refuseIfLive(String id, String tag) throws StoreException, RemovalRefusedException {
    List<String> live = uses.liveInstances().getOrDefault(id, List.of());
    if (!live.isEmpty()) {
      throw new RemovalRefusedException(RemovalRefusedException.Kind.IN_USE, "service " + id + " (" + tag
          + ") is used by " + live.size() + " live instance(s) (" + String.join(", ", live.subList(0, Math.min(5, live.size())))
          + (live.size() > 5 ? ", …" : "") + "); stop them first (`celaut ls` shows them, `celaut stop TOKEN` stops one),"
          + " then remove it again");
    }
  }

  private boolean removeOrphanImage(Eviction.ImageEntry image) {
    try {
      runtime.removeImage(image.ref());
      log.info("event=image_collected image={} service={} bytes={} reason=orphan", image.ref(), image.serviceId(),
          image.bytes());
      return true;
    } catch (RuntimeFailure e) {
      log.info("event=image_kept image={} reason=\"{}\"", image.ref(), e.getMessage());
      return false;
    }
  }

  private boolean removeService(Eviction.RemoveService r, List<String> blocksOut) {
    String id = r.service().id();
    if (!pins.claim(id)) {
      log.info("event=service_kept service={} reason=\"a start is using it now\"", id);
      return false;
    }
    try {
      if (uses.liveInstances().containsKey(id)) {
        log.info("event=service_kept service={} reason=\"an instance started meanwhile\"", id);
        return false;
      }
      for (Eviction.ImageEntry image : r.images()) {
        runtime.removeImage(image.ref());
      }
      registry.remove(id);
      uses.forget(id);
      blocksOut.addAll(r.blocks().keySet());
      log.info("event=service_removed service={} freed_bytes={} last_used_ms={} reason=disk_budget budget_bytes={}",
          id, r.freedBytes(), r.service().lastUsedMillis(), budgetBytes);
      return true;
    } catch (RuntimeFailure | StoreException | IOException e) {
      log.warn("event=service_kept service={} error=\"{}\"", id, e.getMessage());
      return false;
    } finally {
      pins.release(id);
    }
  }

  /** Of {@code candidates}, the blocks in the store that no stored service references now. */
  private Set<String> unreferenced(Collection<String> candidates) throws IOException {
    if (candidates.isEmpty()) {
      return Set.of();
    }
    Set<String> referenced = new HashSet<>();
    for (StoredService s : registry.list()) {
      referenced.addAll(blockRefs(s));
    }
    Set<String> out = new HashSet<>();
    for (String b : candidates) {
      if (!referenced.contains(b) && blocks.contains(b)) {
        out.add(b);
      }
    }
    return out;
  }

  /**
   * Removes those of {@code candidates} no stored service references, if no start is in flight
   * and no upload arriving (rule 2 of {@link Eviction}); returns the ones removed.
   */
  private List<String> removeBlocks(Collection<String> candidates) throws IOException {
    if (candidates.isEmpty()) {
      return List.of();
    }
    if (!pins.lockBlocks()) {
      log.info("event=blocks_kept count={} reason=\"a start is in flight; they go at the next collection\"",
          candidates.size());
      return List.of();
    }
    try {
      if (uploadArriving()) {
        log.info("event=blocks_kept count={} reason=\"an upload is arriving; they go at the next collection\"",
            candidates.size());
        return List.of();
      }
      List<String> removed = new ArrayList<>();
      for (String b : unreferenced(candidates)) {
        if (blocks.remove(b)) {
          removed.add(b);
        }
      }
      return removed;
    } finally {
      pins.unlockBlocks();
    }
  }
}
