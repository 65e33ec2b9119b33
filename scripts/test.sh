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

# The PKCS#11 tests (sdk/tests/pkcs11.rs, cli/tests/keys_reach.rs) run against SoftHSM2.
if ! command -v softhsm2-util >/dev/null || [ ! -e "${MOVID_PKCS11_MODULE:-/usr/lib/softhsm/libsofthsm2.so}" ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update && apt-get install -y softhsm2
  else
    echo "SoftHSM2 is missing; the PKCS#11 tests need it. Install it with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y softhsm2" >&2
    exit 1
  fi
fi

cargo test --workspace --locked "$@"
