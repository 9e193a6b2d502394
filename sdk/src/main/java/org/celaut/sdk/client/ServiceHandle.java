package org.celaut.sdk.client;

import java.net.InetSocketAddress;
import java.util.List;
import org.celaut.proto.celaut.Instance;

/**
 * A started instance: its secret token and where to reach each API slot.
 *
 * @param serviceIdHex the service it runs
 * @param token the credential to stop it (keep it secret)
 * @param instance the addresses the node returned
 */
public record ServiceHandle(String serviceIdHex, String token, Instance instance) {

  /** Every address of the slot whose internal port is {@code port}, best first. */
  public List<InetSocketAddress> addresses(int port) {
    return instance.getUriSlotList().stream()
        .filter(s -> s.getInternalPort() == port)
        .flatMap(s -> s.getUriList().stream())
        .map(u -> InetSocketAddress.createUnresolved(u.getIp(), u.getPort()))
        .toList();
  }

  /** The first address of a slot; throws if the slot has none. */
  public InetSocketAddress address(int port) {
    List<InetSocketAddress> a = addresses(port);
    if (a.isEmpty()) {
      throw new IllegalArgumentException("the instance has no address for port " + port
          + "; its slots: " + instance.getUriSlotList().stream().map(Instance.Uri_Slot::getInternalPort).toList());
    }
    return a.get(0);
  }
}
