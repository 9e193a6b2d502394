package org.celaut.node.instances;

import static org.assertj.core.api.Assertions.assertThat;
import static org.celaut.node.instances.Records.alive;
import static org.celaut.node.instances.Records.record;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import org.celaut.node.store.InstanceRecord;
import org.celaut.node.store.InstanceState;
import org.junit.jupiter.api.Test;

/** A call is attributed to the live instance whose node-network address is its source. */
class AttributionTest {

  private static SocketAddress from(String ip) throws Exception {
    return new InetSocketAddress(InetAddress.getByName(ip), 41234);
  }

  @Test
  void aCallFromAnInstancesAddressIsThatInstances() throws Exception {
    List<InstanceRecord> alive = List.of(alive("a", null, "172.18.0.2", 1), alive("b", "a", "172.18.0.3", 2));
    assertThat(Attribution.of(from("172.18.0.3"), alive)).map(InstanceRecord::id).contains("b");
    assertThat(Attribution.of(from("172.18.0.2"), alive)).map(InstanceRecord::id).contains("a");
  }

  @Test
  void aCallFromAnyOtherAddressIsNobodys() throws Exception {
    List<InstanceRecord> alive = List.of(alive("a", null, "172.18.0.2", 1), alive("s", null, null, 1));
    assertThat(Attribution.of(from("172.18.0.9"), alive)).isEmpty();
    assertThat(Attribution.of(from("127.0.0.1"), alive)).isEmpty();
    assertThat(Attribution.of(new SocketAddress() { }, alive)).as("not an IP socket").isEmpty();
    assertThat(Attribution.of(null, alive)).isEmpty();
  }

  @Test
  void anEndedInstanceIsNeverTheCallerEvenAtItsOldAddress() throws Exception {
    List<InstanceRecord> records = List.of(record("old", null, "172.18.0.2", 1, InstanceState.ENDED));
    assertThat(Attribution.of(from("172.18.0.2"), records)).isEmpty();
  }

  @Test
  void whenTwoLiveRecordsShareAnAddressTheNewestIsTheCaller() throws Exception {
    // The older one's container vanished unnoticed and the engine gave its address away.
    List<InstanceRecord> alive = List.of(alive("new", null, "172.18.0.2", 20), alive("old", null, "172.18.0.2", 10));
    assertThat(Attribution.of(from("172.18.0.2"), alive)).map(InstanceRecord::id).contains("new");
  }

  @Test
  void ipv4MappedIpv6SourcesAreReadAsIpv4() throws Exception {
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 172, 18, 0, 5};
    SocketAddress v6 = new InetSocketAddress(java.net.Inet6Address.getByAddress(null, mapped, -1), 1);
    assertThat(Attribution.ipOf(v6)).contains("172.18.0.5");
    assertThat(Attribution.ipOf(from("10.1.2.3"))).contains("10.1.2.3");
    assertThat(Attribution.of(v6, List.of(alive("a", null, "172.18.0.5", 1)))).isPresent();
  }

  @Test
  void subnetMembership() {
    assertThat(Attribution.inSubnet("172.18.0.5", "172.18.0.0/16")).isTrue();
    assertThat(Attribution.inSubnet("172.19.0.5", "172.18.0.0/16")).isFalse();
    assertThat(Attribution.inSubnet("192.168.224.7", "192.168.224.0/20")).isTrue();
    assertThat(Attribution.inSubnet("192.168.240.1", "192.168.224.0/20")).isFalse();
    assertThat(Attribution.inSubnet("8.8.8.8", "0.0.0.0/0")).isTrue();
    assertThat(Attribution.inSubnet("10.0.0.1", "10.0.0.1/32")).isTrue();
    assertThat(Attribution.inSubnet("10.0.0.2", "10.0.0.1/32")).isFalse();
    assertThat(Attribution.inSubnet("::1", "10.0.0.0/8")).isFalse();
    assertThat(Attribution.inSubnet("10.0.0.1", "10.0.0.0")).as("no prefix").isFalse();
    assertThat(Attribution.inSubnet("10.0.0.1", "10.0.0.0/33")).isFalse();
    assertThat(Attribution.inSubnet("10.0.0.256", "10.0.0.0/8")).isFalse();
    assertThat(Attribution.inSubnet("10.0.0.1", null)).isFalse();
  }
}
