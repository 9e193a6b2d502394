package org.celaut.node.gateway;

import io.grpc.Status;
import io.grpc.StatusException;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.celaut.node.instances.InstanceManager;
import org.celaut.node.instances.LaunchRefusedException;
import org.celaut.node.registry.InvalidServiceException;
import org.celaut.node.registry.ServiceRegistry;
import org.celaut.node.runtime.RuntimeFailure;
import org.celaut.node.store.StoreException;
import org.celaut.proto.celaut.Client;
import org.celaut.proto.celaut.Configuration;
import org.celaut.proto.celaut.Metadata;
import org.celaut.proto.celaut.ServiceInstance;
import org.celaut.protocol.Hashes;
import org.celaut.protocol.bee.BeeEncoder;
import org.celaut.protocol.bee.BeeEvent;
import org.celaut.protocol.bee.SpooledMessage;

/**
 * StartService: resolve the service (hash first; receive the body only if missing; verify it),
 * tell the caller to stop uploading ({@code signal}), launch locally, answer the instance.
 */
final class StartServiceCall implements CallHandler {

  private final ServiceRegistry registry;
  private final InstanceManager instances;
  private final Duration inputTimeout;

  StartServiceCall(ServiceRegistry registry, InstanceManager instances, Duration inputTimeout) {
    this.registry = registry;
    this.instances = instances;
    this.inputTimeout = inputTimeout;
  }

  @Override
  public void handle(CallContext ctx) throws StatusException, StoreException, IOException {
    Configuration config = Configuration.getDefaultInstance();
    Metadata metadata = Metadata.getDefaultInstance();
    Optional<String> clientId = Optional.empty();
    Set<String> named = new LinkedHashSet<>();
    String resolved = null;

    while (resolved == null) {
      Optional<BeeEvent> next = ctx.next(inputTimeout);
      if (next.isEmpty()) {
        break;
      }
      BeeEvent e = next.get();
      if (e instanceof BeeEvent.Parsed p) {
        switch (p.index()) {
          case 1 -> clientId = Optional.of(((Client) p.message()).getClientId()).filter(s -> !s.isEmpty());
          case 3 -> config = (Configuration) p.message();
          case 4 -> resolved = name(named, (Metadata.HashTag.Hash) p.message());
          case 5 -> {
            metadata = (Metadata) p.message();
            for (Metadata.HashTag.Hash h : metadata.getHashtag().getHashList()) {
              String r = name(named, h);
              resolved = resolved == null ? r : resolved;
            }
          }
          default -> { } // index 2 (RecursionGuard) matters once delegation exists
        }
      } else if (e instanceof BeeEvent.Spooled s) {
        resolved = receive(s.message(), named, metadata);
      } else if (e instanceof BeeEvent.BlockHeld held) {
        // We have this block already: ask the sender to skip its body (ignored by old senders).
        ctx.sendFrame(BeeEncoder.skip(held.blockIdHex()));
      }
    }
    if (resolved == null) {
      if (!named.isEmpty()) {
        throw CallContext.error(Status.Code.NOT_FOUND, "service " + named.iterator().next()
            + " is not on this node and the request carried no service body (index 6)");
      }
      throw CallContext.error(Status.Code.INVALID_ARGUMENT,
          "StartService needs the service's SHA3-256 hash (index 4) or its body (index 6); the request had neither");
    }
    ctx.sendFrame(BeeEncoder.signal());
    InstanceManager.Launched launched;
    try {
      launched = instances.start(resolved, config, clientId);
    } catch (LaunchRefusedException ex) {
      throw CallContext.error(Status.Code.FAILED_PRECONDITION, "service " + resolved + " cannot run here: " + ex.getMessage());
    } catch (RuntimeFailure ex) {
      throw GatewayErrors.runtime(ex);
    }
    ctx.send(1, ServiceInstance.newBuilder()
        .setToken(launched.token())
        .setInstance(launched.instance())
        .build());
  }

  /** Records a named SHA3 hash; returns it if the registry already holds that service. */
  private String name(Set<String> named, Metadata.HashTag.Hash h) {
    if (!h.getType().equals(Hashes.SHA3_256_TYPE) || h.getValue().size() != Hashes.SHA3_256_BYTES) {
      return null; // other algorithms name it too, but we only key by SHA3-256
    }
    String id = Hashes.toHex(h.getValue());
    named.add(id);
    return registry.contains(id) ? id : null;
  }

  private String receive(SpooledMessage body, Set<String> named, Metadata metadata)
      throws StatusException, IOException {
    String computed = Hashes.toHex(body.sha3());
    if (!named.isEmpty() && !named.contains(computed)) {
      body.delete();
      throw CallContext.error(Status.Code.INVALID_ARGUMENT, "the service body hashes to " + computed
          + " but the request named " + named + "; nothing was stored");
    }
    try {
      registry.put(body, metadata);
    } catch (InvalidServiceException ex) {
      throw CallContext.error(Status.Code.INVALID_ARGUMENT, ex.getMessage() + "; nothing was stored");
    }
    return computed;
  }
}
