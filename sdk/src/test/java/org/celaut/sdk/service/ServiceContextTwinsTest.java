package org.celaut.sdk.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.celaut.proto.celaut.ConfigurationFile;
import org.celaut.proto.celaut.Sysresources;
import org.celaut.sdk.client.NodeUnavailableException;
import org.celaut.sdk.client.StartOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The context's calls have twins on its executor, failing with the blocking call's type: here
 * the config names a gateway where no node listens.
 */
class ServiceContextTwinsTest {

  @TempDir Path tmp;

  @Test
  void twinsRunOnTheGivenExecutorAndAnAbsentNodeIsUnavailable() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path cfg = ConfigFiles.write(tmp.resolve("cfg"), ConfigFiles.of(ConfigFiles.gateway("127.0.0.1", port),
        Map.of(), Sysresources.getDefaultInstance()));
    AtomicInteger ran = new AtomicInteger();
    try (ServiceContext ctx = ServiceContext.builder().configFile(cfg).servicesDir(tmp)
        .executor(r -> new Thread(() -> {
          ran.incrementAndGet();
          r.run();
        }).start())
        .build()) {
      for (var f : java.util.List.of(
          ctx.startChildAsync("ab".repeat(32), StartOptions.defaults()),
          ctx.stopChildAsync("t"),
          ctx.modifyResourcesAsync(Sysresources.newBuilder().setMemLimit(1 << 26).build()))) {
        try {
          f.get(30, TimeUnit.SECONDS);
          throw new AssertionError("completed");
        } catch (ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(NodeUnavailableException.class)
              .hasMessageContaining(String.valueOf(port)).as("names where it tried");
        }
      }
      assertThat(ran).hasValue(3);
    }
    ConfigurationFile unused = ConfigurationFile.getDefaultInstance();
    assertThat(unused.hasGateway()).isFalse();
  }
}
