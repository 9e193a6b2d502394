package org.celaut.sdk.pack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Random small trees pack to one id however, whenever and in whatever order they were made. */
class RandomTreesPackDeterministicallyTest {

  enum Kind { FILE, DIR, LINK }

  /** One entry to create under rootfs/t (so /bin/run, the entrypoint, is never clobbered). */
  record Entry(List<String> path, Kind kind, byte[] content, String mode, String target) {}

  private final ServicePacker packer = new ServicePacker();

  @Property(tries = 40)
  void packingTwiceOrACopyMadeInAnotherOrderGivesOneId(
      @ForAll("trees") List<Entry> wanted, @ForAll Random random) throws Exception {
    List<Entry> tree = consistent(wanted);
    Path tmp = Files.createTempDirectory("pack-prop");
    try {
      TestProject a = TestProject.minimal(tmp.resolve("a"));
      TestProject b = TestProject.minimal(tmp.resolve("b"));
      materialize(a, tree);
      List<Entry> shuffled = new ArrayList<>(tree);
      Collections.shuffle(shuffled, random);
      materialize(b, shuffled);
      Files.setLastModifiedTime(b.at("/t"), FileTime.from(Instant.EPOCH));

      String first = packer.pack(a.dir, tmp.resolve("1.service")).serviceIdHex();
      String again = packer.pack(a.dir, tmp.resolve("2.service")).serviceIdHex();
      String copy = packer.pack(b.dir, tmp.resolve("3.service")).serviceIdHex();

      assertThat(again).isEqualTo(first);
      assertThat(copy).isEqualTo(first);
      assertThat(Files.readAllBytes(tmp.resolve("3.service")))
          .isEqualTo(Files.readAllBytes(tmp.resolve("1.service")));
    } finally {
      TestProject.deleteTree(tmp);
    }
  }

  @Provide
  Arbitrary<List<Entry>> trees() {
    Arbitrary<String> name =
        Arbitraries.strings().withChars("abAB_.-0").ofMinLength(1).ofMaxLength(3)
            .filter(s -> !s.equals(".") && !s.equals(".."));
    Arbitrary<Entry> entry =
        Builders.withBuilder(() -> new Object[5])
            .use(name.list().ofMinSize(1).ofMaxSize(3)).in((o, p) -> { o[0] = p; return o; })
            .use(Arbitraries.of(Kind.class)).in((o, k) -> { o[1] = k; return o; })
            .use(Arbitraries.bytes().array(byte[].class).ofMaxSize(40)).in((o, c) -> { o[2] = c; return o; })
            .use(Arbitraries.integers().between(0, 6)).in((o, m) -> { o[3] = m; return o; })
            .use(Arbitraries.of("x", "../a", "/t/b", ".", "a/../../B", "/")).in((o, t) -> { o[4] = t; return o; })
            .build(RandomTreesPackDeterministicallyTest::entry);
    return entry.list().ofMaxSize(12);
  }

  @SuppressWarnings("unchecked")
  private static Entry entry(Object[] o) {
    Kind kind = (Kind) o[1];
    int m = (Integer) o[3];
    // Owner bits always allow what packing needs (read files, list directories) when not root.
    String mode =
        kind == Kind.DIR
            ? List.of("rwxr-xr-x", "rwx------", "rwxr-x---", "rwx--x--x", "rwxrwxrwx", "rwxr-xr-x", "rwx-w--w-").get(m)
            : List.of("rw-r--r--", "rwxr-xr-x", "rw-------", "r--------", "rw-r-----", "r--r--r--", "r-xr-xr-x").get(m);
    return new Entry((List<String>) o[0], kind, (byte[]) o[2], mode, (String) o[4]);
  }

  /** Keeps the entries that fit together: none lies inside a file or link, none appears twice. */
  private static List<Entry> consistent(List<Entry> wanted) {
    Map<List<String>, Kind> taken = new HashMap<>();
    List<Entry> out = new ArrayList<>();
    next:
    for (Entry e : wanted) {
      for (int i = 1; i < e.path().size(); i++) {
        Kind parent = taken.get(e.path().subList(0, i));
        if (parent != null && parent != Kind.DIR) {
          continue next;
        }
      }
      if (taken.containsKey(e.path())) {
        continue;
      }
      // Entries below it later make it an implicit directory; a file there would clash.
      boolean hasChildren =
          taken.keySet().stream()
              .anyMatch(k -> k.size() > e.path().size() && k.subList(0, e.path().size()).equals(e.path()));
      if (hasChildren && e.kind() != Kind.DIR) {
        continue;
      }
      for (int i = 1; i < e.path().size(); i++) {
        taken.putIfAbsent(List.copyOf(e.path().subList(0, i)), Kind.DIR);
      }
      taken.put(e.path(), e.kind());
      out.add(e);
    }
    return out;
  }

  /** Creates the entries in the given order, then sets every mode (children first). */
  private static void materialize(TestProject p, List<Entry> entries) throws Exception {
    Files.createDirectories(p.at("/t"));
    for (Entry e : entries) {
      Path path = p.at("/t/" + String.join("/", e.path()));
      Files.createDirectories(path.getParent());
      switch (e.kind()) {
        case FILE -> Files.write(path, e.content());
        case DIR -> Files.createDirectories(path);
        case LINK -> Files.createSymbolicLink(path, Path.of(e.target()));
      }
    }
    List<Entry> deepestFirst = new ArrayList<>(entries);
    deepestFirst.sort((x, y) -> y.path().size() - x.path().size());
    for (Entry e : deepestFirst) {
      if (e.kind() != Kind.LINK) {
        Path path = p.at("/t/" + String.join("/", e.path()));
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(e.mode()));
      }
    }
  }
}
