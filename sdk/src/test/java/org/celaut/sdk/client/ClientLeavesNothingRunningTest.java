package org.celaut.sdk.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.stub.ServerCalls;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.celaut.proto.admin.InstanceInfo;
import org.celaut.proto.admin.ListInstancesResponse;
import org.celaut.protocol.AdminMethods;
import org.junit.jupiter.api.Test;

/**
 * A closed client leaves nothing running: no thread of its transport is still in a native call
 * (state RUNNABLE, e.g. waiting in {@code epoll_wait}), so a short-lived program — every {@code
 * celaut} client command — exits as soon as it is done. With grpc's shared default event loop such
 * a thread lingered for a second after close, and the JVM's exit waited 300 ms for it on every
 * command. (Parked pool threads do not delay an exit and are not counted.)
 */
class ClientLeavesNothingRunningTest {

  private static final String SERVER_THREADS = "test-node-";

  @Test
  void closeEndsTheClientsTransportThreadsBeforeItReturns() throws Exception {
    // The stand-in node gets threads of its own, named so, to tell them from the client's.
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(SERVER_THREADS + "boss", true),
        NioIoHandler.newFactory());
    EventLoopGroup workers = new MultiThreadIoEventLoopGroup(1,
        new DefaultThreadFactory(SERVER_THREADS + "io", true), NioIoHandler.newFactory());
    ExecutorService calls = Executors.newCachedThreadPool(new DefaultThreadFactory(SERVER_THREADS + "call", true));
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .bossEventLoopGroup(boss)
        .workerEventLoopGroup(workers)
        .channelType(NioServerSocketChannel.class)
        .executor(calls)
        .addService(ServerServiceDefinition.builder(AdminMethods.SERVICE_NAME)
            .addMethod(AdminMethods.LIST_INSTANCES, ServerCalls.asyncUnaryCall((req, out) -> {
              out.onNext(ListInstancesResponse.newBuilder()
                  .addInstances(InstanceInfo.newBuilder().setId("0123456789abcdef")).build());
              out.onCompleted();
            }))
            .build())
        .build()
        .start();
    try {
      Set<Thread> before = Thread.getAllStackTraces().keySet();
      List<InstanceInfo> listed;
      try (NodeClient client = NodeClient.connect("127.0.0.1:" + server.getPort())) {
        listed = client.listInstances(false);
      }
      assertThat(listed).extracting(InstanceInfo::getId).containsExactly("0123456789abcdef");

      Set<String> left = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> !before.contains(t) && !t.getName().startsWith(SERVER_THREADS))
          .filter(t -> t.getState() == Thread.State.RUNNABLE)
          .map(Thread::getName)
          .collect(Collectors.toSet());
      assertThat(left).as("threads the client started and left running").isEmpty();
    } finally {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      calls.shutdownNow();
    }
  }
}
