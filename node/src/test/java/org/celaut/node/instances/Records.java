package org.celaut.node.instances;

import java.util.Optional;
import org.celaut.node.store.InstanceRecord;
import org.celaut.node.store.InstanceState;

/** Instance records for pure-function tests. */
final class Records {

  private Records() {}

  static InstanceRecord alive(String id, String parent, String ip, long createdAt) {
    return record(id, parent, ip, createdAt, InstanceState.RUNNING);
  }

  static InstanceRecord record(String id, String parent, String ip, long createdAt, InstanceState state) {
    return new InstanceRecord(id, "sha-" + id, "svc-" + id, Optional.of("c-" + id), state,
        Optional.ofNullable(parent), Optional.empty(), new byte[0], createdAt,
        state == InstanceState.RUNNING || state == InstanceState.STARTING ? 0 : createdAt + 1, "",
        Optional.ofNullable(ip), 0, 32L << 20, 0, 0, "tree");
  }
}
