package org.celaut.node.gateway;

import com.google.protobuf.MessageLite;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.celaut.proto.buffer.Buffer;
import org.celaut.protocol.bee.BeeDecoder;
import org.celaut.protocol.bee.BeeEncoder;
import org.celaut.protocol.bee.BeeEvent;
import org.celaut.protocol.bee.BufferSink;
import org.celaut.protocol.bee.FramingException;
import org.celaut.protocol.bee.ReadyGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server-side Gateway call: gRPC pushes Buffers in, the decoder turns them into events, a
 * handler on a worker thread pulls them and answers.
 *
 * <p>Why a worker and a queue: handlers block (disk, Docker), and the reference's Python clients
 * never half-close while paused by our {@code signal}, so a handler must be able to answer and
 * complete from the middle of the request stream. Skip requests bypass the queue because they
 * matter while the handler is busy sending.
 */
final class BeeServerCall implements StreamObserver<Buffer>, CallContext {

  private static final Logger log = LoggerFactory.getLogger(BeeServerCall.class);
  private static final Object END = new Object();

  private final String method;
  private final ServerCallStreamObserver<Buffer> out;
  private final BeeDecoder decoder;
  private final SocketAddress remote;
  private final Duration stallTimeout;
  private final LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
  private final Set<String> skipped = ConcurrentHashMap.newKeySet();
  private final ReadyGate ready = new ReadyGate();
  private volatile boolean finished;
  private volatile long lastFrameNanos = System.nanoTime();
  private volatile boolean cancelled;
  private boolean inputClosed; // guarded by decoder

  BeeServerCall(String method, ServerCallStreamObserver<Buffer> out, BeeDecoder decoder, SocketAddress remote,
      Duration stallTimeout) {
    this.method = method;
    this.out = out;
    this.decoder = decoder;
    this.remote = remote;
    this.stallTimeout = stallTimeout;
    out.setOnReadyHandler(ready::wake);
    out.setOnCancelHandler(() -> {
      cancelled = true;
      inbox.add(Status.CANCELLED.withDescription("the caller cancelled the call").asException());
      ready.wake();
    });
  }

  /** Runs the handler to completion; called on a worker thread. */
  void run(CallHandler handler) {
    try {
      handler.handle(this);
      finish(null);
    } catch (StatusException e) {
      finish(e.getStatus());
    } catch (CallerStalledException e) {
      finish(Status.DEADLINE_EXCEEDED.withDescription(e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      finish(Status.UNAVAILABLE.withDescription("the node is shutting down"));
    } catch (Exception | Error e) {
      log.error("method={} failed unexpectedly", method, e);
      finish(Status.INTERNAL.withDescription(method + " failed inside the node: " + e));
    }
  }

  private void finish(Status status) {
    finished = true;
    closeInput();
    if (cancelled) {
      return;
    }
    try {
      if (status == null) {
        out.onCompleted();
      } else {
        if (status.getCode() == Status.Code.INTERNAL || status.getCode() == Status.Code.UNAVAILABLE) {
          log.warn("method={} status={} message={}", method, status.getCode(), status.getDescription());
        } else {
          log.info("method={} refused status={} message={}", method, status.getCode(), status.getDescription());
        }
        out.onError(status.asException());
      }
    } catch (IllegalStateException alreadyClosed) {
      // The transport closed the call first (client gone); nothing left to tell.
    }
  }

  /**
   * Stops taking request frames and deletes whatever was received but not taken: the message
   * still arriving (the decoder's) and complete ones waiting in the inbox. A handler that stopped
   * reading early — StartService for a service it already holds — would otherwise leave the
   * sender's copy of the body in the spool until the node restarts.
   */
  private void closeInput() {
    synchronized (decoder) {
      inputClosed = true;
      decoder.close();
      for (Object o : inbox) {
        if (o instanceof BeeEvent.Spooled s) {
          s.message().delete();
        }
      }
      inbox.removeIf(o -> o instanceof BeeEvent);
      if (!inbox.contains(END)) {
        inbox.add(END);
      }
    }
  }

  // --- request direction (gRPC callbacks) ---

  @Override
  public void onNext(Buffer frame) {
    lastFrameNanos = System.nanoTime();
    synchronized (decoder) {
      if (inputClosed) {
        return; // answered already; Python clients keep sending until they notice
      }
      try {
        for (BeeEvent e : decoder.accept(frame)) {
          if (e instanceof BeeEvent.SkipRequested s) {
            skipped.add(s.blockIdHex());
          } else if (!(e instanceof BeeEvent.Signal)) {
            inbox.add(e);
          }
        }
      } catch (FramingException e) {
        inputClosed = true;
        inbox.add(GatewayErrors.framing(method, e));
      }
    }
  }

  @Override
  public void onError(Throwable t) {
    cancelled = true;
    inbox.add(Status.CANCELLED.withDescription("the caller's stream failed: " + t.getMessage()).asException());
  }

  @Override
  public void onCompleted() {
    synchronized (decoder) {
      if (inputClosed) {
        return;
      }
      inputClosed = true;
      try {
        decoder.finish();
        inbox.add(END);
      } catch (FramingException e) {
        inbox.add(GatewayErrors.framing(method, e));
      }
    }
  }

  // --- CallContext ---

  @Override
  public String method() {
    return method;
  }

  @Override
  public Optional<BeeEvent> next(Duration timeout) throws StatusException {
    Object o;
    try {
      // The caller's silence counts, not the time between events: a large body is one event at
      // its end, however long it takes to arrive.
      while ((o = inbox.poll(Math.max(0, timeout.toNanos() - (System.nanoTime() - lastFrameNanos)),
          TimeUnit.NANOSECONDS)) == null) {
        if (System.nanoTime() - lastFrameNanos >= timeout.toNanos()) {
          throw CallContext.error(Status.Code.DEADLINE_EXCEEDED, method + ": the caller sent nothing for "
              + timeout.toSeconds() + " s in the middle of its request (input-timeout-seconds)");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Status.UNAVAILABLE.withDescription("the node is shutting down").asException();
    }
    if (o == END) {
      inbox.add(END); // stay at end for later calls
      return Optional.empty();
    }
    if (o instanceof StatusException e) {
      inbox.add(e);
      throw e;
    }
    return Optional.of((BeeEvent) o);
  }

  @Override
  public void discardRestOfRequest() {
    closeInput();
  }

  @Override
  public void send(int index, MessageLite message) throws StatusException {
    for (Buffer b : BeeEncoder.message(index, message)) {
      sendFrame(b);
    }
  }

  @Override
  public void sendFrame(Buffer frame) throws StatusException {
    try {
      sink().send(frame);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Status.UNAVAILABLE.withDescription("the node is shutting down").asException();
    } catch (CallerStalledException e) {
      throw Status.DEADLINE_EXCEEDED.withDescription(e.getMessage()).asException();
    } catch (java.io.IOException e) {
      throw Status.CANCELLED.withDescription(e.getMessage()).asException();
    }
  }

  @Override
  public BufferSink sink() {
    return frame -> {
      if (!ready.await(out, () -> cancelled, stallTimeout)) {
        throw new CallerStalledException(method + ": the caller read nothing of the answer for "
            + stallTimeout.toSeconds() + " s (input-timeout-seconds); the call was ended");
      }
      if (cancelled) {
        throw new java.io.IOException("the caller went away while " + method + " was answering");
      }
      out.onNext(frame);
    };
  }

  /**
   * The caller stopped reading the answer: the call ends, freeing its worker and its place,
   * instead of waiting for a reader that may never come back.
   */
  private static final class CallerStalledException extends java.io.IOException {
    private static final long serialVersionUID = 1L;

    CallerStalledException(String message) {
      super(message);
    }
  }

  @Override
  public Set<String> skipped() {
    return skipped;
  }

  @Override
  public SocketAddress remoteAddress() {
    return remote;
  }

  boolean finished() {
    return finished;
  }
}
