package org.celaut.protocol.bee;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.celaut.proto.buffer.Empty;

/**
 * Which type each head index carries, for one direction of one call (FRAMING.md §1.4).
 *
 * <p>Index 0 (raw bytes) is always present. Every other index is either <em>parsed</em> (the
 * decoder builds the message in memory with the given parser) or <em>spooled</em> (the Python
 * "save" mode: the decoder writes the message to disk as a {@link SpooledMessage}; only there may
 * block markers appear). Immutable and safe to share between threads.
 */
public final class IndexMap {

  /** The index that always carries raw bytes. */
  public static final int RAW_INDEX = 0;

  private final Map<Integer, Entry> entries;
  private final Map<Class<?>, Integer> byClass;

  private IndexMap(Map<Integer, Entry> entries) {
    this.entries = Collections.unmodifiableMap(new TreeMap<>(entries));
    Map<Class<?>, Integer> classes = new HashMap<>();
    classes.put(ByteString.class, RAW_INDEX);
    classes.put(byte[].class, RAW_INDEX);
    for (Map.Entry<Integer, Entry> e : entries.entrySet()) {
      if (e.getValue().type != null) {
        classes.put(e.getValue().type, e.getKey());
      }
    }
    this.byClass = Map.copyOf(classes);
  }

  /** Starts an empty map (index 0 is added implicitly). */
  public static Builder builder() {
    return new Builder();
  }

  /** True if {@code index} is 0 or was declared. */
  public boolean contains(int index) {
    return index == RAW_INDEX || entries.containsKey(index);
  }

  /** True if {@code index} was declared with {@link Builder#spooled}. */
  public boolean isSpooled(int index) {
    Entry e = entries.get(index);
    return e != null && e.spooled;
  }

  /**
   * The index that carries {@code messageClass}, for the encoder. {@code ByteString} and {@code
   * byte[]} map to 0.
   *
   * @throws IllegalArgumentException if no index carries that class
   */
  public int indexOf(Class<?> messageClass) {
    Integer index = byClass.get(messageClass);
    if (index == null) {
      throw new IllegalArgumentException(
          messageClass.getName()
              + " has no index in this call's map "
              + this
              + "; send only the types the peer's map declares");
    }
    return index;
  }

  /** Every index of the map, 0 included, ascending. */
  public SortedSet<Integer> indices() {
    SortedSet<Integer> all = new TreeSet<>(entries.keySet());
    all.add(RAW_INDEX);
    return Collections.unmodifiableSortedSet(all);
  }

  /**
   * The message class declared at {@code index}, if any (empty for index 0 and for a spooled
   * index declared without a type).
   */
  public Optional<Class<? extends MessageLite>> typeAt(int index) {
    Entry e = entries.get(index);
    return e == null ? Optional.empty() : Optional.ofNullable(e.type);
  }

  /** The parser of a parsed index, or null. */
  Parser<? extends MessageLite> parserAt(int index) {
    Entry e = entries.get(index);
    return e == null ? null : e.parser;
  }

  /** True if the parsed type at {@code index} is {@code buffer.Empty} (delivered even when empty). */
  boolean isEmptyType(int index) {
    Entry e = entries.get(index);
    return e != null && e.type == Empty.class;
  }

  /** Index a head-less message gets: 1 if declared, else 0 (FRAMING.md §1.3). */
  int defaultIndex() {
    return entries.containsKey(1) ? 1 : RAW_INDEX;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{0: bytes");
    for (Map.Entry<Integer, Entry> e : entries.entrySet()) {
      sb.append(", ").append(e.getKey()).append(": ");
      Entry v = e.getValue();
      sb.append(v.type == null ? "?" : v.type.getSimpleName());
      if (v.spooled) {
        sb.append(" (spooled)");
      }
    }
    return sb.append('}').toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IndexMap other && entries.equals(other.entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  private record Entry(
      Class<? extends MessageLite> type, Parser<? extends MessageLite> parser, boolean spooled) {}

  /** Collects the indices of a map; one index per type, since the encoder looks up by class. */
  public static final class Builder {
    private final Map<Integer, Entry> entries = new HashMap<>();

    private Builder() {}

    /** Declares a parsed index: messages at {@code index} are parsed in memory by {@code parser}. */
    public Builder message(int index, Parser<? extends MessageLite> parser) {
      Objects.requireNonNull(parser, "parser");
      return put(index, new Entry(typeOf(parser), parser, false));
    }

    /**
     * Declares a spooled ("save" mode) index without naming its type: messages at {@code index}
     * are written to disk, and block markers are allowed.
     */
    public Builder spooled(int index) {
      return put(index, new Entry(null, null, true));
    }

    /**
     * Declares a spooled index that carries {@code type}, so {@link #indexOf} finds it when a
     * caller sends such a message from memory.
     */
    public Builder spooled(int index, Class<? extends MessageLite> type) {
      return put(index, new Entry(Objects.requireNonNull(type, "type"), null, true));
    }

    /** The immutable map. */
    public IndexMap build() {
      return new IndexMap(entries);
    }

    private Builder put(int index, Entry entry) {
      if (index <= RAW_INDEX) {
        throw new IllegalArgumentException(
            "index " + index + " cannot be declared: 0 is always raw bytes and indices are positive");
      }
      if (entries.containsKey(index)) {
        throw new IllegalArgumentException("index " + index + " is declared twice");
      }
      if (entry.type != null) {
        for (Map.Entry<Integer, Entry> e : entries.entrySet()) {
          if (entry.type == e.getValue().type) {
            // The encoder picks the head index by class (as the reference does by Python class),
            // so two indices of one class could never both be sent.
            throw new IllegalArgumentException(
                entry.type.getName() + " is already at index " + e.getKey() + "; one index per type");
          }
        }
      }
      entries.put(index, entry);
      return this;
    }

    @SuppressWarnings("unchecked")
    private static Class<? extends MessageLite> typeOf(Parser<? extends MessageLite> parser) {
      try {
        // Parsing zero bytes yields the default instance, whose class is the message type.
        return (Class<? extends MessageLite>) parser.parsePartialFrom(ByteString.EMPTY).getClass();
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalArgumentException("parser cannot build a default instance", e);
      }
    }
  }
}
