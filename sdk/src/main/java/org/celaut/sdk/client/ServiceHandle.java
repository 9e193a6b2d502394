package org.celaut.sdk.client;

import java.net.InetSocketAddress;
import java.util.List;
import org.celaut.proto.celaut.Instance;

/**
 * A started instance: its secret token and where to reach each API slot. A node lists each
 * slot's addresses best first for a caller outside: the port published on the node's host (e.g.
 * {@code 127.0.0.1:49160}), then the instance's own address on the node's container network (e.g.
 * {@code 172.18.0.5:8080}), which is the one other instances of the same node must use ({@link
 * #siblingAddress}).
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

  /**
   * The first address of a slot that is not a loopback one: how another instance on the same
   * node reaches this one (inside a container, 127.0.0.1 is the container itself). Throws if the
   * slot has no such address.
   */
  public InetSocketAddress siblingAddress(int port) {
    return addresses(port).stream()
        .filter(a -> !isLoopback(a.getHostString()))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("the instance has no non-loopback address for port "
            + port + "; its addresses: " + addresses(port)));
  }

  /** True for a loopback literal or {@code localhost}; never resolves a name. */
  static boolean isLoopback(String host) {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    return h.startsWith("127.") || h.equalsIgnoreCase("localhost") || h.equals("::1")
        || h.equals("0:0:0:0:0:0:0:1");
  }
}
