package org.celaut.node.gateway;

import io.grpc.Status;
import io.grpc.StatusException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.celaut.node.instances.InstanceManager;
import org.celaut.node.instances.LaunchRefusedException;
import org.celaut.node.instances.RecursionGuards;
import org.celaut.node.instances.TreesInFlight;
import org.celaut.node.registry.InvalidServiceException;
import org.celaut.node.registry.ServiceRegistry;
import org.celaut.node.runtime.RuntimeFailure;
import org.celaut.node.store.InstanceRecord;
import org.celaut.node.storage.ServiceUse;
import org.celaut.node.store.StoreException;
import org.celaut.proto.celaut.Client;
import org.celaut.proto.celaut.Configuration;
import org.celaut.proto.celaut.Metadata;
import org.celaut.proto.celaut.RecursionGuard;
import org.celaut.proto.celaut.ServiceInstance;
import org.celaut.protocol.Hashes;
import org.celaut.protocol.bee.BeeEncoder;
import org.celaut.protocol.bee.BeeEvent;
import org.celaut.protocol.bee.SpooledMessage;

/**
 * StartService: resolve the service (hash first; receive the body only if missing; verify it),
 * tell the caller to stop uploading ({@code signal}), admit the caller, launch locally, answer
 * the instance.
 *
 * <p>Who asks: a request without a Client whose source address is a live local instance's is
 * that instance asking for a child ({@link InstanceManager#callerOf}); anyone else starts a new
 * tree. A recursion guard (index 2) is checked as soon as it arrives (malformed, no hops left).
 * A new tree's token — the guard's, or a fresh one — is held in {@link TreesInFlight} while the
 * call is answered, so the same tree coming back through other nodes is refused; a child joins
 * its parent's tree, where {@link org.celaut.node.instances.Admission} refuses loops by service.
 *
 * <p>The whole call holds a {@link ServiceUse} lease, and every service it names is pinned before
 * it is looked up, so the disk garbage collector never removes what this call is uploading or
 * launching.
 */
final class StartServiceCall implements CallHandler {

  private final ServiceRegistry registry;
  private final InstanceManager instances;
  private final TreesInFlight trees;
  private final int maxRecursionHops;
  private final Duration inputTimeout;
  private final ServiceUse serviceUse;

  StartServiceCall(ServiceRegistry registry, InstanceManager instances, TreesInFlight trees,
      int maxRecursionHops, Duration inputTimeout, ServiceUse serviceUse) {
    this.serviceUse = serviceUse;
    this.registry = registry;
    this.instances = instances;
    this.trees = trees;
    this.maxRecursionHops = maxRecursionHops;
    this.inputTimeout = inputTimeout;
  }

  @Override
  public void handle(CallContext ctx) throws StatusException, StoreException, IOException {
    List<TreesInFlight.Lease> leases = new ArrayList<>();
    try (ServiceUse.Lease use = serviceUse.begin()) {
      handle(ctx, leases, use);
    } finally {
      leases.forEach(TreesInFlight.Lease::close);
    }
  }

  private void handle(CallContext ctx, List<TreesInFlight.Lease> leases, ServiceUse.Lease use)
      throws StatusException, StoreException, IOException {
    Optional<RecursionGuards.Checked> guard = Optional.empty();
    // A caller off the node network is never a local instance: its tree is taken at once, so a
    // loop is refused before its body is received. One on it is decided once the request is read.
    boolean maybeInstance = instances.onNodeNetwork(ctx.remoteAddress());
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
          case 4 -> resolved = name(named, (Metadata.HashTag.Hash) p.message(), use);
          case 5 -> {
            metadata = (Metadata) p.message();
            for (Metadata.HashTag.Hash h : metadata.getHashtag().getHashList()) {
              String r = name(named, h, use);
              resolved = resolved == null ? r : resolved;
            }
          }
          case 2 -> {
            if (guard.isEmpty()) { // the first guard names the tree; a repeat changes nothing
              guard = checkGuard((RecursionGuard) p.message());
              if (guard.isPresent() && !maybeInstance) {
                leases.add(enter(guard.get().token()));
              }
            }
          }
          default -> { }
        }
      } else if (e instanceof BeeEvent.Spooled s) {
        resolved = receive(s.message(), named, metadata, use);
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
    // Whatever else the caller sends (a body it uploads anyway, not having seen our signal yet)
    // is not needed: drop it instead of spooling it.
    ctx.discardRestOfRequest();
    ctx.sendFrame(BeeEncoder.signal());

    Optional<InstanceRecord> parent =
        clientId.isEmpty() ? instances.callerOf(ctx.remoteAddress()) : Optional.empty();
    InstanceManager.Origin origin;
    if (parent.isPresent()) {
      // A child joins its parent's tree; a guard it sent is checked above but names nothing here.
      origin = new InstanceManager.Origin.Child(parent.get());
    } else {
      String tree = guard.map(RecursionGuards.Checked::token).orElseGet(instances::newTreeToken);
      if (leases.isEmpty()) {
        leases.add(enter(tree));
      }
      origin = new InstanceManager.Origin.Outside(clientId, tree);
    }
    InstanceManager.Launched launched;
    try {
      launched = instances.start(resolved, config, origin);
    } catch (LaunchRefusedException ex) {
      throw GatewayErrors.refused(resolved, ex);
    } catch (RuntimeFailure ex) {
      throw GatewayErrors.runtime(ex);
    }
    ctx.send(1, ServiceInstance.newBuilder()
        .setToken(launched.token())
        .setInstance(launched.instance())
        .build());
  }

  private Optional<RecursionGuards.Checked> checkGuard(RecursionGuard g) throws StatusException {
    try {
      return RecursionGuards.check(g, maxRecursionHops);
    } catch (LaunchRefusedException ex) {
      throw GatewayErrors.refused(null, ex);
    }
  }

  private TreesInFlight.Lease enter(String token) throws StatusException {
    try {
      return trees.enter(token);
    } catch (LaunchRefusedException ex) {
      throw GatewayErrors.refused(null, ex);
    }
  }

  /** Records a named SHA3 hash; returns it if the registry already holds that service. */
  private String name(Set<String> named, Metadata.HashTag.Hash h, ServiceUse.Lease use) throws IOException {
    if (!h.getType().equals(Hashes.SHA3_256_TYPE) || h.getValue().size() != Hashes.SHA3_256_BYTES) {
      return null; // other algorithms name it too, but we only key by SHA3-256
    }
    String id = Hashes.toHex(h.getValue());
    named.add(id);
    use.pin(id);
    return registry.contains(id) ? id : null;
  }

  private String receive(SpooledMessage body, Set<String> named, Metadata metadata, ServiceUse.Lease use)
      throws StatusException, IOException {
    String computed = Hashes.toHex(body.sha3());
    if (!named.isEmpty() && !named.contains(computed)) {
      body.delete();
      throw CallContext.error(Status.Code.INVALID_ARGUMENT, "the service body hashes to " + computed
          + " but the request named " + named + "; nothing was stored");
    }
    use.pin(computed);
    try {
      registry.put(body, metadata);
    } catch (InvalidServiceException ex) {
      throw CallContext.error(Status.Code.INVALID_ARGUMENT, ex.getMessage() + "; nothing was stored");
    }
    return computed;
  }
}
