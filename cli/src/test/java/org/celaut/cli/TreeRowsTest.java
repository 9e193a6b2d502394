package org.celaut.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The order and depth {@code ls} shows instances in: each child right under its parent. */
class TreeRowsTest {

  record I(String id, String parent) {}

  private static List<String> shown(I... items) {
    return TreeRows.of(List.of(items), I::id, I::parent).stream()
        .map(r -> TreeRows.indent(r.depth()) + r.item().id()).toList();
  }

  @Test
  void childrenFollowTheirParentDepthFirstWhateverTheListOrder() {
    assertThat(shown(new I("c", "a"), new I("a", ""), new I("d", "c"), new I("b", ""), new I("e", "a")))
        .containsExactly("a", " \\_ c", "    \\_ d", " \\_ e", "b");
  }

  @Test
  void anInstanceWhoseParentIsNotListedIsARoot() {
    assertThat(shown(new I("x", "gone"), new I("y", null))).containsExactly("x", "y");
  }

  @Test
  void everyItemAppearsOnceEvenWithACycleOrDuplicates() {
    assertThat(shown(new I("p", "q"), new I("q", "p"), new I("s", "s"), new I("s", "s")))
        .containsExactlyInAnyOrder("p", " \\_ q", "s");
  }
}
