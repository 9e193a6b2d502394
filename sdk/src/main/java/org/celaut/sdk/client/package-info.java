/**
 * The SDK for users and tools: talk to one Celaut node.
 *
 * <p>{@link org.celaut.sdk.client.NodeClient} starts instances of a service ({@link
 * org.celaut.sdk.client.ServiceSource}: a packed file, or the id of a service the node holds;
 * {@link org.celaut.sdk.client.StartOptions}: variables, balance, timeout), stops them by the
 * token in the returned {@link org.celaut.sdk.client.ServiceHandle}, reads metrics, the node's
 * announcement and its price for a start ({@link org.celaut.sdk.client.CostEstimate}). Every
 * blocking call has a {@code CompletableFuture} twin. Failures are one {@link
 * org.celaut.sdk.client.CelautException} subtype per way to react.
 *
 * <p>A service that starts other services through its own node uses {@code
 * org.celaut.sdk.service.ServiceContext}, built on this package.
 */
package org.celaut.sdk.client;
