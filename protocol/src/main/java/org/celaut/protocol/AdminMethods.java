package org.celaut.protocol;

import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import org.celaut.proto.admin.ListInstancesRequest;
import org.celaut.proto.admin.ListInstancesResponse;
import org.celaut.proto.admin.ListServicesRequest;
import org.celaut.proto.admin.ListServicesResponse;
import org.celaut.proto.admin.StopInstanceRequest;
import org.celaut.proto.admin.RemoveServiceRequest;
import org.celaut.proto.admin.RemoveServiceResponse;
import org.celaut.proto.admin.StopInstanceResponse;

/**
 * The {@code celaut.admin.Admin} service: our extension (not in the reference protocol) that lets
 * a maintainer's CLI list instances and services, stop an instance by id and remove services.
 * Nodes serve it to loopback callers only.
 */
public final class AdminMethods {

  public static final String SERVICE_NAME = "celaut.admin.Admin";

  public static final MethodDescriptor<ListInstancesRequest, ListInstancesResponse> LIST_INSTANCES =
      MethodDescriptor.<ListInstancesRequest, ListInstancesResponse>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE_NAME, "ListInstances"))
          .setRequestMarshaller(ProtoUtils.marshaller(ListInstancesRequest.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(ListInstancesResponse.getDefaultInstance()))
          .build();

  public static final MethodDescriptor<ListServicesRequest, ListServicesResponse> LIST_SERVICES =
      MethodDescriptor.<ListServicesRequest, ListServicesResponse>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE_NAME, "ListServices"))
          .setRequestMarshaller(ProtoUtils.marshaller(ListServicesRequest.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(ListServicesResponse.getDefaultInstance()))
          .build();

  public static final MethodDescriptor<StopInstanceRequest, StopInstanceResponse> STOP_INSTANCE =
      MethodDescriptor.<StopInstanceRequest, StopInstanceResponse>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE_NAME, "StopInstance"))
          .setRequestMarshaller(ProtoUtils.marshaller(StopInstanceRequest.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(StopInstanceResponse.getDefaultInstance()))
          .build();

  public static final MethodDescriptor<RemoveServiceRequest, RemoveServiceResponse> REMOVE_SERVICE =
      MethodDescriptor.<RemoveServiceRequest, RemoveServiceResponse>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE_NAME, "RemoveService"))
          .setRequestMarshaller(ProtoUtils.marshaller(RemoveServiceRequest.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(RemoveServiceResponse.getDefaultInstance()))
          .build();

  private AdminMethods() {}
}
