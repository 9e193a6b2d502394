package org.celaut.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.celaut.node.Node;
import org.celaut.node.NodeStartException;
import org.celaut.node.config.NodeConfig;
import org.celaut.node.config.NodeConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code celaut node}: run a node. */
@Command(name = "node", mixinStandardHelpOptions = true, description = "Run a Celaut node.",
    subcommands = NodeCommand.Run.class)
final class NodeCommand implements java.util.concurrent.Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    return CelautCommand.missingSubcommand(spec);
  }

  /** {@code celaut node run}. */
  @Command(name = "run", mixinStandardHelpOptions = true,
      description = "Run a node in the foreground until interrupted (Ctrl-C / SIGTERM stop it gracefully)."
          + " Settings come from defaults, then --config FILE, then CELAUT_* environment variables, then flags.")
  static final class Run implements Runnable {

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "<file>", description = "Properties file with node settings (keys as the flags, without '--').")
    Path configFile;

    @Option(names = "--data-dir", paramLabel = "<dir>", description = "Where the node keeps its database, services and blocks (default: " + ".celaut/node" + ").")
    String dataDir;

    @Option(names = "--port", paramLabel = "<port>", description = "Gateway port (default: 8090; 0 picks a free one).")
    Integer port;

    @Option(names = "--bind-host", paramLabel = "<host>", description = "Address the gateway listens on (default: 127.0.0.1).")
    String bindHost;

    @Option(names = "--advertised-host", paramLabel = "<host>", description = "Host clients reach instances on (default: the bind host).")
    String advertisedHost;

    @Option(names = "--docker-host", paramLabel = "<uri>", description = "Docker engine endpoint (default: unix:///var/run/docker.sock).")
    String dockerHost;

    @Option(names = "--network-name", paramLabel = "<name>", description = "Docker network for instances (default: celaut-<node id>).")
    String networkName;

    @Option(names = "--default-mem-limit-bytes", paramLabel = "<bytes>",
        description = "Memory of instances whose service declares none: bytes, or with a KiB/MiB/GiB suffix (default: 256MiB).")
    String defaultMem;

    @Option(names = "--max-service-bytes", paramLabel = "<bytes>",
        description = "Largest service body accepted: bytes, or with a KiB/MiB/GiB suffix (default: 4GiB).")
    String maxService;

    @Option(names = "--stop-instances-on-shutdown", arity = "0..1", fallbackValue = "true", paramLabel = "<true|false>",
        description = "Stop every instance when the node stops (default: false: they keep running and are adopted at the next start).")
    String stopOnShutdown;

    @Option(names = "--set", paramLabel = "<key=value>",
        description = "Any other setting, by its config-file key (repeatable), e.g. --set max-child-depth=4.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Override
    public void run() {
      // Named flags win over --set for the same key: they are the more specific spelling.
      Map<String, String> flags = new LinkedHashMap<>(settings);
      put(flags, "data-dir", dataDir);
      put(flags, "port", port == null ? null : port.toString());
      put(flags, "bind-host", bindHost);
      put(flags, "advertised-host", advertisedHost);
      put(flags, "docker-host", dockerHost);
      put(flags, "network-name", networkName);
      put(flags, "default-mem-limit-bytes", defaultMem);
      put(flags, "max-service-bytes", maxService);
      put(flags, "stop-instances-on-shutdown", stopOnShutdown);
      NodeConfig config;
      try {
        Map<String, String> file = configFile == null ? Map.of() : NodeConfigLoader.readFile(configFile);
        config = NodeConfigLoader.load(file, NodeConfigLoader.fromEnvironment(System.getenv()), flags);
      } catch (IOException e) {
        throw CliFailure.usage("cannot read the config file " + configFile + ": " + e.getMessage());
      } catch (IllegalArgumentException e) {
        // An unknown key or a bad value, from the file, the environment or the flags: the node
        // was started wrongly, and nothing was attempted.
        throw CliFailure.usage(e.getMessage());
      }
      Node node;
      try {
        node = Node.start(config, Clock.systemUTC());
      } catch (NodeStartException e) {
        throw new CliFailure(e.getMessage());
      }
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        node.close();
        stopped.countDown();
      }, "celaut-node-shutdown"));
      spec.commandLine().getOut().println("celaut node " + node.nodeId() + " listening on "
          + config.bindHost() + ":" + node.port());
      spec.commandLine().getOut().flush();
      try {
        stopped.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private static void put(Map<String, String> m, String k, String v) {
      if (v != null) {
        m.put(k, v);
      }
    }
  }
}
