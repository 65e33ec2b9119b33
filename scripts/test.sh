#!/usr/bin/env bash
# The README's test command: installs what the tests need and is missing, then runs them.
# Works on a fresh clone; each install step is skipped when its tool is already there.
# Tests never skip silently for a missing tool: this script installs it, or a test fails.
set -euo pipefail
cd "$(dirname "$0")/.."

# The Move toolchain crates are yanked: their lock entries come from scripts/move-crates.lock.
if ! grep -q 'name = "mv-vm-runtime"' Cargo.lock; then
  scripts/pin-move-crates
fi

cargo test --workspace --locked "$@"
