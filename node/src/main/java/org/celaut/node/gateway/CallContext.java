package org.celaut.node.gateway;

import com.google.protobuf.MessageLite;
import io.grpc.Status;
import io.grpc.StatusException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.celaut.proto.buffer.Buffer;
import org.celaut.protocol.bee.BeeEvent;
import org.celaut.protocol.bee.BufferSink;

/**
 * What a handler sees of one Gateway call: the request as a pull stream of bee-rpc events, and
 * ways to answer. A handler runs on its own worker thread, so it may block.
 */
public interface CallContext {

  /** The method name, e.g. {@code StartService}. */
  String method();

  /**
   * The next request event, waiting at most {@code timeout}; empty once the caller half-closed.
   *
   * @throws StatusException INVALID_ARGUMENT/RESOURCE_EXHAUSTED for a bad stream, DEADLINE_EXCEEDED
   *     when nothing arrives in time, CANCELLED when the caller went away
   */
  Optional<BeeEvent> next(Duration timeout) throws StatusException;

  /**
   * The handler needs nothing more from the request: frames still arriving are dropped unread and
   * what was received but not taken is deleted (spooled bodies included). {@link #next} then
   * reports the end of the request, or the call's cancellation.
   */
  void discardRestOfRequest();

  /** Sends one logical message at {@code index} (short or long form). */
  void send(int index, MessageLite message) throws StatusException;

  /** Sends a raw Buffer (signal, skip, block frames). */
  void sendFrame(Buffer frame) throws StatusException;

  /** A sink for large answers that waits for the transport to be ready (flow control). */
  BufferSink sink();

  /** Block ids the caller asked us to stop sending (its {@code skip} Buffers), live. */
  Set<String> skipped();

  /** Where the call came from. */
  SocketAddress remoteAddress();

  /** Builds a status error with a message for a person. */
  static StatusException error(Status.Code code, String message) {
    return Status.fromCode(code).withDescription(message).asException();
  }
}
