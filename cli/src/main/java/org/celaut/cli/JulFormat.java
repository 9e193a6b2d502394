package org.celaut.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * java.util.logging lines (gRPC's and Netty's) in the shape of the node's own slf4j lines, so
 * every line a node prints starts with the same ISO-8601 timestamp:
 * {@code 2026-11-27T10:15:30.123Z [jul] WARNING io.grpc.netty... - message}.
 */
public final class JulFormat extends Formatter {

  /** The same pattern as {@code simplelogger.properties}' dateTimeFormat. */
  static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneId.systemDefault());

  @Override
  public String format(LogRecord r) {
    StringBuilder b = new StringBuilder()
        .append(TIMESTAMP.format(r.getInstant()))
        .append(" [jul] ").append(r.getLevel().getName())
        .append(' ').append(r.getLoggerName())
        .append(" - ").append(formatMessage(r))
        .append(System.lineSeparator());
    if (r.getThrown() != null) {
      StringWriter trace = new StringWriter();
      r.getThrown().printStackTrace(new PrintWriter(trace));
      b.append(trace);
    }
    return b.toString();
  }
}
