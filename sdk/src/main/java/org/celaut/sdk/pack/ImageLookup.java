package org.celaut.sdk.pack;

import java.util.ArrayList;
import java.util.List;
import org.celaut.proto.celaut.BytesKeyValue;
import org.celaut.proto.celaut.Service.Container.Filesystem;
import org.celaut.proto.celaut.Service.Container.Filesystem.ItemBranch;

/**
 * Finds a path inside a packed {@code Filesystem} the way the container will see it: links are
 * followed inside the image (an absolute target starts at the image's {@code /}, never at the
 * packing host's), so an entrypoint like {@code /bin/sh -> busybox} is checked for real.
 */
final class ImageLookup {

  /** The same bound Linux puts on link hops while resolving one path. */
  private static final int MAX_LINK_HOPS = 40;

  /** What a path leads to; {@code problem} is null when {@code branch} was found. */
  record Found(ItemBranch branch, String resolvedPath, String problem) {}

  private final Filesystem root;

  ImageLookup(Filesystem root) {
    this.root = root;
  }

  /** Resolves {@code segments} (an absolute path), following every link including the last. */
  Found resolve(List<String> segments) {
    List<String> pending = new ArrayList<>(segments);
    int hops = 0;
    restart:
    while (true) {
      Filesystem dir = root;
      List<String> walked = new ArrayList<>();
      for (int i = 0; i < pending.size(); i++) {
        String name = pending.get(i);
        ItemBranch branch = child(dir, name);
        String here = "/" + String.join("/", walked) + (walked.isEmpty() ? "" : "/") + name;
        if (branch == null) {
          return new Found(null, here, "does not exist in rootfs");
        }
        if (branch.hasLink()) {
          if (++hops > MAX_LINK_HOPS) {
            return new Found(null, here, "too many levels of symbolic links");
          }
          List<String> next = new ArrayList<>();
          String target = branch.getLink().getSrc();
          if (!target.startsWith("/")) {
            next.addAll(walked);
          }
          addNormalized(next, target);
          next.addAll(pending.subList(i + 1, pending.size()));
          pending = next;
          continue restart;
        }
        boolean last = i == pending.size() - 1;
        if (last) {
          return new Found(branch, here, null);
        }
        if (!branch.hasFilesystem()) {
          return new Found(null, here, "is not a directory");
        }
        dir = branch.getFilesystem();
        walked.add(name);
      }
      // Only reached for an empty path (a link to "/" at the end): the root directory.
      return new Found(null, "/", "is a directory");
    }
  }

  /** Permission bits recorded on {@code branch}, or -1 if none. */
  static int mode(ItemBranch branch) {
    for (BytesKeyValue kv : branch.getXattrsList()) {
      if (kv.getKey().equals(RootfsReader.MODE)) {
        return Integer.parseInt(kv.getValue().toStringUtf8());
      }
    }
    return -1;
  }

  private static ItemBranch child(Filesystem dir, String name) {
    for (ItemBranch b : dir.getBranchList()) {
      if (b.getName().equals(name)) {
        return b;
      }
    }
    return null;
  }

  /** Appends a link target's segments to {@code path}, applying "." and ".." as the kernel does. */
  private static void addNormalized(List<String> path, String target) {
    for (String seg : target.split("/")) {
      if (seg.isEmpty() || seg.equals(".")) {
        continue;
      }
      if (seg.equals("..")) {
        if (!path.isEmpty()) {
          path.remove(path.size() - 1);
        }
      } else {
        path.add(seg);
      }
    }
  }
}
