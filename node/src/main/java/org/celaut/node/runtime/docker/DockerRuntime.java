package org.celaut.node.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerResponse;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Image;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.Statistics;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.celaut.node.runtime.ContainerLabels;
import org.celaut.node.runtime.ContainerRuntime;
import org.celaut.node.runtime.ContainerSpec;
import org.celaut.node.runtime.ContainerState;
import org.celaut.node.runtime.ContainerStats;
import org.celaut.node.runtime.ImageSource;
import org.celaut.node.runtime.MalformedFilesystemException;
import org.celaut.node.runtime.NodeNetwork;
import org.celaut.node.runtime.OwnedContainer;
import org.celaut.node.runtime.OwnedImage;
import org.celaut.node.runtime.PaxTarWriter;
import org.celaut.node.runtime.RuntimeFailure;
import org.celaut.node.runtime.RuntimeFailure.Kind;
import org.celaut.node.runtime.StartedContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ContainerRuntime} over the Docker Engine API (docker-java, zerodep transport).
 *
 * <p>Images are {@code <repository>:<service id hex>}, imported from the tar the {@link
 * ImageSource} writes (streamed through a pipe: the root filesystem is never in memory) and
 * labelled with the owner node and the service. Containers run the service's entrypoint with no
 * arguments, on the node's bridge network, with their API ports published on an engine-chosen host
 * port. The config file is copied in before the container starts.
 *
 * <p>Thread-safe: the engine client pools its connections, and concurrent {@link #ensureImage}
 * calls for the same service share one import.
 */
public final class DockerRuntime implements ContainerRuntime {
  private static final Logger log = LoggerFactory.getLogger(DockerRuntime.class);

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final int MAX_CONNECTIONS = 50;
  private static final int IMPORT_PIPE_BYTES = 1 << 20;
  private static final int CONFIG_FILE_MODE = 0444;
  private static final int EXIT_LOG_TAIL_LINES = 20;
  private static final Pattern SERVICE_ID_HEX = Pattern.compile("[0-9a-f]{64}");
  private static final String BRIDGE_DRIVER = "bridge";
  private static final String NO_NEW_PRIVILEGES = "no-new-privileges";

  private final DockerRuntimeConfig config;
  private final DockerHttpClient http;

  /** Separate transport without a response timeout: an import takes as long as the image is big. */
  private final DockerHttpClient importHttp;

  private final DockerClient docker;
  private final EngineErrors errors;

  /** One import per service id at a time; later callers wait for it instead of importing again. */
  private final ConcurrentMap<String, CompletableFuture<String>> importsInFlight =
      new ConcurrentHashMap<>();

  /**
   * Prepares a client for the engine at {@code config.dockerHost()}; nothing is contacted until the
   * first call. Use {@link #connect} to fail fast when the engine is down.
   */
  public DockerRuntime(DockerRuntimeConfig config) {
    this.config = config;
    URI host = URI.create(config.dockerHost());
    this.http =
        new ZerodepDockerHttpClient.Builder()
            .dockerHost(host)
            .maxConnections(MAX_CONNECTIONS)
            .connectionTimeout(CONNECT_TIMEOUT)
            .responseTimeout(config.startTimeout())
            .build();
    this.importHttp =
        new ZerodepDockerHttpClient.Builder()
            .dockerHost(host)
            .maxConnections(4)
            .connectionTimeout(CONNECT_TIMEOUT)
            .build();
    // No API version: the engine answers in its own, so old and new engines both work.
    DefaultDockerClientConfig clientConfig =
        new DefaultDockerClientConfig.Builder()
            .withDockerHost(config.dockerHost())
            .withDockerTlsVerify(false)
            .build();
    this.docker = DockerClientImpl.getInstance(clientConfig, http);
    this.errors = new EngineErrors(config.dockerHost());
  }

  /**
   * A runtime whose engine has just answered a ping.
   *
   * @throws RuntimeFailure {@code ENGINE_UNAVAILABLE} if the engine does not answer
   */
  public static DockerRuntime connect(DockerRuntimeConfig config) throws RuntimeFailure {
    DockerRuntime runtime = new DockerRuntime(config);
    try {
      runtime.docker.pingCmd().exec();
      return runtime;
    } catch (RuntimeException e) {
      runtime.close();
      throw new RuntimeFailure(
          Kind.ENGINE_UNAVAILABLE,
          "cannot reach the Docker engine at "
              + config.dockerHost()
              + ": is dockerd running? Start it (e.g. `systemctl start docker`) or point the node"
              + " at the right socket. ("
              + rootMessage(e)
              + ")",
          e);
    }
  }

  /** The configuration this runtime was built with. */
  public DockerRuntimeConfig config() {
    return config;
  }

  /** The image reference of a service: {@code <repository>:<service id hex>}. */
  public String imageRef(String serviceIdHex) {
    return config.imageRepository() + ":" + serviceIdHex;
  }

  // ---- images ----

  @Override
  public String ensureImage(ImageSource source) throws RuntimeFailure {
    String id = checkServiceId(source.serviceIdHex());
    String ref = imageRef(id);
    if (hasImage(id)) {
      return ref;
    }
    CompletableFuture<String> mine = new CompletableFuture<>();
    CompletableFuture<String> running = importsInFlight.putIfAbsent(id, mine);
    if (running != null) {
      return awaitImport(id, running);
    }
    try {
      // Checked again under the claim: another import may have finished since the first look.
      if (!hasImage(id)) {
        importImage(source, ref);
      }
      mine.complete(ref);
      return ref;
    } catch (Throwable e) {
      // Errors too: a caller waiting on this import must never wait forever.
      mine.completeExceptionally(e);
      throw e;
    } finally {
      importsInFlight.remove(id, mine);
    }
  }

  @Override
  public boolean hasImage(String serviceIdHex) throws RuntimeFailure {
    String ref = imageRef(checkServiceId(serviceIdHex));
    try {
      docker.inspectImageCmd(ref).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    } catch (RuntimeException e) {
      throw errors.failure("looking up image " + ref, e);
    }
  }

  private String awaitImport(String serviceIdHex, CompletableFuture<String> running)
      throws RuntimeFailure {
    try {
      return running.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeFailure(
          Kind.ENGINE_ERROR, "interrupted while waiting for the image of " + serviceIdHex, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeFailure f) {
        // A fresh exception, so this caller's stack shows where it waited.
        throw new RuntimeFailure(f.kind(), f.getMessage(), f);
      }
      throw new RuntimeFailure(
          Kind.ENGINE_ERROR,
          "building the image of " + serviceIdHex + " failed: " + e.getCause(),
          e.getCause());
    }
  }

  /**
   * Streams the tar into {@code POST /images/create?fromSrc=-}. docker-java's own import command
   * cannot set {@code changes}, which carries the labels, so this one call goes straight to the
   * transport.
   */
  private void importImage(ImageSource source, String ref) throws RuntimeFailure {
    String id = source.serviceIdHex();
    long startNanos = System.nanoTime();
    String changes =
        "LABEL "
            + ContainerLabels.NODE
            + "="
            + dockerfileQuote(config.nodeId())
            + " "
            + ContainerLabels.SERVICE
            + "="
            + id;
    String path =
        "/images/create?fromSrc=-"
            + "&repo="
            + urlEncode(config.imageRepository())
            + "&tag="
            + id
            + "&changes="
            + urlEncode(changes);

    AtomicReference<Throwable> writerFailure = new AtomicReference<>();
    PipedInputStream pipeIn = new PipedInputStream(IMPORT_PIPE_BYTES);
    PipedOutputStream pipeOut;
    try {
      pipeOut = new PipedOutputStream(pipeIn);
    } catch (IOException e) {
      throw new IllegalStateException("a fresh pipe cannot fail to connect", e);
    }
    Thread writer =
        new Thread(
            () -> {
              try {
                source.rootfsTar().writeTo(pipeOut);
              } catch (Throwable t) {
                writerFailure.set(t); // set before closing, so the reader sees it at end of stream
              } finally {
                closeQuietly(pipeOut);
              }
            },
            "celaut-rootfs-tar-" + id.substring(0, 12));
    writer.setDaemon(true);
    TarBody body = new TarBody(pipeIn, writerFailure);

    RuntimeException requestFailure = null;
    String response = "";
    int status = 0;
    writer.start();
    try (DockerHttpClient.Response r =
        importHttp.execute(
            new DockerHttpClient.Request.Builder()
                .method(DockerHttpClient.Request.Method.POST)
                .path(path)
                .putHeader("Content-Type", "application/x-tar")
                .body(body)
                .build())) {
      status = r.getStatusCode();
      response = new String(r.getBody().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      requestFailure = new java.io.UncheckedIOException(e);
    } catch (RuntimeException e) {
      requestFailure = e;
    } finally {
      // If the engine stopped reading early, closing our end unblocks the writer.
      closeQuietly(pipeIn);
      joinQuietly(writer);
    }

    Throwable tarFailure = writerFailure.get();
    String engineError = requestFailure == null ? importError(response) : null;
    boolean engineRefused = requestFailure == null && (status >= 300 || engineError != null);
    // The engine failing first breaks the pipe under the writer: report the cause, not that.
    boolean engineFailedFirst =
        engineRefused || (requestFailure != null && !body.failedForWriter());
    if (tarFailure == null && !engineFailedFirst && requestFailure == null) {
      if (!hasImage(id)) {
        throw new RuntimeFailure(
            Kind.ENGINE_ERROR,
            "the Docker engine accepted the image of service "
                + id
                + " but has no "
                + ref
                + ": "
                + response.strip());
      }
      log.info(
          "event=image_imported service={} image={} tar_bytes={} millis={}",
          id,
          ref,
          body.countBytes(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
      return;
    }
    // A tar cut short at an entry boundary looks complete to a tar reader: never keep it.
    removeImageQuietly(ref);
    if (tarFailure instanceof MalformedFilesystemException) {
      throw new RuntimeFailure(
          Kind.SERVICE_INVALID,
          "the filesystem of service " + id + " cannot become an image: " + tarFailure.getMessage(),
          tarFailure);
    }
    if (engineRefused) {
      String text = engineError != null ? engineError : response.strip();
      Kind kind = EngineErrors.isExhaustion(text) ? Kind.RESOURCES_EXHAUSTED : Kind.ENGINE_ERROR;
      throw new RuntimeFailure(
          kind, "importing the image of service " + id + ": the Docker engine said: " + text);
    }
    if (engineFailedFirst) {
      throw errors.failure("importing the image of service " + id, requestFailure);
    }
    throw new RuntimeFailure(
        Kind.ENGINE_ERROR,
        "could not write the filesystem of service " + id + ": " + tarFailure,
        tarFailure);
  }

  /** The engine reports import errors inside a 200 progress stream, as {@code {"error": …}}. */
  private static String importError(String response) {
    int at = response.indexOf("\"error\"");
    if (at < 0) {
      return null;
    }
    java.util.regex.Matcher m =
        Pattern.compile("\"error\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(response);
    return m.find(at)
        ? m.group(1).replace("\\\"", "\"").replace("\\\\", "\\")
        : response.substring(at).strip();
  }

  @Override
  public List<OwnedImage> listImages() throws RuntimeFailure {
    try {
      List<OwnedImage> owned = new ArrayList<>();
      for (Image image :
          docker.listImagesCmd().withLabelFilter(Map.of(ContainerLabels.NODE, config.nodeId())).exec()) {
        Map<String, String> labels = image.getLabels() == null ? Map.of() : image.getLabels();
        String service = labels.getOrDefault(ContainerLabels.SERVICE, "");
        String ref = image.getId();
        boolean current = false;
        for (String tag : image.getRepoTags() == null ? new String[0] : image.getRepoTags()) {
          if (tag != null && !tag.startsWith("<none>")) {
            ref = ref.equals(image.getId()) ? tag : ref;
            current |= SERVICE_ID_HEX.matcher(service).matches() && tag.equals(imageRef(service));
          }
        }
        owned.add(new OwnedImage(ref, service, image.getSize() == null ? 0 : image.getSize(), current));
      }
      return owned;
    } catch (RuntimeException e) {
      throw errors.failure("listing the images of node " + config.nodeId(), e);
    }
  }

  @Override
  public void removeImage(String ref) throws RuntimeFailure {
    try {
      docker.removeImageCmd(ref).withForce(false).exec();
      log.info("event=image_removed image={}", ref);
    } catch (NotFoundException e) {
      // already gone
    } catch (ConflictException e) {
      throw new RuntimeFailure(Kind.ENGINE_ERROR,
          "the Docker engine keeps image " + ref + ": " + EngineErrors.engineText(e), e);
    } catch (RuntimeException e) {
      throw errors.failure("removing image " + ref, e);
    }
  }

  private void removeImageQuietly(String ref) {
    try {
      docker.removeImageCmd(ref).withForce(true).exec();
    } catch (NotFoundException e) {
      // nothing was created
    } catch (RuntimeException e) {
      log.warn("event=image_cleanup_failed image={} error=\"{}\"", ref, rootMessage(e));
    }
  }

  // ---- network ----

  @Override
  public NodeNetwork ensureNetwork(String networkName) throws RuntimeFailure {
    Network network = findNetwork(networkName);
    if (network == null) {
      try {
        docker
            .createNetworkCmd()
            .withName(networkName)
            .withDriver(BRIDGE_DRIVER)
            .withCheckDuplicate(true)
            .withLabels(Map.of(ContainerLabels.NODE, config.nodeId()))
            .exec();
        log.info("event=network_created network={}", networkName);
      } catch (ConflictException e) {
        // Created by a concurrent call between our look and our create: use theirs.
      } catch (RuntimeException e) {
        throw errors.failure("creating network " + networkName, e);
      }
      network = findNetwork(networkName);
      if (network == null) {
        throw new RuntimeFailure(
            Kind.ENGINE_ERROR, "network " + networkName + " was created but cannot be found");
      }
    }
    if (!BRIDGE_DRIVER.equals(network.getDriver())) {
      throw new RuntimeFailure(
          Kind.ENGINE_ERROR,
          "network "
              + networkName
              + " exists with driver "
              + network.getDriver()
              + "; the node needs a bridge network: remove it or configure another network name");
    }
    Map<String, String> labels = network.getLabels() == null ? Map.of() : network.getLabels();
    if (!config.nodeId().equals(labels.get(ContainerLabels.NODE))) {
      log.warn(
          "event=network_not_owned network={} owner={} node={}",
          networkName,
          labels.get(ContainerLabels.NODE),
          config.nodeId());
    }
    Network.Ipam.Config ipv4 = null;
    if (network.getIpam() != null && network.getIpam().getConfig() != null) {
      for (Network.Ipam.Config c : network.getIpam().getConfig()) {
        if (c.getSubnet() != null && !c.getSubnet().contains(":")) {
          ipv4 = c;
          break;
        }
      }
    }
    if (ipv4 == null) {
      throw new RuntimeFailure(Kind.ENGINE_ERROR, "network " + networkName + " has no IPv4 subnet");
    }
    // On a Linux bridge the gateway is the host's own address on it: containers reach the node
    // there. Some engines leave it out of the IPAM config; it is then the subnet's first host.
    String gateway =
        ipv4.getGateway() != null && !ipv4.getGateway().isBlank()
            ? ipv4.getGateway()
            : firstHost(ipv4.getSubnet());
    return new NodeNetwork(network.getName(), network.getId(), gateway, ipv4.getSubnet());
  }

  private Network findNetwork(String networkName) throws RuntimeFailure {
    try {
      // The name filter matches substrings: keep only the exact name.
      for (Network n : docker.listNetworksCmd().withNameFilter(networkName).exec()) {
        if (networkName.equals(n.getName())) {
          return docker.inspectNetworkCmd().withNetworkId(n.getId()).exec();
        }
      }
      return null;
    } catch (NotFoundException e) {
      return null;
    } catch (RuntimeException e) {
      throw errors.failure("looking up network " + networkName, e);
    }
  }

  // ---- containers ----

  @Override
  public StartedContainer start(ContainerSpec spec) throws RuntimeFailure {
    checkSpec(spec);
    String containerId;
    try {
      var create = docker.createContainerCmd(spec.imageRef());
      if (spec.name() != null) {
        create.withName(spec.name());
      }
      CreateContainerResponse created =
          create
              .withEntrypoint(spec.entrypoint())
              .withCmd(List.of())
              .withEnv(environment(spec))
              .withLabels(spec.labels())
              .withExposedPorts(exposedPorts(spec))
              .withHostConfig(hostConfig(spec))
              .exec();
      containerId = created.getId();
    } catch (RuntimeException e) {
      throw errors.failure("creating a container of " + spec.imageRef(), e);
    }
    try {
      copyConfigFile(containerId, spec);
      try {
        docker.startContainerCmd(containerId).exec();
      } catch (RuntimeException e) {
        throw errors.startFailure(spec.entrypoint(), e);
      }
      StartedContainer started = describeStarted(containerId, spec);
      log.info(
          "event=container_started container={} name={} image={} instance={} ip={} ports={}",
          shortId(containerId),
          spec.name(),
          spec.imageRef(),
          spec.labels().get(ContainerLabels.INSTANCE),
          started.networkIp(),
          started.publishedPorts());
      return started;
    } catch (Throwable e) {
      // A failed start leaks nothing: the container goes before the failure is reported.
      try {
        docker.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
      } catch (NotFoundException gone) {
        // already gone
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
        log.warn(
            "event=container_cleanup_failed container={} error=\"{}\"",
            shortId(containerId),
            rootMessage(cleanup));
      }
      if (e instanceof RuntimeException r) {
        throw errors.failure("starting a container of " + spec.imageRef(), r);
      }
      throw e;
    }
  }

  private void copyConfigFile(String containerId, ContainerSpec spec) throws RuntimeFailure {
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    try {
      PaxTarWriter writer = new PaxTarWriter(tar);
      // Relative to "/"; the engine creates missing parent directories (0755, root).
      writer.file(
          spec.configFilePath().substring(1), spec.configFileContent(), CONFIG_FILE_MODE, 0, 0, 0);
      writer.finish();
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory cannot fail", e);
    }
    try {
      docker
          .copyArchiveToContainerCmd(containerId)
          .withRemotePath("/")
          .withTarInputStream(new ByteArrayInputStream(tar.toByteArray()))
          .exec();
    } catch (RuntimeException e) {
      throw errors.failure(
          "writing the config file " + spec.configFilePath() + " into the container", e);
    }
  }

  private StartedContainer describeStarted(String containerId, ContainerSpec spec)
      throws RuntimeFailure {
    InspectContainerResponse inspected;
    try {
      inspected = docker.inspectContainerCmd(containerId).exec();
    } catch (RuntimeException e) {
      throw errors.failure("inspecting the started container", e);
    }
    boolean running =
        inspected.getState() != null && Boolean.TRUE.equals(inspected.getState().getRunning());
    Map<Integer, Integer> published = new LinkedHashMap<>();
    Ports ports =
        inspected.getNetworkSettings() == null ? null : inspected.getNetworkSettings().getPorts();
    Map<ExposedPort, Ports.Binding[]> bindings = ports == null ? Map.of() : ports.getBindings();
    for (ContainerSpec.PortSpec port : spec.ports()) {
      Ports.Binding[] bound = bindings.get(exposedPort(port));
      if (bound == null) {
        continue;
      }
      for (Ports.Binding b : bound) {
        if (b.getHostPortSpec() != null && !b.getHostPortSpec().isBlank()) {
          published.putIfAbsent(port.port(), Integer.parseInt(b.getHostPortSpec()));
          break;
        }
      }
    }
    ContainerNetwork onNetwork =
        inspected.getNetworkSettings() == null
                || inspected.getNetworkSettings().getNetworks() == null
            ? null
            : inspected.getNetworkSettings().getNetworks().get(spec.networkName());
    String ip = onNetwork == null ? null : onNetwork.getIpAddress();
    long expectedPorts = spec.ports().stream().map(ContainerSpec.PortSpec::port).distinct().count();
    if (!running && (published.size() < expectedPorts || ip == null || ip.isBlank())) {
      // It already exited, and an exited container has neither ports nor an address to give.
      Long exit = inspected.getState() == null ? null : inspected.getState().getExitCodeLong();
      String output = tailQuietly(containerId, EXIT_LOG_TAIL_LINES);
      throw new RuntimeFailure(
          Kind.SERVICE_INVALID,
          "the service exited right after start (exit code "
              + exit
              + ")"
              + (output.isBlank() ? "" : "; its last output:\n" + output.strip()));
    }
    if (published.size() < expectedPorts) {
      throw new RuntimeFailure(
          Kind.ENGINE_ERROR,
          "the engine published only " + published + " of ports " + spec.ports());
    }
    if (ip == null || ip.isBlank()) {
      throw new RuntimeFailure(
          Kind.ENGINE_ERROR, "the container has no address on network " + spec.networkName());
    }
    return new StartedContainer(containerId, ip, Map.copyOf(published));
  }

  @Override
  public void remove(String containerId) throws RuntimeFailure {
    try {
      docker.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
      log.info("event=container_removed container={}", shortId(containerId));
    } catch (NotFoundException e) {
      // already gone: the goal is reached
    } catch (ConflictException e) {
      if (!EngineErrors.engineText(e).contains("already in progress")) {
        throw errors.failure("removing container " + containerId, e);
      }
    } catch (RuntimeException e) {
      throw errors.failure("removing container " + containerId, e);
    }
  }

  @Override
  public void update(String containerId, long memLimitBytes, long cpuPeriodMicros, long cpuQuotaMicros)
      throws RuntimeFailure {
    if (memLimitBytes < 0 || cpuPeriodMicros < 0 || cpuQuotaMicros < 0) {
      throw new IllegalArgumentException("limits must not be negative");
    }
    var cmd = docker.updateContainerCmd(containerId);
    if (memLimitBytes > 0) {
      // Swap equal to memory, as at start; the engine orders the two writes itself.
      cmd.withMemory(memLimitBytes).withMemorySwap(memLimitBytes);
    }
    if (cpuPeriodMicros > 0) {
      cmd.withCpuPeriod(cpuPeriodMicros);
    }
    if (cpuQuotaMicros > 0) {
      cmd.withCpuQuota(cpuQuotaMicros);
    }
    try {
      cmd.exec();
      log.info(
          "event=container_updated container={} mem_limit_bytes={} cpu_period={} cpu_quota={}",
          shortId(containerId),
          memLimitBytes,
          cpuPeriodMicros,
          cpuQuotaMicros);
    } catch (RuntimeException e) {
      throw errors.failure("changing the limits of container " + containerId, e);
    }
  }

  @Override
  public Optional<ContainerState> inspect(String containerId) throws RuntimeFailure {
    InspectContainerResponse inspected;
    try {
      inspected = docker.inspectContainerCmd(containerId).exec();
    } catch (NotFoundException e) {
      return Optional.empty();
    } catch (RuntimeException e) {
      throw errors.failure("inspecting container " + containerId, e);
    }
    InspectContainerResponse.ContainerState state = inspected.getState();
    boolean running = state != null && Boolean.TRUE.equals(state.getRunning());
    Long exitCode = state == null ? null : state.getExitCodeLong();
    Map<String, String> labels =
        inspected.getConfig() == null || inspected.getConfig().getLabels() == null
            ? Map.of()
            : Map.copyOf(inspected.getConfig().getLabels());
    return Optional.of(
        new ContainerState(
            inspected.getId(), running, exitCode == null ? 0 : exitCode.intValue(), labels));
  }

  @Override
  public List<OwnedContainer> listOwned(String nodeId) throws RuntimeFailure {
    try {
      List<OwnedContainer> owned = new ArrayList<>();
      for (com.github.dockerjava.api.model.Container c :
          docker
              .listContainersCmd()
              .withShowAll(true)
              .withLabelFilter(Map.of(ContainerLabels.NODE, nodeId))
              .exec()) {
        Map<String, String> labels = c.getLabels() == null ? Map.of() : c.getLabels();
        owned.add(
            new OwnedContainer(
                c.getId(),
                labels.get(ContainerLabels.INSTANCE),
                labels.get(ContainerLabels.SERVICE),
                "running".equals(c.getState())));
      }
      return owned;
    } catch (RuntimeException e) {
      throw errors.failure("listing the containers of node " + nodeId, e);
    }
  }

  @Override
  public String logs(String containerId, int tailLines) throws RuntimeFailure {
    if (tailLines < 0) {
      throw new IllegalArgumentException("tailLines must not be negative");
    }
    ByteArrayOutputStream collected = new ByteArrayOutputStream();
    try (ResultCallback.Adapter<Frame> callback =
        docker
            .logContainerCmd(containerId)
            .withStdOut(true)
            .withStdErr(true)
            .withTail(tailLines)
            .withFollowStream(false)
            .exec(
                new ResultCallback.Adapter<>() {
                  @Override
                  public void onNext(Frame frame) {
                    synchronized (collected) {
                      collected.writeBytes(frame.getPayload());
                    }
                  }
                })) {
      if (!callback.awaitCompletion(config.startTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        throw new RuntimeFailure(
            Kind.ENGINE_UNAVAILABLE,
            "the Docker engine did not finish sending the logs of "
                + containerId
                + " in "
                + config.startTimeout());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeFailure(
          Kind.ENGINE_ERROR, "interrupted while reading logs of " + containerId, e);
    } catch (IOException e) {
      // closing the callback: the logs are already collected
    } catch (RuntimeException e) {
      throw errors.failure("reading the logs of container " + containerId, e);
    }
    synchronized (collected) {
      // Decoded once at the end: a frame boundary may split a multi-byte character.
      return collected.toString(StandardCharsets.UTF_8);
    }
  }

  @Override
  public ContainerStats stats(String containerId) throws RuntimeFailure {
    CompletableFuture<Statistics> sample = new CompletableFuture<>();
    try (ResultCallback.Adapter<Statistics> callback =
        docker
            .statsCmd(containerId)
            .withNoStream(true)
            .exec(
                new ResultCallback.Adapter<>() {
                  @Override
                  public void onNext(Statistics statistics) {
                    sample.complete(statistics);
                  }

                  @Override
                  public void onError(Throwable throwable) {
                    sample.completeExceptionally(throwable);
                  }

                  @Override
                  public void onComplete() {
                    sample.completeExceptionally(
                        new IllegalStateException("the engine sent no statistics"));
                  }
                })) {
      Statistics s = sample.get(config.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
      long memUsage =
          s.getMemoryStats() == null || s.getMemoryStats().getUsage() == null
              ? 0
              : s.getMemoryStats().getUsage();
      long memLimit =
          s.getMemoryStats() == null || s.getMemoryStats().getLimit() == null
              ? 0
              : s.getMemoryStats().getLimit();
      long cpuNanos =
          s.getCpuStats() == null
                  || s.getCpuStats().getCpuUsage() == null
                  || s.getCpuStats().getCpuUsage().getTotalUsage() == null
              ? 0
              : s.getCpuStats().getCpuUsage().getTotalUsage();
      return new ContainerStats(memUsage, memLimit, cpuNanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeFailure(
          Kind.ENGINE_ERROR, "interrupted while reading stats of " + containerId, e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new RuntimeFailure(
          Kind.ENGINE_UNAVAILABLE,
          "the Docker engine sent no stats for " + containerId + " in " + config.startTimeout(),
          e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw errors.failure("reading the stats of container " + containerId, r);
      }
      throw new RuntimeFailure(
          Kind.ENGINE_ERROR,
          "reading the stats of container " + containerId + ": " + e.getCause(),
          e.getCause());
    } catch (IOException e) {
      throw new RuntimeFailure(
          Kind.ENGINE_ERROR, "reading the stats of container " + containerId + ": " + e, e);
    } catch (RuntimeException e) {
      throw errors.failure("reading the stats of container " + containerId, e);
    }
  }

  @Override
  public void close() {
    closeQuietly(docker);
    closeQuietly(http);
    closeQuietly(importHttp);
  }

  // ---- helpers ----

  private static void checkSpec(ContainerSpec spec) throws RuntimeFailure {
    if (spec.labels() == null || !spec.labels().containsKey(ContainerLabels.NODE)) {
      // Without the owner label the node could never find this container after a crash.
      throw new IllegalArgumentException(
          "a container must carry the " + ContainerLabels.NODE + " label");
    }
    if (!isCleanAbsolutePath(spec.entrypoint())) {
      throw new RuntimeFailure(
          Kind.SERVICE_INVALID,
          "the service's entrypoint " + spec.entrypoint() + " is not an absolute path");
    }
    if (!isCleanAbsolutePath(spec.configFilePath())) {
      throw new RuntimeFailure(
          Kind.SERVICE_INVALID,
          "the service's config file path "
              + spec.configFilePath()
              + " is not a clean absolute file path");
    }
    for (ContainerSpec.PortSpec port : spec.ports()) {
      if (port.port() < 1 || port.port() > 65535) {
        throw new RuntimeFailure(
            Kind.SERVICE_INVALID, "the service declares port " + port.port() + ", outside 1-65535");
      }
    }
    if (!spec.ports().isEmpty()
        && (spec.publishHostIp() == null || spec.publishHostIp().isBlank())) {
      throw new IllegalArgumentException("publishHostIp is required when ports are published");
    }
  }

  /** "/a/b": absolute, no empty, "." or ".." segment, no NUL, not the root itself. */
  private static boolean isCleanAbsolutePath(String path) {
    if (path == null || !path.startsWith("/") || path.length() < 2 || path.indexOf('\0') >= 0) {
      return false;
    }
    for (String segment : path.substring(1).split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return false;
      }
    }
    return true;
  }

  private static List<String> environment(ContainerSpec spec) {
    List<String> env = new ArrayList<>();
    // Sorted, so the same spec always gives the same container config.
    new TreeMap<>(spec.environment()).forEach((k, v) -> env.add(k + "=" + v));
    return env;
  }

  private static List<ExposedPort> exposedPorts(ContainerSpec spec) {
    return spec.ports().stream().map(DockerRuntime::exposedPort).distinct().toList();
  }

  private static ExposedPort exposedPort(ContainerSpec.PortSpec port) {
    return port.transport() == ContainerSpec.Transport.UDP
        ? ExposedPort.udp(port.port())
        : ExposedPort.tcp(port.port());
  }

  /**
   * The container's limits and confinement: memory (swap equal to it), CPU, pids, every
   * capability dropped but the spec's, no privilege gain through setuid binaries or file
   * capabilities ({@code no-new-privileges}), and a json-file log rotated at the configured size.
   */
  HostConfig hostConfig(ContainerSpec spec) {
    Ports bindings = new Ports();
    for (ContainerSpec.PortSpec port : spec.ports()) {
      // No host port: the engine picks a free one, so instances never collide.
      bindings.bind(exposedPort(port), Ports.Binding.bindIp(spec.publishHostIp()));
    }
    HostConfig host =
        HostConfig.newHostConfig()
            .withNetworkMode(spec.networkName())
            .withPortBindings(bindings)
            .withSecurityOpts(List.of(NO_NEW_PRIVILEGES))
            .withCapDrop(Capability.ALL)
            .withCapAdd(
                spec.capabilities().stream().sorted().map(Capability::valueOf).toArray(Capability[]::new))
            .withLogConfig(
                new LogConfig(
                    LogConfig.LoggingType.JSON_FILE,
                    Map.of(
                        "max-size", Long.toString(config.logMaxBytes()),
                        "max-file", Integer.toString(config.logFiles()))));
    if (spec.pidsLimit() > 0) {
      host.withPidsLimit(spec.pidsLimit());
    }
    if (spec.memLimitBytes() > 0) {
      // Swap equal to memory: the limit is the limit, not a hint before swapping.
      host.withMemory(spec.memLimitBytes()).withMemorySwap(spec.memLimitBytes());
    }
    if (spec.cpuPeriodMicros() > 0) {
      host.withCpuPeriod(spec.cpuPeriodMicros());
    }
    if (spec.cpuQuotaMicros() > 0) {
      host.withCpuQuota(spec.cpuQuotaMicros());
    }
    return host;
  }

  private String tailQuietly(String containerId, int lines) {
    try {
      return logs(containerId, lines);
    } catch (RuntimeFailure | RuntimeException e) {
      return "";
    }
  }

  private static String checkServiceId(String serviceIdHex) {
    if (serviceIdHex == null || !SERVICE_ID_HEX.matcher(serviceIdHex).matches()) {
      throw new IllegalArgumentException(
          "a service id is 64 lower-case hex characters, not " + serviceIdHex);
    }
    return serviceIdHex;
  }

  /** The first host address of an IPv4 CIDR, e.g. 172.18.0.0/16 → 172.18.0.1. */
  static String firstHost(String cidr) throws RuntimeFailure {
    try {
      String[] parts = cidr.split("/");
      String[] octets = parts[0].split("\\.");
      long address = 0;
      for (String octet : octets) {
        address = (address << 8) | Integer.parseInt(octet);
      }
      int prefix = Integer.parseInt(parts[1]);
      long mask = prefix == 0 ? 0 : (0xFFFF_FFFFL << (32 - prefix)) & 0xFFFF_FFFFL;
      long first = (address & mask) + 1;
      return ((first >> 24) & 255)
          + "."
          + ((first >> 16) & 255)
          + "."
          + ((first >> 8) & 255)
          + "."
          + (first & 255);
    } catch (RuntimeException e) {
      throw new RuntimeFailure(Kind.ENGINE_ERROR, "cannot read the network's subnet " + cidr, e);
    }
  }

  /** Quotes a value for a Dockerfile LABEL instruction. */
  private static String dockerfileQuote(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String urlEncode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String shortId(String containerId) {
    return containerId.length() > 12 ? containerId.substring(0, 12) : containerId;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (e instanceof DockerException d) {
      return EngineErrors.engineText(d);
    }
    return root.getClass().getSimpleName()
        + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      log.debug("event=close_failed error=\"{}\"", e.toString());
    }
  }

  private static void joinQuietly(Thread thread) {
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The request body: the pipe's read end, which fails instead of ending when the tar writer
   * failed. Failing makes the transport abort the chunked upload, so the engine sees a broken
   * upload, not a short but well-formed tar.
   */
  private static final class TarBody extends FilterInputStream {
    private final AtomicReference<Throwable> writerFailure;
    private final AtomicLong countBytes = new AtomicLong();
    private volatile boolean failedForWriter;

    TarBody(InputStream in, AtomicReference<Throwable> writerFailure) {
      super(in);
      this.writerFailure = writerFailure;
    }

    long countBytes() {
      return countBytes.get();
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b < 0) {
        checkWriter();
      } else {
        countBytes.incrementAndGet();
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n < 0) {
        checkWriter();
      } else {
        countBytes.addAndGet(n);
      }
      return n;
    }

    /** True once this body failed the upload because the writer had failed. */
    boolean failedForWriter() {
      return failedForWriter;
    }

    private void checkWriter() throws IOException {
      Throwable failure = writerFailure.get();
      if (failure != null) {
        failedForWriter = true;
        throw new IOException(
            "the service's filesystem could not be written: " + failure.getMessage(), failure);
      }
    }
  }
}
