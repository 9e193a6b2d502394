package org.celaut.node;

import io.grpc.HandlerRegistry;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The node's gRPC listeners: one on its bind host, bound first, before the node touches Docker,
 * so that a port in use or a bind host that is not this machine's fails the start without
 * leaving a network behind; then one on the node network's gateway, where instances reach it.
 * Until {@link #serve} is called every call is answered UNAVAILABLE ("the node is starting").
 */
final class GatewayListeners {

  /** Python senders cut Buffers at 1 MiB + a few bytes; 4 MiB leaves room and bounds memory. */
  private static final int MAX_INBOUND_MESSAGE_BYTES = (4 << 20) + 1024;

  private final Methods methods;
  private final Executor transport;
  private final int port;
  private final List<Server> servers = new ArrayList<>();

  private GatewayListeners(Executor transport, Methods methods, Server first) {
    this.transport = transport;
    this.methods = methods;
    this.port = first.getPort();
    this.servers.add(first);
  }

  /**
   * Listens on {@code host:port} (port 0: a free one).
   *
   * @param transport where gRPC runs its callbacks (frames in, readiness, cancellation)
   * @throws NodeStartException naming the address and what to do
   */
  static GatewayListeners bind(String host, int port, Executor transport) throws NodeStartException {
    Methods methods = new Methods();
    return new GatewayListeners(transport, methods, listen(host, port, transport, methods, ""));
  }

  /** Listens on {@code host} at the same port as well. */
  void alsoListenOn(String host, String what) throws NodeStartException {
    servers.add(listen(host, port, transport, methods, " (" + what + ")"));
  }

  /** Starts answering with {@code services}, replacing the "starting" answers. */
  void serve(List<ServerServiceDefinition> services) {
    Map<String, ServerMethodDefinition<?, ?>> byName = new HashMap<>();
    for (ServerServiceDefinition s : services) {
      for (ServerMethodDefinition<?, ?> m : s.getMethods()) {
        byName.put(m.getMethodDescriptor().getFullMethodName(), m);
      }
    }
    methods.serving = Map.copyOf(byName);
  }

  /** The port every listener is on. */
  int port() {
    return port;
  }

  void shutdown() {
    servers.forEach(Server::shutdown);
  }

  void shutdownNow() {
    servers.forEach(Server::shutdownNow);
  }

  /** Waits until every listener stopped, or {@code deadlineNanos} ({@link System#nanoTime}); false if not. */
  boolean awaitTermination(long deadlineNanos) throws InterruptedException {
    for (Server s : servers) {
      if (!s.awaitTermination(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        return false;
      }
    }
    return true;
  }

  void awaitTermination() throws InterruptedException {
    for (Server s : servers) {
      s.awaitTermination();
    }
  }

  private static Server listen(String host, int port, Executor transport, Methods methods, String what)
      throws NodeStartException {
    InetAddress address;
    try {
      address = InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new NodeStartException("cannot listen on " + host + ":" + port + what + ": '" + host
          + "' is not an address of this machine nor a name that resolves to one; set --bind-host"
          + " (the setting 'bind-host') to one of its addresses: 127.0.0.1 for this machine only, 0.0.0.0 for all", e);
    }
    Server s = NettyServerBuilder.forAddress(new InetSocketAddress(address, port))
        .fallbackHandlerRegistry(methods)
        .executor(transport)
        .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
        .build();
    try {
      return s.start();
    } catch (IOException e) {
      throw new NodeStartException(bindFailure(host, port, what, e), e);
    }
  }

  /** Says why {@code host:port} could not be bound, and what to do about it. */
  static String bindFailure(String host, int port, String what, Throwable e) {
    String where = "cannot listen on " + host + ":" + port + what + ": ";
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      if (m.contains("address already in use")) {
        return where + "the port is already in use, by another node or another program"
            + " (`ss -ltnp 'sport = :" + port + "'` shows which); stop it, or give this node another"
            + " port: --port N (the setting 'port'; 0 picks a free one)";
      }
      if (m.contains("cannot assign requested address")) {
        return where + host + " is not an address of this machine; set --bind-host (the setting"
            + " 'bind-host') to one of its addresses: 127.0.0.1 for this machine only, 0.0.0.0 for all";
      }
      if (m.contains("permission denied")) {
        return where + "permission denied (ports below 1024 need root); choose a port from 1024 up"
            + " with --port N (the setting 'port')";
      }
    }
    return where + e.getMessage() + (e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")");
  }

  /**
   * Which method answers a call: "the node is starting" until the node serves, then its
   * services. A fallback registry, so both listeners share it and it can change after binding.
   */
  private static final class Methods extends HandlerRegistry {
    private static final MethodDescriptor.Marshaller<InputStream> UNREAD = new MethodDescriptor.Marshaller<>() {
      @Override
      public InputStream stream(InputStream value) {
        return value;
      }

      @Override
      public InputStream parse(InputStream stream) {
        return stream;
      }
    };

    volatile Map<String, ServerMethodDefinition<?, ?>> serving; // null while starting

    @Override
    public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
      Map<String, ServerMethodDefinition<?, ?>> now = serving;
      return now == null ? starting(methodName) : now.get(methodName);
    }

    private static ServerMethodDefinition<InputStream, InputStream> starting(String methodName) {
      MethodDescriptor<InputStream, InputStream> m = MethodDescriptor.<InputStream, InputStream>newBuilder()
          .setType(MethodDescriptor.MethodType.UNKNOWN)
          .setFullMethodName(methodName)
          .setRequestMarshaller(UNREAD)
          .setResponseMarshaller(UNREAD)
          .build();
      return ServerMethodDefinition.create(m, (call, headers) -> {
        call.close(Status.UNAVAILABLE.withDescription(
            "the node is starting (it is reconciling its instances with the container engine); retry in a moment"),
            new Metadata());
        return new ServerCall.Listener<>() {};
      });
    }
  }
}
