package org.celaut.sdk.internal;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * A client's plaintext gRPC channel to one node, on an event loop of its own that {@link #close()}
 * ends before it returns. Internal: {@link org.celaut.sdk.client.NodeClient#connect} uses it.
 *
 * <p>Why not grpc's defaults, which a short-lived command (every {@code celaut} client command)
 * pays for twice:
 *
 * <ul>
 *   <li>The default event loop is shared and kept alive for a second after the last channel
 *       closes; its thread then sits in {@code epoll_wait}, a native call, and a JVM that exits
 *       waits up to 300 ms for threads in native code before it gives up on them. Every command
 *       paid those 300 ms after it had printed its answer.
 *   <li>The default transport on Linux is Netty's native epoll, whose library is copied out of
 *       the jar into {@code /tmp} and loaded at each start. One connection gains nothing from
 *       it; Java's NIO selector is in the JDK already.
 * </ul>
 *
 * <p>One event-loop thread is enough: a client holds one connection per node, and the loop only
 * moves bytes (calls block on the caller's threads, not on the loop).
 */
public final class ClientTransport implements AutoCloseable {

  /** How long {@link #close()} waits for calls in flight and for the loop to end. */
  private static final long CLOSE_WAIT_MILLIS = 5_000;

  private final ManagedChannel channel;
  private final EventLoopGroup loop;

  private ClientTransport(ManagedChannel channel, EventLoopGroup loop) {
    this.channel = channel;
    this.loop = loop;
  }

  /**
   * A lazily connecting channel to {@code host:port} accepting answers of up to {@code
   * maxInboundMessageBytes}.
   */
  public static ClientTransport plaintext(String host, int port, int maxInboundMessageBytes) {
    EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1,
        new DefaultThreadFactory("celaut-client-io", true),
        NioIoHandler.newFactory());
    try {
      ManagedChannel ch = NettyChannelBuilder.forAddress(host, port)
          .eventLoopGroup(loop)
          .channelType(NioSocketChannel.class)
          .usePlaintext()
          .maxInboundMessageSize(maxInboundMessageBytes)
          .build();
      return new ClientTransport(ch, loop);
    } catch (RuntimeException e) {
      loop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      throw e;
    }
  }

  /** The channel; valid until {@link #close()}. */
  public ManagedChannel channel() {
    return channel;
  }

  /**
   * Ends the channel (calls still running fail with UNAVAILABLE) and then the event loop, waiting
   * for both, so no transport thread outlives the client.
   */
  @Override
  public void close() {
    channel.shutdownNow();
    boolean interrupted = false;
    try {
      channel.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      interrupted = true;
    }
    // No quiet period: nothing else submits work to this loop once the channel is gone.
    loop.shutdownGracefully(0, CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS)
        .awaitUninterruptibly(CLOSE_WAIT_MILLIS);
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
