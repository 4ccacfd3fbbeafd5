#!/usr/bin/env bash
# GPU check: runs the parity suite and `restora bench` on gpu:0, for a machine with an NVIDIA GPU. Nothing here has
# run on a real GPU yet (written on a CPU-only machine); on a machine without a GPU it stops with a message.
#
#   scripts/gpu-check.sh [--quick] [--parity-dir DIR] [--out DIR]
#
# Needs: an NVIDIA driver (nvidia-smi), JDK 17 and Maven, and the CUDA build of libtorch 2.7.1 (flavor cu128),
# either installed with `./restora gpu install` or unpacked by hand and named by PYTORCH_LIBRARY_PATH (then also
# PYTORCH_FLAVOR=cu128 and PYTORCH_VERSION=2.7.1). Writes the bench results (JSON) and logs to --out
# (default: gpu-check-<date>). Exit status: 0 all passed, 1 a test or bench failed, 2 no usable GPU or runtime.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

quick=""
parity_dir="${RESTORA_PARITY_DIR:-$(pwd)/../shared/parity}"
out="gpu-check-$(date -u +%Y%m%dT%H%MZ)"
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick="--quick"; shift ;;
        --parity-dir) parity_dir="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) echo "gpu-check: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done

fail() { echo "gpu-check: $*" >&2; exit 2; }

# 1. an NVIDIA GPU the driver sees
command -v nvidia-smi >/dev/null 2>&1 \
    || fail "no NVIDIA driver here (nvidia-smi not found): this script needs a machine with an NVIDIA GPU"
gpus="$(nvidia-smi --query-gpu=index,name,memory.total,driver_version --format=csv,noheader 2>/dev/null || true)"
[ -n "$gpus" ] || fail "nvidia-smi lists no GPU (driver not loaded, or no GPU passed to this machine or container)"
echo "GPUs:"; printf '  %s\n' "$gpus"

# 2. the CUDA libtorch: PYTORCH_LIBRARY_PATH (set by hand, or read from `restora gpu status` when it names one)
if [ -z "${PYTORCH_LIBRARY_PATH:-}" ] && ./restora gpu status >/dev/null 2>&1; then
    # `restora gpu status` prints the folder of the runtime in use (line "folder: ...")
    PYTORCH_LIBRARY_PATH="$(./restora gpu status 2>/dev/null | sed -n 's/^ *folder: *//p' | head -1)"
fi
[ -n "${PYTORCH_LIBRARY_PATH:-}" ] && [ -d "$PYTORCH_LIBRARY_PATH" ] \
    || fail "no CUDA runtime: run ./restora gpu install (or set PYTORCH_LIBRARY_PATH to an unpacked libtorch 2.7.1+cu128)"
ls "$PYTORCH_LIBRARY_PATH" | grep -q -i 'torch_cuda' \
    || fail "$PYTORCH_LIBRARY_PATH holds no libtorch_cuda / torch_cuda library: it is not a CUDA build of libtorch"
export PYTORCH_LIBRARY_PATH
export PYTORCH_FLAVOR="${PYTORCH_FLAVOR:-cu128}"
export PYTORCH_VERSION="${PYTORCH_VERSION:-2.7.1}"
export OPT_OUT_TRACKING=true
echo "libtorch: $PYTORCH_LIBRARY_PATH (flavor $PYTORCH_FLAVOR, version $PYTORCH_VERSION)"

[ -d "$parity_dir" ] || fail "no parity fixtures at $parity_dir (use --parity-dir DIR or RESTORA_PARITY_DIR)"
mkdir -p "$out"
status=0

# 3. the engine must count gpu:0 (DJL's GPU count also needs the CUDA runtime library): --device gpu:0 is refused
#    otherwise, before the (quick, CPU-only) classic benchmark runs
if ! ./restora bench classic-image --quick --device gpu:0 >"$out/probe.json" 2>"$out/probe.log"; then
    cat "$out/probe.log" >&2
    fail "the engine cannot use gpu:0 with this runtime (see $out/probe.log)"
fi

# 4. the parity suite; DJL's default device is gpu:0 once the engine sees a GPU, so the tests' arrays live there
echo "parity suite (log: $out/parity.log)..."
if mvn -B test -Drestora.parity.required=true -Drestora.parity.dir="$parity_dir" \
        -Dtest='*ParityTest,DeviceLanesTest,OutOfMemoryRetryTest,ChunkOutOfMemoryTest,TileBatchTest' \
        -Dsurefire.failIfNoSpecifiedTests=false >"$out/parity.log" 2>&1; then
    echo "parity suite: passed"
else
    echo "parity suite: FAILED (see $out/parity.log)" >&2
    status=1
fi
grep -h "Tests run:" "$out/parity.log" | tail -1 || true

# 5. the benchmarks on gpu:0 (JSON on stdout, progress on stderr)
for p in resshift sgmse storm; do
    echo "bench $p on gpu:0..."
    if ./restora bench "$p" $quick --device gpu:0 >"$out/bench-$p-gpu0.json" 2>"$out/bench-$p-gpu0.log"; then
        echo "  -> $out/bench-$p-gpu0.json"
    else
        echo "  bench $p FAILED (see $out/bench-$p-gpu0.log)" >&2
        status=1
    fi
done
nvidia-smi --query-gpu=index,name,memory.used,memory.total --format=csv >"$out/nvidia-smi-after.csv" 2>/dev/null || true
echo "done: $out (exit $status)"
exit $status
