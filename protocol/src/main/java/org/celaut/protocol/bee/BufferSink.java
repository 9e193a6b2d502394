package org.celaut.protocol.bee;

import java.io.IOException;
import org.celaut.proto.buffer.Buffer;

/**
 * Where an encoder sends frames: a gRPC stream observer (with flow control, hence {@code
 * InterruptedException}), a {@code .bee} file, or a list in tests.
 */
@FunctionalInterface
public interface BufferSink {

  /** Sends one frame; may block until the transport accepts it. */
  void send(Buffer b) throws IOException, InterruptedException;
}
