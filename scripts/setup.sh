#!/usr/bin/env bash
# Makes sure this machine can run a node and its tests: a Docker engine (Debian's docker.io),
# running, and Debian's busybox-static (the example service's filesystem). Idempotent; needs root
# the first time. No container registry is used or needed.
set -euo pipefail

need_apt=()
command -v dockerd >/dev/null 2>&1 || need_apt+=(docker.io)
# The example's filesystem needs a static busybox (Debian's busybox package is dynamic).
ldd_out=$( { LC_ALL=C ldd /bin/busybox 2>&1 || true; } )
case "$ldd_out" in *"not a dynamic"*) ;; *) need_apt+=(busybox-static) ;; esac
# The parent-child example links a small Java runtime with jlink, from the JDK's jmods (Debian
# ships them in openjdk-17-jdk-headless) — only when the build runs on Debian's JDK 17.
java_home=${JAVA_HOME:-}
if [ -z "$java_home" ] && command -v java >/dev/null 2>&1; then
  java_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
fi
case "$java_home" in
  ""|/usr/lib/jvm/java-17-openjdk-*)
    [ -f "${java_home:-/nonexistent}/jmods/java.base.jmod" ] && [ -x "$java_home/bin/jlink" ] \
      || need_apt+=(openjdk-17-jdk-headless) ;;
esac
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing ${need_apt[*]} from Debian" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
  echo "setup: starting dockerd" >&2
  nohup dockerd >/tmp/celaut-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 1
  done
  if ! docker info >/dev/null 2>&1; then
    echo "setup: dockerd did not come up; its log:" >&2
    tail -n 30 /tmp/celaut-dockerd.log >&2 || true
    exit 1
  fi
fi
echo "setup: docker engine $(docker version --format '{{.Server.Version}}') is running; busybox-static is installed" >&2
if [ -n "$java_home" ] && [ ! -f "$java_home/jmods/java.base.jmod" ] && [ ! -x "$java_home/bin/jlink" ]; then
  echo "setup: warning: $java_home has no jlink; the parent-child example needs a full JDK 17+" >&2
fi
