package org.celaut.testkit;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.celaut.node.Node;
import org.celaut.node.NodeStartException;
import org.celaut.node.config.NodeConfig;
import org.celaut.node.runtime.OwnedImage;
import org.celaut.node.runtime.RuntimeFailure;
import org.celaut.node.runtime.docker.DockerRuntime;
import org.celaut.node.runtime.docker.DockerRuntimeConfig;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts real nodes for a test class and, once the class is done (its nodes closed), removes every
 * image they built, so a test run leaves no images behind. Removal is never forced: an image a
 * container still uses fails the class, naming it, since some test leaked that container.
 *
 * <p>Register it with {@code @RegisterExtension static final TestNodes nodes = new TestNodes();}
 * and start every node through {@link #start}, or {@link #track} one started another way.
 */
public final class TestNodes implements AfterAllCallback {

  private final Set<String> nodeIds = ConcurrentHashMap.newKeySet();

  /** Starts a node and remembers it. */
  public Node start(NodeConfig config) throws NodeStartException {
    Node node = Node.start(config, Clock.systemUTC());
    nodeIds.add(node.nodeId());
    return node;
  }

  /** Remembers a node started some other way (e.g. in a child process), to remove its images too. */
  public void track(String nodeId) {
    nodeIds.add(nodeId);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    List<String> left = new ArrayList<>();
    for (String nodeId : nodeIds) {
      try (DockerRuntime docker = DockerRuntime.connect(DockerRuntimeConfig.defaults(nodeId))) {
        for (OwnedImage image : docker.listImages()) {
          try {
            docker.removeImage(image.ref());
          } catch (RuntimeFailure e) {
            left.add(image.ref() + " (" + e.getMessage() + ")");
          }
        }
      }
    }
    nodeIds.clear();
    if (!left.isEmpty()) {
      throw new AssertionError("the test nodes of " + context.getDisplayName()
          + " left images that could not be removed: " + left);
    }
  }
}
