package org.celaut.protocol.bee;

import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import org.celaut.proto.buffer.Empty;
import org.celaut.proto.celaut.ArchitectureResources;
import org.celaut.proto.celaut.AssociateClientOutput;
import org.celaut.proto.celaut.ChatAck;
import org.celaut.proto.celaut.ChatMessage;
import org.celaut.proto.celaut.Client;
import org.celaut.proto.celaut.Configuration;
import org.celaut.proto.celaut.ConfigurationFile;
import org.celaut.proto.celaut.EstimatedCost;
import org.celaut.proto.celaut.Metadata;
import org.celaut.proto.celaut.Metrics;
import org.celaut.proto.celaut.ModifyDepositInput;
import org.celaut.proto.celaut.ModifyDepositOutput;
import org.celaut.proto.celaut.ModifyServiceSystemResourcesInput;
import org.celaut.proto.celaut.ModifyServiceSystemResourcesOutput;
import org.celaut.proto.celaut.ObserveEvent;
import org.celaut.proto.celaut.ObserveRequest;
import org.celaut.proto.celaut.Payment;
import org.celaut.proto.celaut.Peer;
import org.celaut.proto.celaut.PoWRequired;
import org.celaut.proto.celaut.RecursionGuard;
import org.celaut.proto.celaut.Refund;
import org.celaut.proto.celaut.ResourceAvailability;
import org.celaut.proto.celaut.Service;
import org.celaut.proto.celaut.ServiceInstance;
import org.celaut.proto.celaut.TokenMessage;
import org.celaut.protocol.GatewayMethods;

/**
 * The index maps of every {@code celaut.Gateway} call, both directions, as the reference's
 * {@code GATEWAY_RPCS} table defines them (SCHEMA.md, "Gateway calls"). Both ends of a call must
 * use these numbers.
 */
public final class GatewayCalls {

  /**
   * The maps of one call.
   *
   * @param method the Gateway method name, e.g. {@code "StartService"}
   * @param request what the client sends
   * @param response what the node answers
   */
  public record CallMaps(String method, IndexMap request, IndexMap response) {
    /** Checks every part is present. */
    public CallMaps {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(request, "request");
      Objects.requireNonNull(response, "response");
    }
  }

  // Immutable values built once; not a mutable singleton.
  private static final Map<String, CallMaps> CALLS = build();

  private GatewayCalls() {}

  /**
   * The maps of {@code methodName}.
   *
   * @throws IllegalArgumentException naming the known methods if there is no such call
   */
  public static CallMaps of(String methodName) {
    CallMaps maps = CALLS.get(methodName);
    if (maps == null) {
      throw new IllegalArgumentException(
          "celaut.Gateway has no method '" + methodName + "'; known: " + GatewayMethods.NAMES);
    }
    return maps;
  }

  /**
   * The StartService request map: {1 Client, 2 RecursionGuard, 3 Configuration, 4 Hash, 5
   * Metadata, 6 Service (spooled)}. GetServiceEstimatedCost uses it too.
   */
  public static IndexMap startServiceRequest() {
    return IndexMap.builder()
        .message(1, Client.parser())
        .message(2, RecursionGuard.parser())
        .message(3, Configuration.parser())
        .message(4, Metadata.HashTag.Hash.parser())
        .message(5, Metadata.parser())
        .spooled(6, Service.class)
        .build();
  }

  private static IndexMap one(Parser<? extends MessageLite> p) {
    return IndexMap.builder().message(1, p).build();
  }

  private static IndexMap withClient(
      Parser<? extends MessageLite> payload) {
    return IndexMap.builder().message(1, payload).message(2, Client.parser()).build();
  }

  private static Map<String, CallMaps> build() {
    Map<String, CallMaps> m = new LinkedHashMap<>();
    put(m, "StartService", startServiceRequest(), one(ServiceInstance.parser()));
    put(m, "StopService", one(TokenMessage.parser()), one(Refund.parser()));
    put(m, "ModifyDeposit", one(ModifyDepositInput.parser()), one(ModifyDepositOutput.parser()));
    put(m, "GetPeerInfo", one(Client.parser()), one(Peer.parser()));
    put(
        m,
        "ResolveNetwork",
        withClient(Service.Network.parser()),
        one(ConfigurationFile.NetworkResolution.parser()));
    put(m, "IntroducePeer", withClient(Peer.parser()), one(RecursionGuard.parser()));
    put(
        m,
        "GenerateClient",
        one(Client.parser()),
        IndexMap.builder().message(1, Client.parser()).message(2, PoWRequired.parser()).build());
    put(m, "AssociateClient", one(Client.parser()), one(AssociateClientOutput.parser()));
    put(m, "GenerateDepositToken", one(Client.parser()), one(TokenMessage.parser()));
    put(m, "Payable", withClient(Payment.parser()), one(Empty.parser()));
    put(
        m,
        "ModifyServiceSystemResources",
        one(ModifyServiceSystemResourcesInput.parser()),
        one(ModifyServiceSystemResourcesOutput.parser()));
    put(m, "GetServiceEstimatedCost", startServiceRequest(), one(EstimatedCost.parser()));
    put(
        m,
        "GetResourceAvailability",
        withClient(ArchitectureResources.parser()),
        one(ResourceAvailability.parser()));
    put(
        m,
        "GetService",
        withClient(Metadata.HashTag.Hash.parser()),
        // The answer reuses StartService's 4/5/6 so it can be replayed into a StartService.
        IndexMap.builder()
            .message(4, Metadata.HashTag.Hash.parser())
            .message(5, Metadata.parser())
            .spooled(6, Service.class)
            .build());
    put(m, "GetMetrics", one(TokenMessage.parser()), one(Metrics.parser()));
    put(m, "ServiceTunnel", one(TokenMessage.parser()), IndexMap.builder().build());
    put(m, "Observe", one(ObserveRequest.parser()), one(ObserveEvent.parser()));
    put(m, "Chat", one(ChatMessage.parser()), one(ChatAck.parser()));
    if (!m.keySet().equals(new LinkedHashSet<>(GatewayMethods.NAMES))) {
      throw new IllegalStateException("GatewayCalls and GatewayMethods disagree on the method list");
    }
    return Map.copyOf(m);
  }

  private static void put(Map<String, CallMaps> m, String method, IndexMap req, IndexMap resp) {
    m.put(method, new CallMaps(method, req, resp));
  }
}
