package org.celaut.node.gateway;

import io.grpc.StatusException;
import java.time.Clock;
import java.util.function.Supplier;
import org.celaut.proto.celaut.Peer;

/**
 * GetPeerInfo: this node's announcement. It does not wait for the optional Client: the answer is
 * the same for everyone, and a caller that never half-closes must still get it.
 */
final class GetPeerInfoCall implements CallHandler {

  private final Supplier<Peer> self;

  GetPeerInfoCall(Supplier<Peer> self) {
    this.self = self;
  }

  @Override
  public void handle(CallContext ctx) throws StatusException {
    ctx.send(1, self.get());
  }
}
