#!/bin/sh
# Puts a static busybox into rootfs/bin/busybox; it is not committed (see the repo's .gitignore).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=${BUSYBOX:-/bin/busybox}
if [ ! -f "$src" ]; then
  echo "prepare.sh: $src not found; install a static busybox: apt-get install busybox-static" >&2
  exit 1
fi
# A dynamically linked busybox would need the host's libc inside the image.
if command -v file >/dev/null 2>&1 && ! file -L "$src" | grep -q 'statically linked'; then
  echo "prepare.sh: $src is not statically linked; apt-get install busybox-static" >&2
  exit 1
fi
mkdir -p "$here/rootfs/bin"
cp "$src" "$here/rootfs/bin/busybox"
chmod 755 "$here/rootfs/bin/busybox"
echo "prepare.sh: copied $src to $here/rootfs/bin/busybox"
