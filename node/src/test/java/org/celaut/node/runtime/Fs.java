package org.celaut.node.runtime;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import org.celaut.proto.celaut.BytesKeyValue;
import org.celaut.proto.celaut.Service.Container.Filesystem;
import org.celaut.proto.celaut.Service.Container.Filesystem.ItemBranch;

/** Small builders for filesystem trees in tests. */
public final class Fs {
  private Fs() {}

  public static ItemBranch file(String name, String content, String... xattrs) {
    return file(name, ByteString.copyFromUtf8(content), xattrs);
  }

  public static ItemBranch file(String name, ByteString content, String... xattrs) {
    return withXattrs(ItemBranch.newBuilder().setName(name).setFile(content), xattrs).build();
  }

  public static ItemBranch link(String name, String target) {
    return ItemBranch.newBuilder()
        .setName(name)
        .setLink(ItemBranch.Link.newBuilder().setSrc(target).setDst("/" + name))
        .build();
  }

  public static ItemBranch dir(String name, Filesystem content, String... xattrs) {
    return withXattrs(ItemBranch.newBuilder().setName(name).setFilesystem(content), xattrs).build();
  }

  public static Filesystem tree(ItemBranch... branches) {
    return Filesystem.newBuilder().addAllBranch(java.util.List.of(branches)).build();
  }

  /** {@code xattrs} as key, value, key, value… */
  private static ItemBranch.Builder withXattrs(ItemBranch.Builder item, String... xattrs) {
    for (int i = 0; i < xattrs.length; i += 2) {
      item.addXattrs(
          BytesKeyValue.newBuilder()
              .setKey(xattrs[i])
              .setValue(ByteString.copyFrom(xattrs[i + 1], StandardCharsets.US_ASCII)));
    }
    return item;
  }
}
