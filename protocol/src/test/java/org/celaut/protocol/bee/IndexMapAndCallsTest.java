package org.celaut.protocol.bee;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import org.celaut.proto.celaut.Client;
import org.celaut.proto.celaut.Metadata;
import org.celaut.proto.celaut.PoWRequired;
import org.celaut.proto.celaut.Service;
import org.celaut.protocol.GatewayMethods;
import org.junit.jupiter.api.Test;

/** Index maps and the Gateway call table. */
class IndexMapAndCallsTest {

  @Test
  void everyGatewayMethodHasMapsAndIndexZeroIsAlwaysRawBytes() {
    for (String name : GatewayMethods.NAMES) {
      GatewayCalls.CallMaps maps = GatewayCalls.of(name);
      assertThat(maps.method()).isEqualTo(name);
      assertThat(maps.request().contains(0)).isTrue();
      assertThat(maps.response().indexOf(ByteString.class)).isZero();
    }
    assertThatThrownBy(() -> GatewayCalls.of("Nope"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("StartService");
  }

  @Test
  void startServiceAndGetServiceSpoolTheServiceAtSix() {
    IndexMap start = GatewayCalls.of("StartService").request();
    assertThat(start.indices()).containsExactly(0, 1, 2, 3, 4, 5, 6);
    assertThat(start.isSpooled(6)).isTrue();
    assertThat(start.isSpooled(5)).isFalse();
    assertThat(start.indexOf(Service.class)).isEqualTo(6);
    assertThat(start.indexOf(Metadata.HashTag.Hash.class)).isEqualTo(4);
    IndexMap getServiceAnswer = GatewayCalls.of("GetService").response();
    assertThat(getServiceAnswer.indices()).containsExactly(0, 4, 5, 6);
    assertThat(GatewayCalls.of("GetService").request().indexOf(Client.class)).isEqualTo(2);
    assertThat(GatewayCalls.of("GenerateClient").response().indexOf(PoWRequired.class)).isEqualTo(2);
  }

  @Test
  void indexOfAnUndeclaredClassSaysWhatTheMapHolds() {
    assertThatThrownBy(() -> GatewayCalls.of("StopService").request().indexOf(Client.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Client")
        .hasMessageContaining("TokenMessage");
  }

  @Test
  void builderRefusesIndexZeroDuplicatesAndSharedClasses() {
    assertThatThrownBy(() -> IndexMap.builder().message(0, Client.parser()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> IndexMap.builder().spooled(1).spooled(1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> IndexMap.builder().message(1, Client.parser()).message(2, Client.parser()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("index 1");
  }
}
