#!/usr/bin/env bash
# Runs a command (by default the README's test command, scripts/test.sh) and fails if it left
# Docker images behind: images labelled by a Celaut node (org.celaut.node) or by the packer
# (org.celaut.packer) that exist after the command and did not before. Example:
#   scripts/check-no-leftover-images.sh                     # the whole test suite
#   scripts/check-no-leftover-images.sh scripts/demo.sh     # the demo
# On an engine that other runs use at the same time, their images can show up here too.
set -euo pipefail
cd "$(dirname "$0")/.."
list() {
  { docker images -q --no-trunc --filter label=org.celaut.node
    docker images -q --no-trunc --filter label=org.celaut.packer; } | sort -u
}
before=$(mktemp)
after=$(mktemp)
trap 'rm -f "$before" "$after"' EXIT
list >"$before"
if [ $# -eq 0 ]; then set -- scripts/test.sh; fi
"$@"
list >"$after"
left=$(comm -13 "$before" "$after")
if [ -n "$left" ]; then
  echo "check: '$*' left these images behind:" >&2
  for id in $left; do
    docker image inspect --format '  {{.Id}} {{.RepoTags}} {{json .Config.Labels}}' "$id" >&2 || true
  done
  exit 1
fi
echo "check: '$*' left no image behind"
