#!/usr/bin/env bash
# Command 2 of the README: set up what the tests need, then run every test (unit, property,
# golden vectors and end-to-end against the real Docker engine).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
./mvnw -B -ntp verify "$@"
