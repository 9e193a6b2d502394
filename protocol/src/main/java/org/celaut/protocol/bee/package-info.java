/**
 * The bee-rpc framing: how Celaut logical messages travel as streams of {@code buffer.Buffer}
 * frames over every {@code celaut.Gateway} call, wire-compatible with the Python reference.
 *
 * <p>{@link org.celaut.protocol.bee.BeeEncoder} turns messages, files and spooled multiblock
 * messages into frames; {@link org.celaut.protocol.bee.BeeDecoder} is a push decoder that turns
 * received frames back into {@link org.celaut.protocol.bee.BeeEvent}s, spooling "save mode"
 * indices to disk and storing blocks in a {@link org.celaut.protocol.blocks.BlockStore}. Which
 * type each head index carries is an {@link org.celaut.protocol.bee.IndexMap}; the maps of every
 * Gateway call are in {@link org.celaut.protocol.bee.GatewayCalls}. {@code .bee} export files are
 * read and written by {@link org.celaut.protocol.bee.BeeFiles}.
 *
 * <p>The rules implemented here are those of {@code shared/protocol/FRAMING.md}; section numbers
 * in comments refer to that document.
 */
package org.celaut.protocol.bee;
