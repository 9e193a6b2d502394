package org.celaut.node.gateway;

import io.grpc.Status;
import io.grpc.StatusException;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.celaut.node.registry.ServiceRegistry;
import org.celaut.node.registry.StoredService;
import org.celaut.proto.celaut.Metadata;
import org.celaut.protocol.Hashes;
import org.celaut.protocol.bee.BeeEncoder;
import org.celaut.protocol.bee.BeeEvent;

/**
 * GetService: answers 4:Hash, 5:Metadata, 6:Service (Dir form with block markers), honouring the
 * caller's skip requests for blocks it already holds, so the answer replays into StartService.
 */
final class GetServiceCall implements CallHandler {

  private final ServiceRegistry registry;
  private final Duration inputTimeout;

  GetServiceCall(ServiceRegistry registry, Duration inputTimeout) {
    this.registry = registry;
    this.inputTimeout = inputTimeout;
  }

  @Override
  public void handle(CallContext ctx) throws StatusException, IOException, InterruptedException {
    Metadata.HashTag.Hash hash = null;
    while (hash == null) {
      Optional<BeeEvent> e = ctx.next(inputTimeout);
      if (e.isEmpty()) {
        throw CallContext.error(Status.Code.INVALID_ARGUMENT,
            "GetService needs the service's hash at index 1; the request ended without one");
      }
      if (e.get() instanceof BeeEvent.Parsed p && p.index() == 1) {
        hash = (Metadata.HashTag.Hash) p.message();
      }
    }
    if (!hash.getType().equals(Hashes.SHA3_256_TYPE) || hash.getValue().size() != Hashes.SHA3_256_BYTES) {
      throw CallContext.error(Status.Code.INVALID_ARGUMENT,
          "GetService: the hash must be a 32-byte SHA3-256 (type " + Hashes.toHex(Hashes.SHA3_256_TYPE) + ")");
    }
    String id = Hashes.toHex(hash.getValue());
    Optional<StoredService> stored = registry.get(id);
    if (stored.isEmpty()) {
      throw CallContext.error(Status.Code.NOT_FOUND, "service " + id + " is not on this node");
    }
    ctx.send(4, hash);
    ctx.send(5, stored.get().metadata());
    BeeEncoder.spooled(stored.get().message(), registry.blocks(), ctx.sink(), ctx.skipped()::contains);
  }
}
