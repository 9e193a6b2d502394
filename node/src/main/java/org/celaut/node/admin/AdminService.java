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
import org.celaut.node.instances.InstanceManager;
import org.celaut.node.instances.StopOutcome;
import org.celaut.node.instances.Tokens;
import org.celaut.node.registry.ServiceRegistry;
import org.celaut.node.registry.StoredService;
import org.celaut.node.storage.RemovalRefusedException;
import org.celaut.node.storage.StorageCollector;
import org.celaut.node.store.InstanceRecord;
import org.celaut.node.store.InstanceStore;
import org.celaut.node.runtime.RuntimeFailure;
import org.celaut.node.store.StoreException;
import org.celaut.proto.admin.InstanceInfo;
import org.celaut.proto.admin.ListInstancesRequest;
import org.celaut.proto.admin.ListInstancesResponse;
import org.celaut.proto.admin.ListServicesRequest;
import org.celaut.proto.admin.ListServicesResponse;
import org.celaut.proto.admin.RemoveServiceRequest;
import org.celaut.proto.admin.RemoveServiceResponse;
import org.celaut.proto.admin.ServiceInfo;
import org.celaut.proto.admin.StopInstanceRequest;
import org.celaut.proto.admin.StopInstanceResponse;
import org.celaut.proto.celaut.Instance;
import org.celaut.protocol.AdminMethods;
import org.celaut.protocol.Hashes;

/**
 * The maintainer's API ({@code celaut.admin.Admin}): list instances and services, stop an
 * instance by its public id, remove a service. Served only to loopback callers: instances reach
 * the node through its Docker network, never through loopback, so a service can neither list,
 * stop nor remove its neighbours' things; and whoever is on the node's machine could remove the
 * containers anyway.
 */
public final class AdminService {

  private static final Context.Key<SocketAddress> REMOTE = Context.key("celaut-admin-remote");

  private final InstanceStore instances;
  private final ServiceRegistry registry;
  private final InstanceManager manager;
  private final StorageCollector storage;

  public AdminService(InstanceStore instances, ServiceRegistry registry, InstanceManager manager,
      StorageCollector storage) {
    this.instances = instances;
    this.registry = registry;
    this.manager = manager;
    this.storage = storage;
  }

  public ServerServiceDefinition definition() {
    ServerServiceDefinition def = ServerServiceDefinition.builder(AdminMethods.SERVICE_NAME)
        .addMethod(AdminMethods.LIST_INSTANCES, ServerCalls.asyncUnaryCall(this::listInstances))
        .addMethod(AdminMethods.LIST_SERVICES, ServerCalls.asyncUnaryCall(this::listServices))
        .addMethod(AdminMethods.STOP_INSTANCE, ServerCalls.asyncUnaryCall(this::stopInstance))
        .addMethod(AdminMethods.REMOVE_SERVICE, ServerCalls.asyncUnaryCall(this::removeService))
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
      for (StorageCollector.Usage u : storage.usage()) {
        StoredService s = u.service();
        b.addServices(ServiceInfo.newBuilder()
            .setId(s.idHex())
            .addAllTags(s.metadata().getHashtag().getTagList())
            .setSizeBytes(s.expandedSize())
            .setDiskBytes(u.diskBytes())
            .setLastUsedMs(u.lastUsedMillis())
            .setLiveInstances(u.liveInstances().size()));
      }
      out.onNext(b.build());
      out.onCompleted();
    } catch (IOException | StoreException e) {
      out.onError(Status.INTERNAL.withDescription("cannot list services: " + e.getMessage()).asException());
    }
  }

  /**
   * Stops a live instance by id, its descendants first, as a stop by token does. Refusals say
   * that nothing was stopped: NOT_FOUND for an id the node never had, FAILED_PRECONDITION for an
   * instance that had already ended, INVALID_ARGUMENT for something that is not an instance id.
   */
  private void stopInstance(StopInstanceRequest req, StreamObserver<StopInstanceResponse> out) {
    String id = req.getId();
    if (!Tokens.isInstanceId(id)) {
      out.onError(Status.INVALID_ARGUMENT.withDescription("'" + id + "' is not an instance id (16 hex characters,"
          + " as 'celaut ls' shows them); nothing was stopped").asException());
      return;
    }
    StopOutcome outcome;
    try {
      outcome = manager.stopById(id, "stopped by the node's maintainer");
    } catch (RuntimeFailure e) {
      Status s = e.kind() == RuntimeFailure.Kind.ENGINE_UNAVAILABLE ? Status.UNAVAILABLE : Status.INTERNAL;
      out.onError(s.withDescription("the stop of instance " + id + " did not complete: " + e.getMessage()).asException());
      return;
    } catch (StoreException e) {
      out.onError(Status.INTERNAL.withDescription("cannot stop instance " + id + ": " + e.getMessage()).asException());
      return;
    }
    if (outcome instanceof StopOutcome.Unknown) {
      out.onError(Status.NOT_FOUND.withDescription("no instance on this node has id " + id
          + " ('celaut ls -a' lists recent ones); nothing was stopped").asException());
    } else if (outcome instanceof StopOutcome.AlreadyEnded ended) {
      out.onError(Status.FAILED_PRECONDITION.withDescription(ended.message()).asException());
    } else {
      StopOutcome.Stopped stopped = (StopOutcome.Stopped) outcome;
      out.onNext(StopInstanceResponse.newBuilder().setId(stopped.instance().id())
          .addAllDescendantIds(stopped.descendantIds()).build());
      out.onCompleted();
    }
  }

  private void removeService(RemoveServiceRequest req, StreamObserver<RemoveServiceResponse> out) {
    if (!Hashes.isSha3Hex(req.getId())) {
      out.onError(Status.INVALID_ARGUMENT.withDescription("'" + req.getId()
          + "' is not a service id (64 hex characters, as `celaut services` lists them)").asException());
      return;
    }
    try {
      StorageCollector.Removed r = storage.remove(req.getId());
      out.onNext(RemoveServiceResponse.newBuilder()
          .setId(r.serviceId())
          .setTag(r.tag())
          .setFreedBytes(r.freedBytes())
          .setImagesRemoved(r.imagesRemoved())
          .setBlocksRemoved(r.blocksRemoved())
          .setBlocksLeft(r.blocksLeft())
          .build());
      out.onCompleted();
    } catch (RemovalRefusedException e) {
      Status status = switch (e.kind()) {
        case NOT_FOUND -> Status.NOT_FOUND;
        // The node answered: its engine being down is not the node being unreachable.
        case IN_USE, ENGINE_REFUSED, ENGINE_UNAVAILABLE -> Status.FAILED_PRECONDITION;
      };
      out.onError(status.withDescription(e.getMessage()).asException());
    } catch (IOException | StoreException e) {
      out.onError(Status.INTERNAL.withDescription("cannot remove service " + req.getId() + ": " + e.getMessage())
          .asException());
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
