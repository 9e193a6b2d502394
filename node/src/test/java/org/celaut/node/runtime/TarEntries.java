package org.celaut.node.runtime;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** Reads a tar back with an independent reader (commons-compress), for assertions. */
final class TarEntries {
  private TarEntries() {}

  /** One entry as read back. */
  record Read(
      String name,
      char type,
      int mode,
      long uid,
      long gid,
      long mtimeSeconds,
      String userName,
      String linkName,
      byte[] content) {
    String text() {
      return new String(content, StandardCharsets.UTF_8);
    }
  }

  static List<Read> read(byte[] tar) {
    List<Read> entries = new ArrayList<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      TarArchiveEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        char type =
            entry.isDirectory() ? 'd' : entry.isSymbolicLink() ? 'l' : entry.isFile() ? 'f' : '?';
        entries.add(
            new Read(
                entry.getName(),
                type,
                entry.getMode() & 07777,
                entry.getLongUserId(),
                entry.getLongGroupId(),
                entry.getModTime().getTime() / 1000,
                entry.getUserName(),
                entry.getLinkName(),
                in.readAllBytes()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return entries;
  }

  static Read named(List<Read> entries, String name) {
    return entries.stream()
        .filter(e -> e.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "no entry " + name + " in " + entries.stream().map(Read::name).toList()));
  }
}
