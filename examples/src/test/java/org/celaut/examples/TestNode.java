package org.celaut.examples;

import java.nio.file.Path;
import org.celaut.node.config.NodeConfig;
import org.celaut.sdk.pack.PackResult;
import org.celaut.testkit.HelloHttp;

/** Helpers for end-to-end tests: a real node in this JVM, the example packed from the repo. */
final class TestNode {

  /** The network every end-to-end node shares, so test runs do not pile up networks. */
  static final String NETWORK = "celaut-e2e";

  private TestNode() {}

  static Path projectDir() {
    return HelloHttp.checkout();
  }

  /**
   * Config of a test node: its own data dir, a free port, instances stopped when it stops. Start
   * it with {@link org.celaut.testkit.TestNodes#start}, which removes the images it built once the
   * test class is done.
   */
  static NodeConfig config(Path dataDir) {
    return NodeConfig.defaults()
        .withDataDir(dataDir)
        .withPort(0)
        .withNetworkName(NETWORK)
        .withStopInstancesOnShutdown(true);
  }

  /** hello-http packed from a copy of the checkout's example ({@link HelloHttp#pack}). */
  static PackResult packHelloHttp(Path work) throws Exception {
    return HelloHttp.pack(projectDir(), work);
  }
}
