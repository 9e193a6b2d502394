package org.celaut.node.store;

import java.util.Optional;

/**
 * What is known of an instance before its container exists.
 *
 * @param id public instance id
 * @param tokenSha256 hex SHA-256 of its token
 * @param serviceId hex service id
 * @param parentId the instance that started it, if any
 * @param clientId the paying client, if any
 * @param depth 0 for a root, parent's depth + 1 for a child
 * @param memLimitBytes memory limit it starts with
 * @param cpuPeriodMicros CFS period it starts with (0 = engine default)
 * @param cpuQuotaMicros CFS quota it starts with (0 = none)
 * @param treeToken id of its tree
 * @param createdAtMillis now
 */
public record NewInstance(
    String id,
    String tokenSha256,
    String serviceId,
    Optional<String> parentId,
    Optional<String> clientId,
    int depth,
    long memLimitBytes,
    long cpuPeriodMicros,
    long cpuQuotaMicros,
    String treeToken,
    long createdAtMillis) {}
