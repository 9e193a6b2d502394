package org.celaut.node.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.celaut.node.runtime.Fs.file;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.celaut.node.runtime.ContainerLabels;
import org.celaut.node.runtime.FilesystemTar;
import org.celaut.node.runtime.ImageSource;
import org.celaut.node.runtime.RuntimeFailure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** A service's image is built once, labelled, and never half-built. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DockerRuntimeImagesTest {
  private DockerFixture fx;

  @BeforeAll
  void connect() {
    fx = new DockerFixture();
  }

  @AfterAll
  void cleanUp() {
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  void ensuringAnImageTwiceImportsItOnce() throws RuntimeFailure {
    String id = fx.serviceId("twice");
    ByteString fs = fx.busyboxFilesystem();
    AtomicInteger tarWrites = new AtomicInteger();
    ImageSource source =
        new ImageSource(
            id,
            out -> {
              tarWrites.incrementAndGet();
              FilesystemTar.write(fs, fx.blocks, out);
            });

    assertThat(fx.runtime.hasImage(id)).isFalse();
    String first = fx.runtime.ensureImage(source);
    String second = fx.runtime.ensureImage(source);

    assertThat(first).isEqualTo(second).isEqualTo(fx.repository + ":" + id);
    assertThat(tarWrites).hasValue(1);
    assertThat(fx.runtime.hasImage(id)).isTrue();
    assertThat(fx.verify.inspectImageCmd(first).exec().getConfig().getLabels())
        .containsEntry(ContainerLabels.NODE, fx.nodeId)
        .containsEntry(ContainerLabels.SERVICE, id);
  }

  @Test
  void concurrentCallsForOneServiceShareOneImport() throws Exception {
    String id = fx.serviceId("concurrent");
    ByteString fs = fx.busyboxFilesystem();
    AtomicInteger tarWrites = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    ImageSource source =
        new ImageSource(
            id,
            out -> {
              tarWrites.incrementAndGet();
              try {
                // Hold the first import open until the second caller is waiting for it.
                release.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              FilesystemTar.write(fs, fx.blocks, out);
            });

    CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> ensure(source));
    await().atMost(Duration.ofSeconds(20)).until(() -> tarWrites.get() == 1);
    Thread[] second = new Thread[1];
    CompletableFuture<String> secondResult = new CompletableFuture<>();
    second[0] = new Thread(() -> secondResult.complete(ensure(source)));
    second[0].start();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> second[0].getState() == Thread.State.WAITING);
    release.countDown();

    assertThat(first.get(60, TimeUnit.SECONDS)).isEqualTo(secondResult.get(60, TimeUnit.SECONDS));
    assertThat(tarWrites).hasValue(1);
  }

  @Test
  void aMalformedFilesystemIsTheServicesFaultAndLeavesNoImage() throws RuntimeFailure {
    String id = fx.serviceId("malformed");
    ByteString fs = fx.busyboxFilesystem(file("..", "escape"));

    assertThatThrownBy(() -> fx.runtime.ensureImage(fx.imageSource(id, fs)))
        .isInstanceOfSatisfying(
            RuntimeFailure.class,
            f -> {
              assertThat(f.kind()).isEqualTo(RuntimeFailure.Kind.SERVICE_INVALID);
              assertThat(f.getMessage()).contains("bad entry name \"..\"");
            });
    assertThat(fx.runtime.hasImage(id)).isFalse();
  }

  private String ensure(ImageSource source) {
    try {
      return fx.runtime.ensureImage(source);
    } catch (RuntimeFailure e) {
      throw new AssertionError(e);
    }
  }
}
