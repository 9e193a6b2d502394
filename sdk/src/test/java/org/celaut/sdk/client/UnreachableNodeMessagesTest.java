package org.celaut.sdk.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

/**
 * A node that cannot be reached is reported in words, naming the address tried, the same whatever
 * gRPC transport made the failure; an UNAVAILABLE the node itself sent keeps its own message.
 */
class UnreachableNodeMessagesTest {

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void nothingListeningIsARefusedConnectionAtThatAddress() throws Exception {
    String at = "127.0.0.1:" + closedPort();
    try (NodeClient c = NodeClient.connect(at)) {
      assertThat(c.address()).isEqualTo(at);
      assertThatThrownBy(() -> c.stop("t"))
          .isInstanceOfSatisfying(NodeUnavailableException.class, e -> assertThat(e.connectionFailed()).isTrue())
          .hasMessage("stop: cannot reach the node at " + at + ": the connection was refused: nothing listens at"
              + " that address");
      assertThatThrownBy(() -> c.listInstances(false))
          .hasMessageStartingWith("list instances: cannot reach the node at " + at)
          .hasMessageNotContaining("finishConnect").hasMessageNotContaining("io exception");
    }
  }

  @Test
  void aHostNameThatDoesNotResolveSaysSo() throws Exception {
    try (NodeClient c = NodeClient.connect("nosuch.invalid:8090")) {
      assertThatThrownBy(c::peerInfo)
          .isInstanceOfSatisfying(NodeUnavailableException.class, e -> assertThat(e.connectionFailed()).isTrue())
          .hasMessage("peer info: cannot reach the node at nosuch.invalid:8090: the host name does not resolve");
    }
  }

  /** How another transport might wrap the same JDK failure: the class names differ, the JDK types do not. */
  private static final class AnnotatedConnectException extends ConnectException {
    AnnotatedConnectException() {
      super("finishConnect(..) failed with error(-111): Connection refused");
    }
  }

  private static final class ConnectTimeoutException extends ConnectException {
    ConnectTimeoutException() {
      super("connection timed out after 20000 ms");
    }
  }

  private static CelautException mapped(Status s) {
    return CelautException.fromStatus("ls", s, null, "10.0.0.1:8090");
  }

  @Test
  void theMappingLooksAtTypesNotAtATransportsText() {
    Status io = Status.UNAVAILABLE.withDescription("io exception");
    assertThat(mapped(io.withCause(new IOException("wrapped", new AnnotatedConnectException()))))
        .hasMessage("ls: cannot reach the node at 10.0.0.1:8090: the connection was refused: nothing listens at that address");
    assertThat(mapped(io.withCause(new ConnectTimeoutException())))
        .hasMessageContaining("the connection attempt timed out");
    assertThat(mapped(io.withCause(new SocketTimeoutException("connect timed out"))))
        .hasMessageContaining("the connection attempt timed out");
    assertThat(mapped(Status.UNAVAILABLE.withDescription("Unable to resolve host x").withCause(
        new RuntimeException(new UnknownHostException("x")))))
        .hasMessage("ls: cannot reach the node at 10.0.0.1:8090: the host name does not resolve");
    assertThat(mapped(io.withCause(new IOException("Connection reset by peer"))))
        .hasMessage("ls: cannot reach the node at 10.0.0.1:8090: the connection failed or was lost");
  }

  @Test
  void whatTheNodeItselfAnsweredKeepsItsMessage() {
    CelautException e = mapped(Status.UNAVAILABLE.withDescription("the Docker engine is unavailable: refused"));
    assertThat(e).isInstanceOfSatisfying(NodeUnavailableException.class,
        u -> assertThat(u.connectionFailed()).isFalse());
    assertThat(e).hasMessage("ls: the Docker engine is unavailable: refused");
    assertThat(mapped(Status.DEADLINE_EXCEEDED.withDescription(
        "deadline exceeded after 29.999s. [closed=[], open=[[remote_addr=/10.0.0.1:8090]]]")))
        .isInstanceOf(NodeUnavailableException.class)
        .hasMessage("ls: the node at 10.0.0.1:8090 did not answer in time");
  }
}
