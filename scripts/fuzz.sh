#!/usr/bin/env bash
# Runs the coverage-guided fuzz targets in fuzz/ (cargo fuzz, libFuzzer) for a given time.
#
#   scripts/fuzz.sh TARGET SECONDS     run one target for SECONDS seconds
#   scripts/fuzz.sh all SECONDS        run every target, SECONDS seconds each
#   scripts/fuzz.sh list               list the targets
#
# Targets: signed_tx_bcs, ptb_execution, did_parse, did_document_decode, json_rpc.
#
# Needs `cargo install cargo-fuzz`. Only the stable toolchain exists here, so the script sets
# RUSTC_BOOTSTRAP=1 to let it use the nightly-only flags cargo fuzz passes (sanitizer, sancov).
# The fuzz crate is its own workspace (excluded from the root one, with its own Cargo.lock),
# so nothing here touches the ordinary build or CI. Hand-made seeds are read from
# fuzz/seeds/TARGET (regenerate with fuzz/seeds/make_seeds.py); the corpus grows in
# fuzz/corpus/TARGET and crashes go to fuzz/artifacts/TARGET (both git-ignored).
# Runs at `nice -n 10` unless NICE is set.
# Extra libFuzzer flags can be passed in FUZZ_ARGS, e.g. FUZZ_ARGS="-max_len=4096".
#
# A crash: reproduce with `cargo fuzz run TARGET fuzz/artifacts/TARGET/crash-...`, shrink with
# `cargo fuzz tmin TARGET <file>`, and add the input as a regression test to the ordinary suite
# (runtime/tests/fuzz_regressions.rs or sdk/tests/fuzz_regressions.rs).
set -euo pipefail

TARGETS=(signed_tx_bcs did_parse did_document_decode json_rpc ptb_execution)
cd "$(dirname "$0")/../fuzz"
export RUSTC_BOOTSTRAP=1
NICE=${NICE:-10}

usage() { sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

run_one() {
    local target=$1 secs=$2
    mkdir -p "corpus/$target" "artifacts/$target"
    echo "== fuzz $target for ${secs}s"
    local start=$SECONDS status=0 dirs=("corpus/$target")
    [ -d "seeds/$target" ] && dirs+=("seeds/$target")
    # The libFuzzer timeout makes a hang a finding too; the RSS limit an unbounded allocation.
    nice -n "$NICE" cargo fuzz run "$target" "${dirs[@]}" -- \
        -max_total_time="$secs" -timeout=30 -rss_limit_mb=4096 -print_final_stats=1 \
        ${FUZZ_ARGS:-} || status=$?
    echo "== $target: exit $status after $((SECONDS - start))s; corpus $(ls "corpus/$target" | wc -l) inputs; artifacts: $(ls "artifacts/$target" | tr '\n' ' ')"
    return $status
}

[ $# -ge 1 ] || usage
case $1 in
    list) printf '%s\n' "${TARGETS[@]}"; exit 0 ;;
esac
[ $# -eq 2 ] || usage
[[ $2 =~ ^[0-9]+$ ]] || usage
nice -n "$NICE" cargo fuzz build >/dev/null 2>&1 || nice -n "$NICE" cargo fuzz build

if [ "$1" = all ]; then
    failed=()
    for t in "${TARGETS[@]}"; do
        run_one "$t" "$2" || failed+=("$t")
    done
    if [ ${#failed[@]} -gt 0 ]; then
        echo "crashed: ${failed[*]}"
        exit 1
    fi
else
    run_one "$1" "$2"
fi
