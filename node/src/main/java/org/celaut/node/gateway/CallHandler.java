package org.celaut.node.gateway;

/**
 * The logic of one Gateway method. It reads the request from the context and writes the answer;
 * returning normally completes the call, throwing a {@link io.grpc.StatusException} fails it
 * with that status. Anything else thrown becomes INTERNAL with its message.
 */
@FunctionalInterface
public interface CallHandler {
  void handle(CallContext ctx) throws Exception;
}
