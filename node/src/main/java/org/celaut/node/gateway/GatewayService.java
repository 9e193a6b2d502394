package org.celaut.node.gateway;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import org.celaut.node.calls.CallSlots;
import org.celaut.node.calls.TooManyCallsException;
import org.celaut.proto.buffer.Buffer;
import org.celaut.protocol.GatewayMethods;
import org.celaut.protocol.bee.BeeDecoder;
import org.celaut.protocol.bee.DecoderLimits;
import org.celaut.protocol.bee.GatewayCalls;
import org.celaut.protocol.blocks.BlockStore;

/**
 * The {@code celaut.Gateway} service definition: every method of the reference, each either
 * served by a {@link CallHandler} or answered at once with UNIMPLEMENTED and a message saying
 * what this node does serve.
 */
public final class GatewayService {

  private static final Context.Key<SocketAddress> REMOTE = Context.key("celaut-remote-address");

  private final Map<String, CallHandler> handlers;
  private final ExecutorService workers;
  private final CallSlots slots;
  private final Path spoolDir;
  private final BlockStore blocks;
  private final DecoderLimits limits;
  private final Duration stallTimeout;

  /**
   * @param handlers implemented methods by name
   * @param workers where handlers run (they block); needs no more threads than {@code slots}
   *     admits calls
   * @param slots admits calls: each holds a place from its start until its handler is done
   * @param spoolDir where large incoming messages are written
   * @param blocks where incoming blocks are stored
   * @param limits size limits for incoming messages
   * @param stallTimeout how long the caller may leave the answer unread before the call ends
   */
  public GatewayService(Map<String, CallHandler> handlers, ExecutorService workers, CallSlots slots,
      Path spoolDir, BlockStore blocks, DecoderLimits limits, Duration stallTimeout) {
    for (String name : handlers.keySet()) {
      GatewayMethods.descriptor(name); // fails fast on a typo
    }
    this.handlers = Map.copyOf(handlers);
    this.workers = workers;
    this.slots = slots;
    this.spoolDir = spoolDir;
    this.blocks = blocks;
    this.limits = limits;
    this.stallTimeout = stallTimeout;
  }

  /** The service definition to add to a gRPC server. */
  public ServerServiceDefinition definition() {
    ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(GatewayMethods.SERVICE_NAME);
    for (String name : GatewayMethods.NAMES) {
      CallHandler h = handlers.get(name);
      b.addMethod(GatewayMethods.descriptor(name),
          h == null ? unimplemented(name) : ServerCalls.asyncBidiStreamingCall(obs -> open(name, h, obs)));
    }
    return ServerInterceptors.intercept(b.build(), new RemoteAddressInterceptor());
  }

  private io.grpc.stub.StreamObserver<Buffer> open(
      String name, CallHandler handler, io.grpc.stub.StreamObserver<Buffer> responses) {
    ServerCallStreamObserver<Buffer> out = (ServerCallStreamObserver<Buffer>) responses;
    SocketAddress remote = REMOTE.get();
    CallSlots.Slot slot;
    try {
      slot = slots.acquire(remote);
    } catch (TooManyCallsException e) {
      // Refused before anything is spooled or a worker taken: this is what keeps a flood of
      // stalled streams from taking the node's threads and files.
      out.onError(Status.RESOURCE_EXHAUSTED.withDescription(name + " refused: " + e.getMessage()).asException());
      return IGNORED;
    }
    BeeDecoder decoder = new BeeDecoder(GatewayCalls.of(name).request(), limits, spoolDir, blocks);
    BeeServerCall call = new BeeServerCall(name, out, decoder, remote, stallTimeout);
    try {
      workers.execute(() -> {
        try {
          call.run(handler);
        } finally {
          slot.close();
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      slot.close();
      decoder.close();
      out.onError(Status.UNAVAILABLE.withDescription("the node is shutting down").asException());
    }
    return call;
  }

  /** What frames of a refused call go to. */
  private static final io.grpc.stub.StreamObserver<Buffer> IGNORED = new io.grpc.stub.StreamObserver<>() {
    @Override public void onNext(Buffer value) { }
    @Override public void onError(Throwable t) { }
    @Override public void onCompleted() { }
  };

  private ServerCallHandler<Buffer, Buffer> unimplemented(String name) {
    String served = String.join(", ", new TreeSet<>(handlers.keySet()));
    return ServerCalls.asyncBidiStreamingCall(responses -> {
      responses.onError(Status.UNIMPLEMENTED
          .withDescription("celaut.Gateway/" + name + " is not implemented by this node yet; it serves: " + served)
          .asException());
      return IGNORED;
    });
  }

  /** Puts the caller's address where handlers can read it (services are told apart by it). */
  private static final class RemoteAddressInterceptor implements ServerInterceptor {
    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
        ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
      SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
      return Contexts.interceptCall(Context.current().withValue(REMOTE, remote), call, headers, next);
    }
  }
}
