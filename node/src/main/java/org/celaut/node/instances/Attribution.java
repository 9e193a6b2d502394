package org.celaut.node.instances;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;
import org.celaut.node.store.InstanceRecord;

/**
 * Which local instance a call comes from, told by its source address, as the reference does: a
 * container's address on the node network is its identity there. Pure functions; {@link
 * InstanceManager#callerOf} feeds them the live instances.
 */
public final class Attribution {

  private Attribution() {}

  /**
   * The live instance whose network address is the source of a call from {@code remote}, or empty
   * if none is. If several live records share the address (an instance's container vanished
   * unnoticed and the engine reused its address), the newest is the caller: two running
   * containers never share an address on one network, and the older one's is gone.
   */
  public static Optional<InstanceRecord> of(SocketAddress remote, Collection<InstanceRecord> alive) {
    Optional<String> ip = ipOf(remote);
    if (ip.isEmpty()) {
      return Optional.empty();
    }
    return alive.stream()
        .filter(InstanceRecord::alive)
        .filter(r -> r.networkIp().map(ip.get()::equals).orElse(false))
        .max(Comparator.comparingLong(InstanceRecord::createdAtMillis).thenComparing(InstanceRecord::id));
  }

  /**
   * The textual IP of a socket address ({@code 172.18.0.5}); IPv4-mapped IPv6 addresses are given
   * as IPv4. Empty for anything that is not an IP socket address.
   */
  public static Optional<String> ipOf(SocketAddress remote) {
    if (!(remote instanceof InetSocketAddress isa) || isa.getAddress() == null) {
      return Optional.empty();
    }
    InetAddress a = isa.getAddress();
    if (a instanceof Inet6Address v6) {
      byte[] b = v6.getAddress();
      if (isV4Mapped(b)) {
        return Optional.of((b[12] & 255) + "." + (b[13] & 255) + "." + (b[14] & 255) + "." + (b[15] & 255));
      }
    }
    return Optional.of(a.getHostAddress());
  }

  /**
   * True if {@code ip} is an IPv4 address inside {@code cidr} (e.g. {@code 172.18.0.0/16}). False
   * for anything that is not IPv4, and for a malformed CIDR.
   */
  public static boolean inSubnet(String ip, String cidr) {
    long addr = ipv4(ip);
    int slash = cidr == null ? -1 : cidr.indexOf('/');
    if (addr < 0 || slash < 0) {
      return false;
    }
    long net = ipv4(cidr.substring(0, slash));
    int prefix;
    try {
      prefix = Integer.parseInt(cidr.substring(slash + 1));
    } catch (NumberFormatException e) {
      return false;
    }
    if (net < 0 || prefix < 0 || prefix > 32) {
      return false;
    }
    long mask = prefix == 0 ? 0 : (0xFFFF_FFFFL << (32 - prefix)) & 0xFFFF_FFFFL;
    return (addr & mask) == (net & mask);
  }

  /** The 32-bit value of a dotted IPv4 address, or -1. */
  static long ipv4(String s) {
    if (s == null) {
      return -1;
    }
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return -1;
    }
    long v = 0;
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
        return -1;
      }
      int o = Integer.parseInt(p);
      if (o > 255) {
        return -1;
      }
      v = (v << 8) | o;
    }
    return v;
  }

  private static boolean isV4Mapped(byte[] b) {
    if (b.length != 16) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
  }
}
