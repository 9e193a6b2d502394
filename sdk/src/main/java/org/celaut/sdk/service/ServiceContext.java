package org.celaut.sdk.service;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.celaut.proto.celaut.BytesKeyValue;
import org.celaut.proto.celaut.ConfigurationFile;
import org.celaut.proto.celaut.Instance;
import org.celaut.proto.celaut.ModifyServiceSystemResourcesInput;
import org.celaut.proto.celaut.ModifyServiceSystemResourcesOutput;
import org.celaut.proto.celaut.Service;
import org.celaut.proto.celaut.Sysresources;
import org.celaut.protocol.Hashes;
import org.celaut.sdk.client.CelautException;
import org.celaut.sdk.client.NodeClient;
import org.celaut.sdk.client.NodeUnavailableException;
import org.celaut.sdk.client.NotFoundException;
import org.celaut.sdk.client.RequestRejectedException;
import org.celaut.sdk.client.ServiceHandle;
import org.celaut.sdk.client.ServiceSource;
import org.celaut.sdk.client.StartOptions;
import org.celaut.sdk.client.UnsupportedByNodeException;
import org.celaut.sdk.internal.Async;
import org.celaut.sdk.internal.Calls;

/**
 * A running service's view of its node: the configuration it was started with, and calls to the
 * node on its own behalf (start and stop child services, change its resources).
 *
 * <p>The node writes the raw serialized {@code celaut.ConfigurationFile} into the instance before
 * its entrypoint runs, at {@code /__config__}. {@link #fromConfigFile()} reads it (or the file
 * named by the {@value #CONFIG_ENV} environment variable, for local development), and finds the
 * gateway as the reference's service library does: the first address of the gateway's {@code
 * uri_slot} whose {@code internal_port} is one of the gateway's API ports.
 *
 * <pre>{@code
 * try (ServiceContext ctx = ServiceContext.fromConfigFile()) {
 *   // CHILD_SERVICE: declared in pack_config.json (dependencies, dependencies_env: true)
 *   ServiceHandle child = ctx.startDependency("CHILD_SERVICE", StartOptions.builder().env("GREETING", "hi").build());
 *   InetSocketAddress at = child.siblingAddress(8080);   // the child's address on the node network
 *   ...
 *   ctx.stopChild(child.token());
 * }
 * }</pre>
 *
 * <p>Calls carry no client credential: the node recognizes its own instances by their address
 * on its network, and attributes a child to the instance that started it. A child started by
 * id whose body the node lacks is uploaded from {@code /__services__/<id hex>} when the service
 * ships it there (the packer embeds dependencies in that folder).
 *
 * <p><b>Dependencies.</b> A service declares the services it uses in its {@code
 * pack_config.json} ({@code "dependencies": {"NAME": "../child-project"}}); the packer embeds each
 * one under {@code /__services__/<id hex>} and, with {@code "dependencies_env": true}, lists {@code
 * NAME=<id hex>} in {@code /.dependencies}. {@link #dependency(String)} finds the id by name
 * (a variable of the same name set at start overrides it), and {@link #startDependency} starts
 * it, uploading the embedded file if the node has never seen the service.
 *
 * <p>Every blocking call has a {@link CompletableFuture} twin running on the context's executor.
 * Thread-safe; one per process is enough. {@link #close()} closes the connection to the node.
 */
public final class ServiceContext implements AutoCloseable {

  /** Where a node writes the config file of its instances (the protocol's default path). */
  public static final Path DEFAULT_CONFIG_FILE = Path.of("/__config__");

  /** Environment variable naming another config file, for running a service outside a node. */
  public static final String CONFIG_ENV = "CELAUT_CONFIG";

  /** Where a service ships the services it depends on, each file named by its id in hex. */
  public static final Path DEFAULT_SERVICES_DIR = Path.of("/__services__");

  /**
   * Where the packer lists a service's declared dependencies ({@code dependencies_env}): one
   * {@code NAME=<id hex>} line each.
   */
  public static final Path DEFAULT_DEPENDENCIES_FILE = Path.of("/.dependencies");

  /** Deadline of a resources change. */
  public static final Duration MODIFY_RESOURCES_TIMEOUT = Duration.ofSeconds(30);

  private final Path configFile;
  private final ConfigurationFile configuration;
  private final String gatewayAddress;
  private final Map<String, String> environment;
  private final Path servicesDir;
  private final Path dependenciesFile;
  private final UnaryOperator<String> getenv;
  private final NodeClient node;
  private final Executor executor;
  private final Map<String, ServiceSource> embedded = new ConcurrentHashMap<>();

  private ServiceContext(Path configFile, ConfigurationFile configuration, String gatewayAddress,
      Path servicesDir, Path dependenciesFile, UnaryOperator<String> getenv, NodeClient node) {
    this.configFile = configFile;
    this.configuration = configuration;
    this.gatewayAddress = gatewayAddress;
    Map<String, String> env = new LinkedHashMap<>();
    for (BytesKeyValue kv : configuration.getConfig().getEnvironmentVariablesList()) {
      env.put(kv.getKey(), kv.getValue().toString(StandardCharsets.UTF_8)); // last entry wins
    }
    this.environment = Map.copyOf(env);
    this.servicesDir = servicesDir;
    this.dependenciesFile = dependenciesFile;
    this.getenv = getenv;
    this.node = node;
    this.executor = node.executor();
  }

  /**
   * The context of this instance: reads {@code $CELAUT_CONFIG} if set, else {@code /__config__}.
   *
   * @throws ConfigFileException the file is missing, garbled or names no gateway
   */
  public static ServiceContext fromConfigFile() throws ConfigFileException {
    return builder().build();
  }

  /**
   * The context described by {@code configFile} (local development: a file written by hand or
   * copied out of an instance).
   *
   * @throws ConfigFileException the file is missing, garbled or names no gateway
   */
  public static ServiceContext fromConfigFile(Path configFile) throws ConfigFileException {
    return builder().configFile(configFile).build();
  }

  /** A builder, for a config file, embedded-services folder or executor other than the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The config file this context was read from. */
  public Path configFile() {
    return configFile;
  }

  /** The whole config file as the node wrote it. */
  public ConfigurationFile configuration() {
    return configuration;
  }

  /** The node's gateway as this instance reaches it, {@code host:port}. */
  public String gatewayAddress() {
    return gatewayAddress;
  }

  /**
   * A variable of the {@code Configuration} this instance was started with (its value as UTF-8
   * text). The node also sets each one whose name is a C identifier as a process environment
   * variable; the config file is read here because it holds them all.
   */
  public Optional<String> environment(String name) {
    return Optional.ofNullable(environment.get(name));
  }

  /** Every variable of the start's {@code Configuration}, by name. */
  public Map<String, String> environment() {
    return environment;
  }

  /** The resources this instance started with (its service's {@code at_init}, as the node applied it). */
  public Sysresources initialResources() {
    return configuration.getInitialSysresources();
  }

  /** The client of this instance's node, for calls beyond those here (metrics of a child, ...). */
  public NodeClient node() {
    return node;
  }

  /** Where {@link #startChild(String, StartOptions)} looks for embedded services. */
  public Path servicesDir() {
    return servicesDir;
  }

  /**
   * The file this service ships for service {@code serviceIdHex}, if any: {@code
   * <servicesDir>/<id hex>}.
   */
  public Optional<Path> embeddedService(String serviceIdHex) {
    Path p = servicesDir.resolve(serviceIdHex.toLowerCase(Locale.ROOT));
    return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
  }

  /** Where {@link #dependency(String)} reads the declared dependencies. */
  public Path dependenciesFile() {
    return dependenciesFile;
  }

  /**
   * The service id (64 lowercase hex characters) of the dependency {@code name}, looked up in
   * this order, the first non-blank value winning:
   *
   * <ol>
   *   <li>the variable {@code name} of the start's {@code Configuration} ({@link
   *       #environment(String)}), then the process environment variable {@code name}: whoever
   *       starts the service can point a dependency elsewhere;
   *   <li>the {@code name=} line of {@link #dependenciesFile()} ({@code /.dependencies}, written by
   *       the packer for a {@code pack_config.json} with {@code dependencies} and {@code
   *       "dependencies_env": true}).
   * </ol>
   *
   * <p>The file is read on each call; a missing file declares nothing.
   *
   * @return the id, or empty when {@code name} is declared nowhere
   * @throws IllegalArgumentException {@code name} is empty or holds {@code '='} or a line break
   * @throws IllegalStateException the value found is not a 64-hex service id (the message names
   *     where it was found), or the file exists but cannot be read
   */
  public Optional<String> dependency(String name) {
    if (name == null || name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\n') >= 0
        || name.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("a dependency name must be non-empty, without '=' or line breaks, got '"
          + name + "'");
    }
    Optional<String> started = environment(name).filter(v -> !v.isBlank());
    if (started.isPresent()) {
      return Optional.of(serviceId(name, started.get(), "the start variable " + name));
    }
    String env = getenv.apply(name);
    if (env != null && !env.isBlank()) {
      return Optional.of(serviceId(name, env, "the environment variable " + name));
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(dependenciesFile, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new IllegalStateException("dependency " + name + ": cannot read " + dependenciesFile + ": " + e, e);
    }
    String prefix = name + "=";
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.startsWith(prefix)) {
        return Optional.of(serviceId(name, line.substring(prefix.length()),
            dependenciesFile + " line " + (i + 1)));
      }
    }
    return Optional.empty();
  }

  private static String serviceId(String name, String value, String where) {
    String v = value.strip();
    if (!Hashes.isSha3Hex(v)) {
      throw new IllegalStateException("dependency " + name + ": " + where + " is not a service id (64 hex"
          + " characters): '" + value + "'");
    }
    return v.toLowerCase(Locale.ROOT);
  }

  /**
   * Starts the dependency {@code name}: {@link #startChild(String, StartOptions)} of {@link
   * #dependency(String) its id}, so its embedded file is uploaded if the node lacks the service.
   *
   * @throws IllegalStateException {@code name} is declared nowhere (the message says where it was
   *     looked for), or its value is not a service id
   * @throws NotFoundException the node lacks the service and it is not shipped here
   * @throws CelautException another failure of {@link #startChild(String, StartOptions)}
   */
  public ServiceHandle startDependency(String name, StartOptions options) throws CelautException {
    String id = dependency(name).orElseThrow(() -> new IllegalStateException("dependency " + name
        + " is not declared: no variable " + name + " at start or in the environment, and no " + name
        + "= line in " + dependenciesFile + " (declare it in pack_config.json: \"dependencies\": {\""
        + name + "\": ...}, \"dependencies_env\": true)"));
    return startChild(id, options);
  }

  /** {@link #startDependency} on the context's executor. */
  public CompletableFuture<ServiceHandle> startDependencyAsync(String name, StartOptions options) {
    return Async.run(executor, () -> startDependency(name, options));
  }

  /**
   * Starts a child service through this instance's node. The request carries no client: the node
   * attributes the child to this instance by its address.
   *
   * @throws NotFoundException the node lacks the service and {@code source} has no file
   * @throws RequestRejectedException the service is malformed or cannot run on this node
   * @throws NodeUnavailableException the node cannot be reached
   */
  public ServiceHandle startChild(ServiceSource source, StartOptions options) throws CelautException {
    return node.start(source, options);
  }

  /**
   * Starts a child service by id. If this service ships the child's file ({@link
   * #embeddedService}), it is uploaded when the node lacks the service; otherwise the node must
   * already hold it.
   *
   * @throws IllegalArgumentException the id is not 64 hex characters
   * @throws NotFoundException the node lacks the service and it is not shipped here
   * @throws CelautException the shipped file does not hash to the id (or another failure of
   *     {@link #startChild(ServiceSource, StartOptions)})
   */
  public ServiceHandle startChild(String serviceIdHex, StartOptions options) throws CelautException {
    return node.start(source(serviceIdHex), options);
  }

  /** {@link #startChild(ServiceSource, StartOptions)} on the context's executor. */
  public CompletableFuture<ServiceHandle> startChildAsync(ServiceSource source, StartOptions options) {
    return Async.run(executor, () -> startChild(source, options));
  }

  /** {@link #startChild(String, StartOptions)} on the context's executor. */
  public CompletableFuture<ServiceHandle> startChildAsync(String serviceIdHex, StartOptions options) {
    return Async.run(executor, () -> startChild(serviceIdHex, options));
  }

  /**
   * Stops a child by the token its start returned, and its own children first; returns the
   * refund (0 until the economy exists).
   *
   * @throws org.celaut.sdk.client.InstanceEndedException the child had already ended (a retried
   *     stop, say): nothing was stopped, nothing is left to stop
   * @throws NotFoundException the node never had an instance with that token
   */
  public BigInteger stopChild(String token) throws CelautException {
    return node.stop(token);
  }

  /** {@link #stopChild} on the context's executor. */
  public CompletableFuture<BigInteger> stopChildAsync(String token) {
    return Async.run(executor, () -> stopChild(token));
  }

  /**
   * Asks the node to change this instance's resources to at most {@code max}
   * (ModifyServiceSystemResources); returns the resources now in force, which the node may have
   * set lower than asked.
   *
   * @throws UnsupportedByNodeException the node does not change resources of running instances
   * @throws org.celaut.sdk.client.ResourcesExhaustedException the node cannot give that much
   */
  public Sysresources modifyResources(Sysresources max) throws CelautException {
    ModifyServiceSystemResourcesOutput out = Calls.exchange(
        () -> node.open("ModifyServiceSystemResources", MODIFY_RESOURCES_TIMEOUT), "modify resources",
        node.address(), MODIFY_RESOURCES_TIMEOUT,
        List.of(new Calls.Part(1, ModifyServiceSystemResourcesInput.newBuilder().setMaxSysreq(max).build())),
        1, ModifyServiceSystemResourcesOutput.class);
    return out.getSysreq();
  }

  /** {@link #modifyResources} on the context's executor. */
  public CompletableFuture<Sysresources> modifyResourcesAsync(Sysresources max) {
    return Async.run(executor, () -> modifyResources(max));
  }

  /** Closes the connection to the node (and the executor, if the context made it). */
  @Override
  public void close() {
    node.close();
  }

  private ServiceSource source(String serviceIdHex) throws CelautException {
    ServiceSource byId = ServiceSource.byId(serviceIdHex);
    Optional<Path> file = embeddedService(byId.idHex());
    if (file.isEmpty()) {
      return byId;
    }
    ServiceSource cached = embedded.get(byId.idHex());
    if (cached != null) {
      return cached;
    }
    ServiceSource fromFile;
    try {
      fromFile = ServiceSource.fromFile(file.get());
    } catch (IOException e) {
      throw new CelautException("start " + byId.idHex() + ": cannot read the shipped service " + file.get()
          + ": " + e.getMessage(), null, e);
    }
    if (!fromFile.idHex().equals(byId.idHex())) {
      throw new CelautException("start " + byId.idHex() + ": the shipped service " + file.get()
          + " hashes to " + fromFile.idHex() + ", not to the id it is named by", null, null);
    }
    embedded.put(byId.idHex(), fromFile);
    return fromFile;
  }

  /**
   * The gateway address in a config file: the first uri of the first {@code uri_slot} whose
   * {@code internal_port} is one of the gateway's API slot ports.
   */
  static String gatewayAddress(Path file, ConfigurationFile cfg) throws ConfigFileException {
    if (!cfg.hasGateway()) {
      throw new ConfigFileException(file, "it has no gateway (field 1), so it does not say where the node is;"
          + " is it a serialized celaut.ConfigurationFile?", null);
    }
    Instance gw = cfg.getGateway();
    Set<Integer> ports = gw.getApi().getSlotList().stream().map(Service.Api.Slot::getPort).collect(Collectors.toSet());
    for (Instance.Uri_Slot slot : gw.getUriSlotList()) {
      if (ports.contains(slot.getInternalPort()) && slot.getUriCount() > 0) {
        Instance.Uri u = slot.getUri(0);
        if (u.getIp().isEmpty() || u.getPort() <= 0 || u.getPort() > 65535) {
          throw new ConfigFileException(file, "the gateway's address for port " + slot.getInternalPort()
              + " is not usable: ip '" + u.getIp() + "', port " + u.getPort(), null);
        }
        return (u.getIp().contains(":") ? "[" + u.getIp() + "]" : u.getIp()) + ":" + u.getPort();
      }
    }
    throw new ConfigFileException(file, "the gateway has no address for any of its API ports " + ports
        + " (its uri_slot ports: " + gw.getUriSlotList().stream().map(Instance.Uri_Slot::getInternalPort).toList()
        + ")", null);
  }

  /**
   * Builder of a {@link ServiceContext}. Every setting has a default: the config file {@code
   * $CELAUT_CONFIG} or {@code /__config__}, the services folder {@code /__services__}, the
   * dependencies file {@code /.dependencies}, and an executor the context owns.
   */
  public static final class Builder {
    private Path configFile;
    private Path servicesDir = DEFAULT_SERVICES_DIR;
    private Path dependenciesFile = DEFAULT_DEPENDENCIES_FILE;
    private Executor executor;

    Builder() {}

    /** Reads this config file instead of {@code $CELAUT_CONFIG} or {@code /__config__}. */
    public Builder configFile(Path file) {
      this.configFile = file;
      return this;
    }

    /** Looks for embedded services here instead of {@code /__services__}. */
    public Builder servicesDir(Path dir) {
      this.servicesDir = dir;
      return this;
    }

    /** Reads declared dependencies from this file instead of {@code /.dependencies}. */
    public Builder dependenciesFile(Path file) {
      this.dependenciesFile = file;
      return this;
    }

    /** Runs the {@code …Async} calls here (never shut down by the context). */
    public Builder executor(Executor e) {
      this.executor = e;
      return this;
    }

    /**
     * Reads the config file and connects (lazily) to the node it names.
     *
     * @throws ConfigFileException the file is missing, garbled or names no gateway
     */
    public ServiceContext build() throws ConfigFileException {
      return build(System::getenv);
    }

    /** {@link #build()} with the environment given (tests cannot set the process's own). */
    ServiceContext build(UnaryOperator<String> getenv) throws ConfigFileException {
      Path file = configFile;
      if (file == null) {
        String env = getenv.apply(CONFIG_ENV);
        file = env == null || env.isBlank() ? DEFAULT_CONFIG_FILE : Path.of(env);
      }
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(file);
      } catch (NoSuchFileException e) {
        throw new ConfigFileException(file, "no such file: a Celaut node writes it into each instance before"
            + " the service starts; outside a node, set " + CONFIG_ENV + " to a config file", e);
      } catch (IOException e) {
        throw new ConfigFileException(file, "cannot read it: " + e.getMessage(), e);
      }
      ConfigurationFile cfg;
      try {
        cfg = ConfigurationFile.parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        throw new ConfigFileException(file, "not a serialized celaut.ConfigurationFile (" + bytes.length
            + " bytes): " + e.getMessage(), e);
      }
      String gateway = gatewayAddress(file, cfg);
      NodeClient client;
      try {
        client = NodeClient.connect(gateway, executor);
      } catch (IOException e) {
        throw new ConfigFileException(file, "cannot set up a client for the gateway " + gateway + ": "
            + e.getMessage(), e);
      } catch (IllegalArgumentException e) {
        throw new ConfigFileException(file, "the gateway address " + gateway + " is not usable: "
            + e.getMessage(), e);
      }
      return new ServiceContext(file, cfg, gateway, servicesDir, dependenciesFile, getenv, client);
    }
  }
}
