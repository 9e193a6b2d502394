package org.celaut.node.calls;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls a node has in progress, per caller and in all, admitted by {@link CallAdmission}. A
 * caller is a source IP address: every client on one machine is one caller, and a local instance
 * is known by its address on the node network. Thread-safe.
 */
public final class CallSlots {

  private static final Logger log = LoggerFactory.getLogger(CallSlots.class);

  private final CallAdmission.Limits limits;
  private final Map<String, Integer> byCaller = new HashMap<>(); // guarded by this
  private int total; // guarded by this

  public CallSlots(CallAdmission.Limits limits) {
    this.limits = limits;
  }

  /** The bounds this counts against. */
  public CallAdmission.Limits limits() {
    return limits;
  }

  /**
   * Takes a place for one call from {@code remote}; close the slot when the call is over.
   *
   * @throws TooManyCallsException the caller or the node is at its limit
   */
  public Slot acquire(SocketAddress remote) throws TooManyCallsException {
    String caller = callerOf(remote);
    synchronized (this) {
      int mine = byCaller.getOrDefault(caller, 0);
      Optional<String> refusal = CallAdmission.refusal(total, mine, caller, limits);
      if (refusal.isPresent()) {
        log.debug("call refused caller={} caller_calls={} node_calls={}", caller, mine, total);
        throw new TooManyCallsException(refusal.get());
      }
      byCaller.put(caller, mine + 1);
      total++;
    }
    return new Slot(caller);
  }

  /** Calls in progress on the node. */
  public synchronized int inProgress() {
    return total;
  }

  private synchronized void release(String caller) {
    total--;
    byCaller.computeIfPresent(caller, (k, n) -> n <= 1 ? null : n - 1);
  }

  /**
   * Holds a place for every call of the service it intercepts, from its start until it is closed
   * or cancelled; refuses a call beyond the limits with RESOURCE_EXHAUSTED before its handler
   * runs. Fits calls whose handler finishes when the call does (the unary admin calls); the
   * Gateway holds its places itself, until its worker is done.
   */
  public ServerInterceptor interceptor() {
    return new ServerInterceptor() {
      @Override
      public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
          ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
        Slot slot;
        try {
          slot = acquire(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
        } catch (TooManyCallsException e) {
          call.close(Status.RESOURCE_EXHAUSTED.withDescription(
              call.getMethodDescriptor().getBareMethodName() + " refused: " + e.getMessage()), new Metadata());
          return new ServerCall.Listener<>() {};
        }
        ServerCall<ReqT, RespT> releasing = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
          @Override
          public void close(Status status, Metadata trailers) {
            slot.close();
            super.close(status, trailers);
          }
        };
        ServerCall.Listener<ReqT> listener;
        try {
          listener = next.startCall(releasing, headers);
        } catch (RuntimeException e) {
          slot.close();
          throw e;
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
          @Override
          public void onCancel() {
            slot.close();
            super.onCancel();
          }

          @Override
          public void onComplete() {
            slot.close();
            super.onComplete();
          }
        };
      }
    };
  }

  /** How a caller is counted: its IP address. */
  static String callerOf(SocketAddress remote) {
    if (remote instanceof InetSocketAddress isa && isa.getAddress() != null) {
      return isa.getAddress().getHostAddress();
    }
    return String.valueOf(remote); // in-process transports; one caller each
  }

  /** A place held by one call; closing it (once or more) frees it. */
  public final class Slot implements AutoCloseable {
    private final String caller;
    private final AtomicBoolean released = new AtomicBoolean();

    private Slot(String caller) {
      this.caller = caller;
    }

    @Override
    public void close() {
      if (released.compareAndSet(false, true)) {
        release(caller);
      }
    }
  }
}
