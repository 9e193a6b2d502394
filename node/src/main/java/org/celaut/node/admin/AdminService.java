package org.celaut.node.admin;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.celaut.node.registry.ServiceRegistry;
import org.celaut.node.registry.StoredService;
import org.celaut.node.store.InstanceRecord;
import org.celaut.node.store.InstanceStore;
import org.celaut.node.store.StoreException;
import org.celaut.proto.admin.InstanceInfo;
import org.celaut.proto.admin.ListInstancesRequest;
import org.celaut.proto.admin.ListInstancesResponse;
import org.celaut.proto.admin.ListServicesRequest;
import org.celaut.proto.admin.ListServicesResponse;
import org.celaut.proto.admin.ServiceInfo;
import org.celaut.proto.celaut.Instance;
import org.celaut.protocol.AdminMethods;

/**
 * The maintainer's listing API ({@code celaut.admin.Admin}). Served only to loopback callers:
 * instances reach the node through its Docker network, never through loopback, so a service
 * cannot list its neighbours.
 */
public final class AdminService {

  private static final Context.Key<SocketAddress> REMOTE = Context.key("celaut-admin-remote");

  private final InstanceStore instances;
  private final ServiceRegistry registry;

  public AdminService(InstanceStore instances, ServiceRegistry registry) {
    this.instances = instances;
    this.registry = registry;
  }

  public ServerServiceDefinition definition() {
    ServerServiceDefinition def = ServerServiceDefinition.builder(AdminMethods.SERVICE_NAME)
        .addMethod(AdminMethods.LIST_INSTANCES, ServerCalls.asyncUnaryCall(this::listInstances))
        .addMethod(AdminMethods.LIST_SERVICES, ServerCalls.asyncUnaryCall(this::listServices))
        .build();
    return ServerInterceptors.intercept(def, new LoopbackOnly());
  }

  private void listInstances(ListInstancesRequest req, StreamObserver<ListInstancesResponse> out) {
    try {
      List<InstanceRecord> rows = req.getIncludeEnded()
          ? instances.listRecent(req.getLimit() == 0 ? 100 : req.getLimit())
          : instances.listAlive();
      Map<String, String> tags = new HashMap<>();
      ListInstancesResponse.Builder b = ListInstancesResponse.newBuilder();
      for (InstanceRecord r : rows) {
        String tag = tags.computeIfAbsent(r.serviceId(), this::tagOf);
        InstanceInfo.Builder i = InstanceInfo.newBuilder()
            .setId(r.id())
            .setServiceId(r.serviceId())
            .setServiceTag(tag)
            .setState(r.state().name())
            .setContainerId(r.containerId().orElse(""))
            .setCreatedAtMs(r.createdAtMillis())
            .setEndedAtMs(r.endedAtMillis())
            .setEndReason(r.endReason())
            .setParentId(r.parentId().orElse(""));
        if (r.instanceProto().length > 0) {
          i.setInstance(Instance.parseFrom(r.instanceProto()));
        }
        b.addInstances(i);
      }
      out.onNext(b.build());
      out.onCompleted();
    } catch (StoreException | IOException e) {
      out.onError(Status.INTERNAL.withDescription("cannot list instances: " + e.getMessage()).asException());
    }
  }

  private String tagOf(String serviceId) {
    try {
      return registry.get(serviceId).map(StoredService::tag).orElse("");
    } catch (IOException e) {
      return "";
    }
  }

  private void listServices(ListServicesRequest req, StreamObserver<ListServicesResponse> out) {
    try {
      ListServicesResponse.Builder b = ListServicesResponse.newBuilder();
      for (StoredService s : registry.list()) {
        b.addServices(ServiceInfo.newBuilder()
            .setId(s.idHex())
            .addAllTags(s.metadata().getHashtag().getTagList())
            .setSizeBytes(s.expandedSize()));
      }
      out.onNext(b.build());
      out.onCompleted();
    } catch (IOException e) {
      out.onError(Status.INTERNAL.withDescription("cannot list services: " + e.getMessage()).asException());
    }
  }

  private static final class LoopbackOnly implements ServerInterceptor {
    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
        ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
      SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
      boolean loopback = remote instanceof InetSocketAddress isa
          && isa.getAddress() != null && isa.getAddress().isLoopbackAddress();
      if (!loopback) {
        call.close(Status.PERMISSION_DENIED.withDescription(
            "the admin API answers only callers on this machine's loopback"), new Metadata());
        return new ServerCall.Listener<>() {};
      }
      return Contexts.interceptCall(Context.current().withValue(REMOTE, remote), call, headers, next);
    }
  }
}
