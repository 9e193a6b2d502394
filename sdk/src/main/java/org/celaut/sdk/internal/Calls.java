package org.celaut.sdk.internal;

import com.google.protobuf.MessageLite;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.celaut.sdk.client.CelautException;

/**
 * The common shape of a short Gateway call: send a few messages, half-close, read one answer.
 * Internal: used by {@link org.celaut.sdk.client.NodeClient} and the service context.
 */
public final class Calls {

  private Calls() {}

  /** One request message and the index it is sent at. */
  public record Part(int index, MessageLite message) {}

  /**
   * Opens a call, sends {@code request} in order, half-closes and returns the first message at
   * {@code answerIndex}.
   *
   * @param what names the operation in error messages
   * @param nodeAddress the node's {@code host:port}, named when it cannot be reached
   * @throws CelautException the node's refusal mapped to its type, or a local failure
   */
  public static <T extends MessageLite> T exchange(Supplier<BeeClientCall> opener, String what, String nodeAddress,
      Duration timeout, List<Part> request, int answerIndex, Class<T> type) throws CelautException {
    try (BeeClientCall call = opener.get()) {
      try {
        for (Part p : request) {
          call.send(p.index(), p.message());
        }
        call.halfClose();
      } catch (IOException e) {
        if (!call.isClosed()) {
          throw e;
        }
        // The node ended the call before we finished sending (a refusal such as UNIMPLEMENTED
        // comes at once): its status, read below, is the error to report.
      }
      return call.await(answerIndex, type, timeout);
    } catch (StatusRuntimeException e) {
      throw CelautException.fromStatus(what, e.getStatus(), e, nodeAddress);
    } catch (IOException e) {
      throw new CelautException(what + ": " + e.getMessage(), null, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CelautException(what + ": interrupted", null, e);
    }
  }
}
