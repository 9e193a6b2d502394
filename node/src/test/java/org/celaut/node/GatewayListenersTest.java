package org.celaut.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.net.BindException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.celaut.proto.buffer.Buffer;
import org.celaut.protocol.GatewayMethods;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The node listens before it is ready: until it serves, every call is told it is starting. */
class GatewayListenersTest {

  private final ExecutorService transport = Executors.newFixedThreadPool(2);
  private GatewayListeners listeners;
  private ManagedChannel channel;

  @AfterEach
  void down() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (listeners != null) {
      listeners.shutdownNow();
    }
    transport.shutdownNow();
  }

  private Buffer call(String method) {
    return ClientCalls.blockingUnaryCall(channel, GatewayMethods.descriptor(method),
        CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), Buffer.getDefaultInstance());
  }

  @Test
  void callsBeforeTheNodeServesAreToldItIsStartingThenServed() throws Exception {
    listeners = GatewayListeners.bind("127.0.0.1", 0, transport);
    channel = NettyChannelBuilder.forAddress("127.0.0.1", listeners.port()).usePlaintext().build();
    assertThatThrownBy(() -> call("GetPeerInfo"))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
          assertThat(e.getStatus().getDescription()).startsWith("the node is starting");
        });
    Buffer answer = Buffer.newBuilder().setSignal(true).build();
    listeners.serve(List.of(ServerServiceDefinition.builder(GatewayMethods.SERVICE_NAME)
        .addMethod(GatewayMethods.descriptor("GetPeerInfo"), ServerCalls.asyncBidiStreamingCall(out -> {
          out.onNext(answer);
          out.onCompleted();
          return new io.grpc.stub.StreamObserver<>() {
            @Override public void onNext(Buffer value) { }
            @Override public void onError(Throwable t) { }
            @Override public void onCompleted() { }
          };
        }))
        .build()));
    assertThat(call("GetPeerInfo")).isEqualTo(answer);
    assertThatThrownBy(() -> call("StopService"))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
  }

  @Test
  void bindFailuresSayWhatToDo() {
    assertThat(GatewayListeners.bindFailure("127.0.0.1", 8090, "",
        new java.io.IOException("Failed to bind to address /127.0.0.1:8090", new BindException("Address already in use"))))
        .isEqualTo("cannot listen on 127.0.0.1:8090: the port is already in use, by another node or another program"
            + " (`ss -ltnp 'sport = :8090'` shows which); stop it, or give this node another port:"
            + " --port N (the setting 'port'; 0 picks a free one)");
    assertThat(GatewayListeners.bindFailure("10.9.9.9", 8090, "",
        new java.io.IOException("bind(..) failed: Cannot assign requested address")))
        .isEqualTo("cannot listen on 10.9.9.9:8090: 10.9.9.9 is not an address of this machine; set --bind-host"
            + " (the setting 'bind-host') to one of its addresses: 127.0.0.1 for this machine only, 0.0.0.0 for all");
  }
}
