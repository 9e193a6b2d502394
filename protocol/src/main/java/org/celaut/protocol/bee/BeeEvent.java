package org.celaut.protocol.bee;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import java.util.Objects;

/** Something a {@link BeeDecoder} completed while accepting a frame. */
public sealed interface BeeEvent
    permits BeeEvent.Parsed,
        BeeEvent.Raw,
        BeeEvent.Spooled,
        BeeEvent.Signal,
        BeeEvent.BlockHeld,
        BeeEvent.SkipRequested {

  /** A message of a parsed index, built in memory. */
  record Parsed(int index, MessageLite message) implements BeeEvent {
    /** Checks the message is present. */
    public Parsed {
      Objects.requireNonNull(message, "message");
    }
  }

  /** Raw bytes at index 0. */
  record Raw(ByteString bytes) implements BeeEvent {
    /** Checks the bytes are present. */
    public Raw {
      Objects.requireNonNull(bytes, "bytes");
    }
  }

  /**
   * A message of a spooled index, on disk. The receiver of this event owns the files: move them
   * ({@link SpooledMessage#moveTo}) or {@link SpooledMessage#delete} them.
   */
  record Spooled(int index, SpooledMessage message) implements BeeEvent {
    /** Checks the message is present. */
    public Spooled {
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * A {@code signal = true} was seen: the peer toggles flow control ("I need no more input",
   * FRAMING.md §1.6). It never carries message bytes.
   */
  record Signal() implements BeeEvent {}

  /**
   * A start marker arrived for a block the {@code BlockStore} already holds; its body bytes will
   * be discarded. The caller may send {@link BeeEncoder#skip(String)} upstream so the sender stops
   * the body early.
   */
  record BlockHeld(String blockIdHex) implements BeeEvent {
    /** Checks the id is present. */
    public BlockHeld {
      Objects.requireNonNull(blockIdHex, "blockIdHex");
    }
  }

  /**
   * The peer sent a {@code skip} Buffer: it already holds this block, so a sender honouring skips
   * should stop that block's body and send its end marker.
   */
  record SkipRequested(String blockIdHex) implements BeeEvent {
    /** Checks the id is present. */
    public SkipRequested {
      Objects.requireNonNull(blockIdHex, "blockIdHex");
    }
  }
}
