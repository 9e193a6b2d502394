package org.celaut.protocol;

import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.celaut.proto.buffer.Buffer;

/**
 * The eighteen methods of the {@code celaut.Gateway} gRPC service.
 *
 * <p>Every method is a bidirectional stream of {@link Buffer} frames, so one descriptor shape
 * serves all of them; what the frames carry is decided by each call's index maps
 * ({@link org.celaut.protocol.bee.GatewayCalls}). We build the descriptors here instead of
 * generating stubs because the typed stubs would add nothing but eighteen copies of the same
 * signature.
 */
public final class GatewayMethods {

  /** The gRPC service name; part of every HTTP/2 path ({@code /celaut.Gateway/StartService}). */
  public static final String SERVICE_NAME = "celaut.Gateway";

  /** Method names in the reference's declaration order. */
  public static final List<String> NAMES =
      List.of(
          "StartService",
          "StopService",
          "ModifyDeposit",
          "GetPeerInfo",
          "ResolveNetwork",
          "IntroducePeer",
          "GenerateClient",
          "AssociateClient",
          "GenerateDepositToken",
          "Payable",
          "ModifyServiceSystemResources",
          "GetServiceEstimatedCost",
          "GetResourceAvailability",
          "GetService",
          "GetMetrics",
          "ServiceTunnel",
          "Observe",
          "Chat");

  private static final Map<String, MethodDescriptor<Buffer, Buffer>> DESCRIPTORS = build();

  private GatewayMethods() {}

  /** The descriptor of one Gateway method, e.g. {@code descriptor("StartService")}. */
  public static MethodDescriptor<Buffer, Buffer> descriptor(String methodName) {
    MethodDescriptor<Buffer, Buffer> d = DESCRIPTORS.get(methodName);
    if (d == null) {
      throw new IllegalArgumentException(
          "celaut.Gateway has no method '" + methodName + "'; known: " + NAMES);
    }
    return d;
  }

  /** All descriptors, in declaration order. */
  public static Iterable<MethodDescriptor<Buffer, Buffer>> all() {
    return DESCRIPTORS.values();
  }

  private static Map<String, MethodDescriptor<Buffer, Buffer>> build() {
    MethodDescriptor.Marshaller<Buffer> marshaller =
        ProtoUtils.marshaller(Buffer.getDefaultInstance());
    Map<String, MethodDescriptor<Buffer, Buffer>> map = new LinkedHashMap<>();
    for (String name : NAMES) {
      map.put(
          name,
          MethodDescriptor.<Buffer, Buffer>newBuilder()
              .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
              .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE_NAME, name))
              .setRequestMarshaller(marshaller)
              .setResponseMarshaller(marshaller)
              .build());
    }
    return Map.copyOf(map);
  }
}
