package org.celaut.sdk.internal;

import com.google.protobuf.MessageLite;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.celaut.proto.buffer.Buffer;
import org.celaut.protocol.GatewayMethods;
import org.celaut.protocol.bee.BeeDecoder;
import org.celaut.protocol.bee.BeeEncoder;
import org.celaut.protocol.bee.BeeEvent;
import org.celaut.protocol.bee.BufferSink;
import org.celaut.protocol.bee.DecoderLimits;
import org.celaut.protocol.bee.FramingException;
import org.celaut.protocol.bee.GatewayCalls;
import org.celaut.protocol.bee.ReadyGate;
import org.celaut.protocol.blocks.BlockStore;

/**
 * One client-side Gateway call: send request frames (waiting for flow control), read answer
 * events. Internal: the public surface is {@link org.celaut.sdk.client.NodeClient}.
 */
public final class BeeClientCall implements ClientResponseObserver<Buffer, Buffer>, AutoCloseable {

  private static final Object END = new Object();

  private final String method;
  private final BeeDecoder decoder;
  private final LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
  private final ReadyGate ready = new ReadyGate();
  private volatile ClientCallStreamObserver<Buffer> requests;
  private volatile boolean signalled;
  /** Opens on the node's first signal, or when the call ends: whichever comes first. */
  private final java.util.concurrent.CountDownLatch signalOrEnd = new java.util.concurrent.CountDownLatch(1);
  private final java.util.Set<String> skips = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile boolean closed;
  private volatile StatusRuntimeException failure; // the node's error, once it ended the call with one
  private boolean decoderDone; // guarded by decoder

  private BeeClientCall(String method, BeeDecoder decoder) {
    this.method = method;
    this.decoder = decoder;
  }

  /**
   * Opens a call.
   *
   * @param spoolDir where a large answer (a service) is written
   * @param blocks where blocks of such an answer go
   */
  public static BeeClientCall open(Channel channel, String method, Duration deadline, Path spoolDir,
      BlockStore blocks, DecoderLimits limits) {
    BeeDecoder decoder = new BeeDecoder(GatewayCalls.of(method).response(), limits, spoolDir, blocks);
    BeeClientCall call = new BeeClientCall(method, decoder);
    ClientCall<Buffer, Buffer> cc = channel.newCall(GatewayMethods.descriptor(method),
        CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS));
    ClientCalls.asyncBidiStreamingCall(cc, call);
    return call;
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<Buffer> requestStream) {
    this.requests = requestStream;
    requestStream.setOnReadyHandler(ready::wake);
  }

  /** True once the node sent {@code signal}: it needs no more input. */
  public boolean signalled() {
    return signalled;
  }

  /**
   * Waits at most {@code timeout} for the node's signal; returns early, false, if the call ends
   * first. True once the node signalled.
   */
  public boolean awaitSignal(Duration timeout) throws InterruptedException {
    signalOrEnd.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    return signalled;
  }

  /**
   * True once the node sent a {@code skip} for this block: it holds the block, so an upload should
   * stop sending its body.
   */
  public boolean skipRequested(String blockIdHex) {
    return skips.contains(blockIdHex);
  }

  /** True once the node ended the call (answer complete, or an error). */
  public boolean isClosed() {
    return closed;
  }

  /** Sends one logical message. */
  public void send(int index, MessageLite m) throws IOException, InterruptedException {
    for (Buffer b : BeeEncoder.message(index, m)) {
      sink().send(b);
    }
  }

  /**
   * A sink that waits until the transport can take more. Once the call has ended, sending throws
   * the node's error status if it ended with one (so an unreachable node or a refusal reads as
   * what it is), else an {@link IOException}.
   */
  public BufferSink sink() {
    return b -> {
      ready.await(requests, () -> closed);
      if (closed) {
        StatusRuntimeException f = failure;
        if (f != null) {
          throw f;
        }
        throw new IOException(method + ": the call ended while sending");
      }
      requests.onNext(b);
    };
  }

  /** Tells the node the request is complete. */
  public void halfClose() {
    if (!closed) {
      try {
        requests.onCompleted();
      } catch (IllegalStateException ignored) {
        // Already closed by the answer.
      }
    }
  }

  /**
   * The next answer event, skipping signals; empty when the node completed the call.
   *
   * @throws StatusRuntimeException the node's error
   */
  public java.util.Optional<BeeEvent> next(Duration timeout) throws InterruptedException {
    Object o = inbox.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (o == null) {
      cancel("no answer within " + timeout.toSeconds() + " s");
      throw Status.DEADLINE_EXCEEDED.withDescription(method + ": the node did not answer within "
          + timeout.toSeconds() + " s").asRuntimeException();
    }
    if (o == END) {
      inbox.add(END);
      return java.util.Optional.empty();
    }
    if (o instanceof StatusRuntimeException e) {
      inbox.add(e);
      throw e;
    }
    return java.util.Optional.of((BeeEvent) o);
  }

  /** Reads until the first parsed message at {@code index}; fails if the call ends first. */
  public <T extends MessageLite> T await(int index, Class<T> type, Duration timeout) throws InterruptedException {
    while (true) {
      var e = next(timeout);
      if (e.isEmpty()) {
        throw Status.INTERNAL.withDescription(method + ": the node completed the call without an answer")
            .asRuntimeException();
      }
      if (e.get() instanceof BeeEvent.Parsed p && p.index() == index) {
        return type.cast(p.message());
      }
    }
  }

  /** Cancels the call (nothing more is sent or read). */
  public void cancel(String why) {
    if (!closed && requests != null) {
      requests.cancel(why, null);
    }
  }

  // --- answer direction ---

  @Override
  public void onNext(Buffer frame) {
    synchronized (decoder) {
      if (decoderDone) {
        return; // we stopped listening (closed, or the answer was malformed)
      }
      try {
        for (BeeEvent e : decoder.accept(frame)) {
          if (e instanceof BeeEvent.Signal) {
            signalled = true;
            signalOrEnd.countDown();
          } else if (e instanceof BeeEvent.SkipRequested skip) {
            skips.add(skip.blockIdHex());
          } else {
            inbox.add(e);
          }
        }
      } catch (FramingException e) {
        decoderDone = true;
        inbox.add(Status.INTERNAL.withDescription(method + ": the node's answer is malformed: " + e.getMessage())
            .asRuntimeException());
        cancel("malformed answer");
      }
    }
  }

  @Override
  public void onError(Throwable t) {
    StatusRuntimeException e = t instanceof StatusRuntimeException s ? s : Status.fromThrowable(t).asRuntimeException();
    failure = e;
    closed = true;
    wake();
    inbox.add(e);
  }

  @Override
  public void onCompleted() {
    closed = true;
    wake();
    synchronized (decoder) {
      if (decoderDone) {
        return;
      }
      decoderDone = true;
      try {
        decoder.finish();
        inbox.add(END);
      } catch (FramingException e) {
        inbox.add(Status.INTERNAL.withDescription(method + ": the node's answer ended mid-message: "
            + e.getMessage()).asRuntimeException());
      }
    }
  }

  private void wake() {
    signalOrEnd.countDown();
    ready.wake();
  }

  @Override
  public void close() {
    cancel("closed by the client");
    synchronized (decoder) {
      decoderDone = true;
      decoder.close();
    }
  }
}
