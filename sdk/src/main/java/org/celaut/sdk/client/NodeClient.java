package org.celaut.sdk.client;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.celaut.proto.buffer.Buffer;
import org.celaut.proto.celaut.Amount;
import org.celaut.proto.celaut.BytesKeyValue;
import org.celaut.proto.celaut.Configuration;
import org.celaut.proto.celaut.EstimatedCost;
import org.celaut.proto.celaut.Metrics;
import org.celaut.proto.celaut.Peer;
import org.celaut.proto.celaut.Refund;
import org.celaut.proto.celaut.ServiceInstance;
import org.celaut.proto.celaut.TokenMessage;
import org.celaut.protocol.Hashes;
import org.celaut.protocol.bee.BeeEncoder;
import org.celaut.protocol.bee.BufferSink;
import org.celaut.protocol.bee.DecoderLimits;
import org.celaut.protocol.blocks.FileBlockStore;
import org.celaut.sdk.internal.Async;
import org.celaut.sdk.internal.BeeClientCall;
import org.celaut.sdk.internal.Calls;
import org.celaut.sdk.internal.ClientTransport;

/**
 * A connection to one Celaut node, for users and tools: start services, stop them, read their
 * metrics, the node's announcement and its price for a start. Thread-safe; one per node is
 * enough. Close it when done.
 *
 * <pre>{@code
 * try (NodeClient node = NodeClient.connect("127.0.0.1:8090")) {
 *   ServiceHandle h = node.start(ServiceSource.fromFile(Path.of("hello.service")), StartOptions.defaults());
 *   System.out.println(h.address(8080));
 *   node.stop(h.token());
 * }
 * }</pre>
 *
 * <p>Every blocking call has a {@link CompletableFuture} twin ({@link #startAsync}, {@link
 * #stopAsync}, ...) that runs it on the client's executor: one the caller gives ({@link
 * #connect(String, Executor)}), or a pool of daemon threads the client owns and shuts down in
 * {@link #close()}. A twin's future fails with the same {@link CelautException} subtype the
 * blocking call throws.
 */
public final class NodeClient implements AutoCloseable {

  /** Deadline of short calls (stop, metrics, peer info). */
  public static final Duration SHORT_CALL_TIMEOUT = Duration.ofSeconds(30);
  /**
   * How long a start waits, after naming the service's hash, for the node to say it already has
   * it before uploading the body. On loopback the node answers in about a millisecond; the wait
   * only costs anything the first time a node sees a service, when building its image costs far
   * more.
   */
  static final Duration HAVE_IT_WAIT = Duration.ofMillis(250);

  private final ManagedChannel channel;
  private final ClientTransport ownedTransport; // null when the caller gave the channel
  private final Executor executor;
  private final ExecutorService ownedExecutor; // null when the caller gave the executor
  // Where a large answer (GetService) spools; made on the first Gateway call, so that a command
  // that only lists (celaut ls) touches no disk and loads no block-store classes.
  private Path workDir; // guarded by this
  private FileBlockStore blocks; // guarded by this
  private boolean closed; // guarded by this

  private NodeClient(ManagedChannel channel, ClientTransport ownedTransport, Executor executor) {
    this.channel = channel;
    this.ownedTransport = ownedTransport;
    this.ownedExecutor = executor == null ? Async.ownedExecutor("celaut-client") : null;
    this.executor = executor == null ? ownedExecutor : executor;
  }

  /**
   * Connects to a node at {@code host:port} over plain gRPC (the reference's transport). The
   * connection is made lazily: an unreachable node shows up as {@link NodeUnavailableException}
   * on the first call.
   */
  public static NodeClient connect(String hostPort) throws IOException {
    return connect(hostPort, null);
  }

  /**
   * Like {@link #connect(String)}, with the {@code …Async} calls running on {@code executor}
   * (which the client never shuts down); null = a pool the client owns. An IPv6 host is
   * written in brackets: {@code [fd00::1]:8090}.
   */
  public static NodeClient connect(String hostPort, Executor executor) throws IOException {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0 || colon == hostPort.length() - 1) {
      throw new IllegalArgumentException("a node address is HOST:PORT, got '" + hostPort + "'");
    }
    int port;
    try {
      port = Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("a node address is HOST:PORT, got '" + hostPort + "'", e);
    }
    String host = hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    ClientTransport t = ClientTransport.plaintext(host, port, (4 << 20) + 1024);
    return new NodeClient(t.channel(), t, executor);
  }

  /** Uses a channel the caller owns (and closes). */
  public static NodeClient using(ManagedChannel channel) throws IOException {
    return new NodeClient(channel, null, null);
  }

  /**
   * Uses a channel the caller owns (and closes), running the {@code …Async} calls on {@code
   * executor} (null = a pool the client owns).
   */
  public static NodeClient using(ManagedChannel channel, Executor executor) throws IOException {
    return new NodeClient(channel, null, executor);
  }

  /** Where the {@code …Async} calls run. */
  public Executor executor() {
    return executor;
  }

  /**
   * Starts an instance of a service. Names the service by hash first and uploads the body only if
   * the node does not say it has it.
   *
   * @throws NotFoundException the node lacks the service and no file was given
   * @throws RequestRejectedException the service is malformed or cannot run there
   */
  public ServiceHandle start(ServiceSource source, StartOptions options) throws CelautException {
    Configuration.Builder cfg = Configuration.newBuilder();
    options.environment().forEach((k, v) ->
        cfg.addEnvironmentVariables(BytesKeyValue.newBuilder().setKey(k).setValue(com.google.protobuf.ByteString.copyFromUtf8(v))));
    if (options.initialMu() != null) {
      cfg.setInitialMu(Amount.newBuilder().setN(options.initialMu().toString()));
    }
    try (BeeClientCall call = call("StartService", options.timeout())) {
      call.send(3, cfg.build());
      var hash = Hashes.sha3Hash(Hashes.hex(source.idHex()).toByteArray());
      call.send(4, hash);
      var hashtag = org.celaut.proto.celaut.Metadata.HashTag.newBuilder().addHash(hash);
      source.tag().ifPresent(hashtag::addTag);
      call.send(5, org.celaut.proto.celaut.Metadata.newBuilder().setHashtag(hashtag).build());
      if (source.file().isPresent()) {
        if (!call.awaitSignal(HAVE_IT_WAIT)) {
          try {
            upload(call, source);
          } catch (IOException e) {
            if (!call.isClosed()) {
              throw e;
            }
            // The node ended the call while we were sending (it refused the body): its status,
            // read below, says why; that is the error to report, not our broken upload.
          }
        }
      }
      call.halfClose();
      ServiceInstance si = call.await(1, ServiceInstance.class, options.timeout());
      return new ServiceHandle(source.idHex(), si.getToken(), si.getInstance());
    } catch (StatusRuntimeException e) {
      throw failure("start " + source.idHex(), e);
    } catch (IOException e) {
      throw new CelautException("start " + source.idHex() + ": " + e.getMessage(), null, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CelautException("start " + source.idHex() + ": interrupted", null, e);
    }
  }

  /**
   * {@link #start} on the client's executor. The future fails with the exceptions {@code start}
   * throws.
   */
  public CompletableFuture<ServiceHandle> startAsync(ServiceSource source, StartOptions options) {
    return Async.run(executor, () -> start(source, options));
  }

  /**
   * Asks what starting {@code source} with {@code options} would cost on this node
   * (GetServiceEstimatedCost). Only the service's hash and the configuration are sent, never its
   * body.
   *
   * @throws UnsupportedByNodeException the node does not price starts (this Java node, today)
   * @throws NotFoundException the node does not know the service
   */
  public CostEstimate estimateCost(ServiceSource source, StartOptions options) throws CelautException {
    var hash = Hashes.sha3Hash(Hashes.hex(source.idHex()).toByteArray());
    var hashtag = org.celaut.proto.celaut.Metadata.HashTag.newBuilder().addHash(hash);
    source.tag().ifPresent(hashtag::addTag);
    String what = "estimate the cost of " + source.idHex();
    EstimatedCost c = Calls.exchange(() -> open("GetServiceEstimatedCost", SHORT_CALL_TIMEOUT), what, address(),
        SHORT_CALL_TIMEOUT,
        List.of(new Calls.Part(3, configuration(options)), new Calls.Part(4, hash),
            new Calls.Part(5, org.celaut.proto.celaut.Metadata.newBuilder().setHashtag(hashtag).build())),
        1, EstimatedCost.class);
    try {
      return CostEstimate.of(c);
    } catch (IllegalArgumentException e) {
      throw new CelautException(what + ": " + e.getMessage(), null, e);
    }
  }

  /** {@link #estimateCost} on the client's executor. */
  public CompletableFuture<CostEstimate> estimateCostAsync(ServiceSource source, StartOptions options) {
    return Async.run(executor, () -> estimateCost(source, options));
  }

  /** The {@code Configuration} a start with {@code options} sends (index 3). */
  static Configuration configuration(StartOptions options) {
    Configuration.Builder cfg = Configuration.newBuilder();
    options.environment().forEach((k, v) ->
        cfg.addEnvironmentVariables(BytesKeyValue.newBuilder().setKey(k).setValue(com.google.protobuf.ByteString.copyFromUtf8(v))));
    if (options.initialMu() != null) {
      cfg.setInitialMu(Amount.newBuilder().setN(options.initialMu().toString()));
    }
    return cfg.build();
  }

  /**
   * Uploads the body at index 6, stopping early if the node signals it has what it needs. A .bee
   * source goes in Dir form with its block markers, and the body of a block the node says it
   * holds ({@code skip}) is cut short; a plain file goes in Dir form without markers.
   */
  private static void upload(BeeClientCall call, ServiceSource source)
      throws IOException, InterruptedException {
    BufferSink sink = call.sink();
    BufferSink unlessDone = b -> {
      if (call.signalled()) {
        throw new StopUpload();
      }
      sink.send(b);
    };
    try {
      if (source.bee().isPresent()) {
        source.bee().get().sendService(6, unlessDone, call::skipRequested);
      } else {
        BeeEncoder.file(6, source.file().orElseThrow(), unlessDone);
      }
    } catch (StopUpload enough) {
      // The node has the service now; the rest of the body is not needed.
    }
  }

  private static final class StopUpload extends IOException {
    private static final long serialVersionUID = 1L;
  }

  /**
   * Stops a live instance (its descendants first) and returns the refund (0 until the economy
   * exists). A stop that stops nothing says so:
   *
   * @throws NotFoundException the node never had an instance with that token (a typo, another
   *     node's token, or an id from a listing instead of the token)
   * @throws InstanceEndedException the instance had already ended (stopped before, or exited);
   *     nothing was stopped and nothing is left to stop
   */
  public java.math.BigInteger stop(String token) throws CelautException {
    Refund r;
    try {
      r = tokenCall("StopService", "stop", token, Refund.class);
    } catch (RequestRejectedException e) {
      throw ended(e);
    }
    String n = r.getAmount().getN();
    return n.isEmpty() ? java.math.BigInteger.ZERO : new java.math.BigInteger(n);
  }

  /** A stop's FAILED_PRECONDITION is the node saying the instance had already ended. */
  private static CelautException ended(RequestRejectedException e) {
    return e.status().getCode() == io.grpc.Status.Code.FAILED_PRECONDITION
        ? new InstanceEndedException(e.getMessage(), e.status(), e.getCause())
        : e;
  }

  /** {@link #stop} on the client's executor. */
  public CompletableFuture<java.math.BigInteger> stopAsync(String token) {
    return Async.run(executor, () -> stop(token));
  }

  /**
   * Metrics of a live instance.
   *
   * @throws NotFoundException no live instance has this token
   */
  public Metrics metrics(String token) throws CelautException {
    return tokenCall("GetMetrics", "metrics", token, Metrics.class);
  }

  /** {@link #metrics} on the client's executor. */
  public CompletableFuture<Metrics> metricsAsync(String token) {
    return Async.run(executor, () -> metrics(token));
  }

  /** The node's announcement of itself. */
  public Peer peerInfo() throws CelautException {
    try (BeeClientCall call = call("GetPeerInfo", SHORT_CALL_TIMEOUT)) {
      call.halfClose();
      return call.await(1, Peer.class, SHORT_CALL_TIMEOUT);
    } catch (StatusRuntimeException e) {
      throw failure("peer info", e);
    } catch (IOException e) {
      throw new CelautException("peer info: " + e.getMessage(), null, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CelautException("peer info: interrupted", null, e);
    }
  }

  /** {@link #peerInfo} on the client's executor. */
  public CompletableFuture<Peer> peerInfoAsync() {
    return Async.run(executor, this::peerInfo);
  }

  private <T extends com.google.protobuf.MessageLite> T tokenCall(String method, String what, String token,
      Class<T> type) throws CelautException {
    try (BeeClientCall call = call(method, SHORT_CALL_TIMEOUT)) {
      call.send(1, TokenMessage.newBuilder().setToken(token).build());
      call.halfClose();
      return call.await(1, type, SHORT_CALL_TIMEOUT);
    } catch (StatusRuntimeException e) {
      throw failure(what, e);
    } catch (IOException e) {
      throw new CelautException(what + ": " + e.getMessage(), null, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CelautException(what + ": interrupted", null, e);
    }
  }

  /**
   * Instances the node runs (with {@code includeEnded}, also the most recent ended ones). Uses
   * the Java node's admin extension, which answers only callers on the node's own machine.
   */
  public java.util.List<org.celaut.proto.admin.InstanceInfo> listInstances(boolean includeEnded)
      throws CelautException {
    try {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(channel, org.celaut.protocol.AdminMethods.LIST_INSTANCES,
          io.grpc.CallOptions.DEFAULT.withDeadlineAfter(SHORT_CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS),
          org.celaut.proto.admin.ListInstancesRequest.newBuilder().setIncludeEnded(includeEnded).build())
          .getInstancesList();
    } catch (StatusRuntimeException e) {
      throw failure("list instances", e);
    }
  }

  /** {@link #listInstances} on the client's executor. */
  public CompletableFuture<java.util.List<org.celaut.proto.admin.InstanceInfo>> listInstancesAsync(boolean includeEnded) {
    return Async.run(executor, () -> listInstances(includeEnded));
  }

  /** Services the node holds (admin extension, loopback callers only). */
  public java.util.List<org.celaut.proto.admin.ServiceInfo> listServices() throws CelautException {
    try {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(channel, org.celaut.protocol.AdminMethods.LIST_SERVICES,
          io.grpc.CallOptions.DEFAULT.withDeadlineAfter(SHORT_CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS),
          org.celaut.proto.admin.ListServicesRequest.getDefaultInstance())
          .getServicesList();
    } catch (StatusRuntimeException e) {
      throw failure("list services", e);
    }
  }

  /** {@link #listServices} on the client's executor. */
  public CompletableFuture<java.util.List<org.celaut.proto.admin.ServiceInfo>> listServicesAsync() {
    return Async.run(executor, this::listServices);
  }

  /**
   * Stops a live instance by the id {@link #listInstances} shows, its descendants first (admin
   * extension: the node answers only callers on its own machine, its maintainer). Returns the id
   * stopped and those of its descendants stopped with it.
   *
   * @throws NotFoundException the node never had an instance with that id
   * @throws InstanceEndedException the instance had already ended; nothing was stopped
   * @throws RequestRejectedException {@code instanceId} is not an instance id
   */
  public org.celaut.proto.admin.StopInstanceResponse stopInstanceById(String instanceId) throws CelautException {
    try {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(channel, org.celaut.protocol.AdminMethods.STOP_INSTANCE,
          io.grpc.CallOptions.DEFAULT.withDeadlineAfter(SHORT_CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS),
          org.celaut.proto.admin.StopInstanceRequest.newBuilder().setId(instanceId).build());
    } catch (StatusRuntimeException e) {
      CelautException f = failure("stop instance " + instanceId, e);
      throw f instanceof RequestRejectedException r ? ended(r) : f;
    }
  }

  /** {@link #stopInstanceById} on the client's executor. */
  public CompletableFuture<org.celaut.proto.admin.StopInstanceResponse> stopInstanceByIdAsync(String instanceId) {
    return Async.run(executor, () -> stopInstanceById(instanceId));
  }

  /**
   * Removes a stored service from the node, with its images and the blocks no other service uses
   * (admin extension, loopback callers only).
   *
   * @throws NotFoundException the node holds no such service
   * @throws RequestRejectedException a live instance or a start in flight uses it, or the engine
   *     keeps its image; nothing was removed
   */
  public org.celaut.proto.admin.RemoveServiceResponse removeService(String serviceIdHex) throws CelautException {
    try {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(channel, org.celaut.protocol.AdminMethods.REMOVE_SERVICE,
          io.grpc.CallOptions.DEFAULT.withDeadlineAfter(SHORT_CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS),
          org.celaut.proto.admin.RemoveServiceRequest.newBuilder().setId(serviceIdHex).build());
    } catch (StatusRuntimeException e) {
      throw failure("remove service " + serviceIdHex, e);
    }
  }

  /** {@link #removeService} on the client's executor. */
  public CompletableFuture<org.celaut.proto.admin.RemoveServiceResponse> removeServiceAsync(String serviceIdHex) {
    return Async.run(executor, () -> removeService(serviceIdHex));
  }

  /** The node this client talks to, as {@code host:port}. */
  public String address() {
    return channel.authority();
  }

  /** A failed call as the exception type to react to, naming this node if it could not be reached. */
  private CelautException failure(String what, StatusRuntimeException e) {
    return CelautException.fromStatus(what, e.getStatus(), e, address());
  }

  /** Opens a raw call; for tools and tests that speak the frames themselves. */
  public BeeClientCall open(String method, Duration timeout) {
    try {
      return call(method, timeout);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private BeeClientCall call(String method, Duration timeout) throws IOException {
    FileBlockStore store = spool();
    return BeeClientCall.open(channel, method, timeout, store.directory().getParent(), store,
        DecoderLimits.defaults());
  }

  /** The spool directory's block store, made on first use. */
  private synchronized FileBlockStore spool() throws IOException {
    if (closed) {
      throw new IOException("the client is closed");
    }
    if (blocks == null) {
      workDir = Files.createTempDirectory("celaut-client");
      blocks = new FileBlockStore(workDir.resolve("blocks"));
    }
    return blocks;
  }

  /** Sends frames as they are (tests of bad input use this). */
  public static void sendRaw(BeeClientCall call, Iterable<Buffer> frames) throws IOException, InterruptedException {
    BufferSink s = call.sink();
    for (Buffer b : frames) {
      s.send(b);
    }
  }

  /**
   * Closes the channel (if the client opened it) and the executor (if the client owns it);
   * calls still running fail with {@link NodeUnavailableException}.
   */
  @Override
  public void close() {
    if (ownedExecutor != null) {
      ownedExecutor.shutdown();
    }
    if (ownedTransport != null) {
      ownedTransport.close();
    }
    Path dir;
    synchronized (this) {
      closed = true;
      dir = workDir;
    }
    if (dir == null) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // A temp dir left behind is harmless.
    }
  }
}
