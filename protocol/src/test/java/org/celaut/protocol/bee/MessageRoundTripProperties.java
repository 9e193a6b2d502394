package org.celaut.protocol.bee;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeTry;
import org.celaut.proto.buffer.Buffer;
import org.celaut.proto.celaut.Amount;
import org.celaut.proto.celaut.BytesKeyValue;
import org.celaut.proto.celaut.Client;
import org.celaut.proto.celaut.Configuration;
import org.celaut.proto.celaut.Metadata;
import org.celaut.proto.celaut.Service;
import org.celaut.protocol.Hashes;
import org.celaut.protocol.blocks.FileBlockStore;

/**
 * Any sequence of StartService messages survives BeeEncoder → BeeDecoder, also when the stream is
 * re-cut at arbitrary points (chunks split, merged, emptied; heads carrying chunks; separators on
 * their own; signals between and inside messages) — the shapes other senders may produce.
 */
class MessageRoundTripProperties {

  static final IndexMap START = GatewayCalls.of("StartService").request();
  Path tmp;

  @BeforeTry
  void createTemp() throws IOException {
    tmp = Files.createTempDirectory("bee-props-");
  }

  @AfterTry
  void deleteTemp() {
    org.celaut.protocol.FileTrees.deleteQuietly(tmp);
  }

  @Provide
  Arbitrary<List<MessageLite>> messages() {
    Arbitrary<MessageLite> client =
        Arbitraries.strings().ofMinLength(1).ofMaxLength(40).map(s -> Client.newBuilder().setClientId(s).build());
    Arbitrary<MessageLite> configuration =
        Combinators.combine(
                Arbitraries.maps(
                        Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8),
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(64))
                    .ofMaxSize(5),
                Arbitraries.longs().between(1, Long.MAX_VALUE))
            .as(MessageRoundTripProperties::configuration);
    Arbitrary<MessageLite> hash =
        Arbitraries.bytes()
            .array(byte[].class)
            .ofSize(32)
            .map(v -> Hashes.sha3Hash(v));
    Arbitrary<MessageLite> metadata =
        Arbitraries.strings()
            .ofMinLength(1)
            .ofMaxLength(20)
            .list()
            .ofMinSize(1)
            .ofMaxSize(3)
            .map(tags -> Metadata.newBuilder().setHashtag(Metadata.HashTag.newBuilder().addAllTag(tags)).build());
    // Mostly small services; sometimes one over CHUNK_SIZE so the long form is exercised.
    Arbitrary<Integer> proseSize =
        Arbitraries.frequencyOf(
            Tuple.of(8, Arbitraries.integers().between(1, 5_000)),
            Tuple.of(1, Arbitraries.integers().between(BeeEncoder.CHUNK_SIZE - 8, 2_600_000)));
    Arbitrary<MessageLite> service =
        Combinators.combine(proseSize, Arbitraries.longs()).as(MessageRoundTripProperties::service);
    return Arbitraries.oneOf(client, configuration, hash, metadata, service).list().ofMinSize(1).ofMaxSize(5);
  }

  static Configuration configuration(Map<String, byte[]> env, long mu) {
    Configuration.Builder b = Configuration.newBuilder();
    env.keySet().stream()
        .sorted()
        .forEach(
            k ->
                b.addEnvironmentVariables(
                    BytesKeyValue.newBuilder().setKey(k).setValue(ByteString.copyFrom(env.get(k)))));
    return b.setInitialMu(Amount.newBuilder().setN(Long.toString(mu))).build();
  }

  static Service service(int proseSize, long seed) {
    Random r = new Random(seed);
    char[] prose = new char[proseSize];
    for (int i = 0; i < prose.length; i++) {
      prose[i] = (char) ('a' + r.nextInt(26));
    }
    return Service.newBuilder()
        .setProse(new String(prose))
        .setContainer(
            Service.Container.newBuilder()
                .setArchitecture(Service.Container.Architecture.newBuilder().addTags("linux/amd64")))
        .build();
  }

  @Property(tries = 40)
  void encodedMessagesDecodeToTheSameMessages(@ForAll("messages") List<MessageLite> messages)
      throws Exception {
    List<Buffer> frames = new ArrayList<>();
    for (MessageLite m : messages) {
      frames.addAll(BeeEncoder.message(START.indexOf(m.getClass()), m));
    }
    assertDecodesTo(frames, messages, 0);
  }

  @Property(tries = 40)
  void arbitrarilyRecutStreamsDecodeToTheSameMessages(
      @ForAll("messages") List<MessageLite> messages, @ForAll long seed) throws Exception {
    Random r = new Random(seed);
    List<Buffer> frames = new ArrayList<>();
    int signals = 0;
    for (MessageLite m : messages) {
      if (r.nextInt(4) == 0) {
        frames.add(BeeEncoder.signal());
        signals++;
      }
      int index = START.indexOf(m.getClass());
      ByteString bytes = m.toByteString();
      // Random cut points, possibly repeated (empty chunks).
      int pieces = 1 + r.nextInt(6);
      List<Integer> cuts = new ArrayList<>();
      for (int i = 0; i < pieces - 1; i++) {
        cuts.add(r.nextInt(bytes.size() + 1));
      }
      cuts.sort(null);
      cuts.add(bytes.size());
      List<Buffer> msgFrames = new ArrayList<>();
      int from = 0;
      for (int to : cuts) {
        msgFrames.add(Buffer.newBuilder().setChunk(bytes.substring(from, to)).build());
        from = to;
        if (r.nextInt(5) == 0) {
          // a signal padded with an empty chunk keeps the message open
          msgFrames.add(Buffer.newBuilder().setChunk(ByteString.EMPTY).setSignal(true).build());
          signals++;
        }
      }
      boolean headless = index == 1 && !msgFrames.get(0).getChunk().isEmpty() && r.nextBoolean();
      if (!headless) {
        Buffer.Head head = Buffer.Head.newBuilder().setIndex(index).build();
        if (r.nextBoolean()) {
          msgFrames.set(0, msgFrames.get(0).toBuilder().setHead(head).build());
        } else {
          msgFrames.add(0, Buffer.newBuilder().setHead(head).build());
        }
      }
      switch (r.nextInt(3)) {
        case 0 -> {
          int last = msgFrames.size() - 1;
          msgFrames.set(last, msgFrames.get(last).toBuilder().setSeparator(true).build());
        }
        case 1 -> msgFrames.add(Buffer.newBuilder().setSeparator(true).build());
        default -> msgFrames.add(Buffer.getDefaultInstance()); // no chunk/head/block: ends it
      }
      frames.addAll(msgFrames);
    }
    assertDecodesTo(frames, messages, signals);
  }

  /** Random generation reaches the long form only sometimes; this pins it on every run. */
  @Example
  void servicesOverOneMibRoundTripInLongFormAlsoWhenRecut() throws Exception {
    List<MessageLite> messages =
        List.of(
            Client.newBuilder().setClientId("c").build(),
            service(2_500_000, 1),
            Hashes.sha3Hash(new byte[32]),
            service(BeeEncoder.CHUNK_SIZE, 2));
    encodedMessagesDecodeToTheSameMessages(messages);
    for (long seed = 0; seed < 3; seed++) {
      deleteTemp();
      createTemp();
      arbitrarilyRecutStreamsDecodeToTheSameMessages(messages, seed);
    }
  }

  private void assertDecodesTo(List<Buffer> frames, List<MessageLite> messages, int signals)
      throws Exception {
    FileBlockStore store = new FileBlockStore(tmp.resolve("blocks"));
    List<BeeEvent> events = Vectors.decode(START, frames, tmp.resolve("spool"), store);
    assertThat(events.stream().filter(e -> e instanceof BeeEvent.Signal)).hasSize(signals);
    List<MessageLite> decoded = new ArrayList<>();
    for (BeeEvent e : events) {
      if (e instanceof BeeEvent.Parsed p) {
        decoded.add(p.message());
      } else if (e instanceof BeeEvent.Spooled s) {
        byte[] expanded = Vectors.expanded(s.message(), store);
        assertThat(s.message().sha3()).isEqualTo(Hashes.sha3(expanded));
        decoded.add(Service.parseFrom(expanded));
        s.message().delete();
      }
    }
    assertThat(decoded).containsExactlyElementsOf(messages);
    try (var s = Files.list(tmp.resolve("spool"))) {
      assertThat(s).isEmpty();
    } catch (java.nio.file.NoSuchFileException e) {
      // nothing was spooled
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
