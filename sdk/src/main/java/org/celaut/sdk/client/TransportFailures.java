package org.celaut.sdk.client;

import io.grpc.Status;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Optional;

/**
 * Why a call never reached the node, told from a status the client's own gRPC transport made.
 * Pure, and independent of the transport: it looks at the status code and at the JDK types in
 * the cause chain, never at a transport library's message text (which is how Netty's
 * {@code finishConnect(..) failed with error(-111)} used to reach users).
 *
 * <p>The rules, in order:
 *
 * <ol>
 *   <li>only UNAVAILABLE can be a connection failure; a status without a cause is the node's
 *       own answer (its Docker engine is down, say) and is not one;
 *   <li>an {@link UnknownHostException} or {@link UnresolvedAddressException} in the chain: the
 *       host name does not resolve;
 *   <li>a {@link NoRouteToHostException}: no route to the host;
 *   <li>an exception whose type is named like a timeout ({@code SocketTimeoutException}, a
 *       transport's {@code ConnectTimeoutException}): the attempt timed out;
 *   <li>a {@link ConnectException}: the connection was refused, nothing listens there;
 *   <li>any other {@link IOException}: the connection failed or was lost;
 *   <li>anything else: not a connection failure.
 * </ol>
 */
final class TransportFailures {

  private TransportFailures() {}

  /** Why no connection could be made, for a person; empty if {@code status} is not such a failure. */
  static Optional<String> connectionFailure(Status status) {
    if (status.getCode() != Status.Code.UNAVAILABLE || status.getCause() == null) {
      return Optional.empty();
    }
    Throwable io = null;
    for (Throwable t = status.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
      if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
        return Optional.of("the host name does not resolve");
      }
      if (t instanceof NoRouteToHostException) {
        return Optional.of("there is no route to that host");
      }
      if (t.getClass().getSimpleName().contains("Timeout")) {
        return Optional.of("the connection attempt timed out (is the host up, and the port not blocked?)");
      }
      if (t instanceof ConnectException) {
        return Optional.of("the connection was refused: nothing listens at that address");
      }
      if (io == null && t instanceof IOException) {
        io = t;
      }
    }
    return io == null ? Optional.empty() : Optional.of("the connection failed or was lost");
  }

  /**
   * True for a deadline the client's gRPC library enforced itself, whose text
   * ({@code deadline exceeded after 29.99s. [closed=[], open=[[remote_addr=…]]]}) is written for
   * gRPC's developers, not for a person.
   */
  static boolean libraryDeadline(Status status) {
    String d = status.getDescription();
    return status.getCode() == Status.Code.DEADLINE_EXCEEDED
        && (d == null || d.startsWith("deadline exceeded") || d.startsWith("ClientCall started after"));
  }
}
