package org.celaut.node.instances;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.celaut.proto.celaut.RecursionGuard;
import org.junit.jupiter.api.Test;

/** The reference's recursion guard rules: token shape, hops, and one answer per tree at a time. */
class RecursionGuardsTest {

  private static RecursionGuard guard(String token) {
    return RecursionGuard.newBuilder().setToken(token).build();
  }

  private static RecursionGuard guard(String token, int hops) {
    return RecursionGuard.newBuilder().setToken(token).setRemainingHops(hops).build();
  }

  @Test
  void aGuardWithoutHopsGetsTheNodesMost() throws Exception {
    assertThat(RecursionGuards.check(guard("tree-1:a.b_c"), 16)).contains(new RecursionGuards.Checked("tree-1:a.b_c", 16));
  }

  @Test
  void hopsAboveTheNodesMostAreClamped() throws Exception {
    assertThat(RecursionGuards.check(guard("t", 500), 16).orElseThrow().remainingHops()).isEqualTo(16);
    assertThat(RecursionGuards.check(guard("t", -1), 16).orElseThrow().remainingHops())
        .as("uint32 max read as a negative int").isEqualTo(16);
    assertThat(RecursionGuards.check(guard("t", 3), 16).orElseThrow().remainingHops()).isEqualTo(3);
    assertThat(RecursionGuards.check(guard("t", 1), 16).orElseThrow().remainingHops()).isEqualTo(1);
  }

  @Test
  void noHopsLeftIsRefusedInTheReferencesWords() {
    assertThatThrownBy(() -> RecursionGuards.check(guard("tree-9", 0), 16))
        .isInstanceOfSatisfying(LaunchRefusedException.class, e -> {
          assertThat(e.kind()).isEqualTo(LaunchRefusedException.Kind.FORBIDDEN);
          assertThat(e.getMessage()).startsWith("Recursion depth exhausted, recursion token: tree-9");
        });
  }

  @Test
  void malformedTokensAreRefusedInTheReferencesWords() {
    for (String bad : List.of("x".repeat(129), "has space", "slash/", "ü", "")) {
      RecursionGuard g = bad.isEmpty() ? guard(bad, 3) : guard(bad);
      assertThatThrownBy(() -> RecursionGuards.check(g, 16))
          .as(bad)
          .isInstanceOfSatisfying(LaunchRefusedException.class, e -> {
            assertThat(e.kind()).isEqualTo(LaunchRefusedException.Kind.FORBIDDEN);
            assertThat(e.getMessage()).startsWith("Malformed recursion token");
          });
    }
    assertThat(RecursionGuards.wellFormed("x".repeat(128))).isTrue();
  }

  @Test
  void anAllDefaultGuardIsNoGuard() throws Exception {
    assertThat(RecursionGuards.check(RecursionGuard.getDefaultInstance(), 16)).isEmpty();
  }

  @Test
  void aTreeIsAnsweredOnceAtATimeAndFreedWhenTheCallEnds() throws Exception {
    TreesInFlight trees = new TreesInFlight();
    TreesInFlight.Lease lease = trees.enter("T");
    assertThat(trees.holds("T")).isTrue();
    assertThatThrownBy(() -> trees.enter("T"))
        .isInstanceOfSatisfying(LaunchRefusedException.class, e -> {
          assertThat(e.kind()).isEqualTo(LaunchRefusedException.Kind.FORBIDDEN);
          assertThat(e.getMessage()).startsWith("Block recursion loop, recursion token: T");
        });
    trees.enter("other").close();
    lease.close();
    assertThat(trees.holds("T")).isFalse();
    TreesInFlight.Lease again = trees.enter("T");
    lease.close(); // a second close of the old lease must not free the new holder's token
    assertThat(trees.holds("T")).isTrue();
    again.close();
  }

  @Test
  void ofManyConcurrentRequestsForOneTreeExactlyOneGetsIt() throws Exception {
    TreesInFlight trees = new TreesInFlight();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        results.add(pool.submit(() -> {
          go.await();
          try {
            trees.enter("same");
            return true;
          } catch (LaunchRefusedException e) {
            return false;
          }
        }));
      }
      go.countDown();
      int won = 0;
      for (Future<Boolean> f : results) {
        won += f.get(10, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(won).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }
}
