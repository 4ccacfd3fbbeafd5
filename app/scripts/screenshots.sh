#!/usr/bin/env bash
# Takes the README screenshots: builds the app, starts the studio under Xvfb with the demo hook (it opens a test-asset
# image and recording, restores them with the classic pipelines, opens the batch dialog and the model manager) and
# writes PNGs to docs/screenshots/. A fresh data folder is used, so nothing of the user's settings is touched.
#   app/scripts/screenshots.sh [output folder]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
OUT="${1:-$ROOT/docs/screenshots}"
IMAGE="${DEMO_IMAGE:-$ROOT/test-assets/images/landscape_x4.png}"
SPEECH="${DEMO_SPEECH:-$ROOT/test-assets/audio/speech_noisy_pink_16k_mono.wav}"

if ! command -v Xvfb >/dev/null 2>&1 || ! ldconfig -p | grep -q libgtk-3.so.0; then
    echo "installing xvfb and libgtk-3-0" >&2
    apt-get -o DPkg::Lock::Timeout=600 install -y xvfb libgtk-3-0 >/dev/null
fi

(cd "$ROOT" && mvn -q -B -o -pl app -am package -DskipTests)
JAR="$(ls "$ROOT"/app/target/restora-app-*.jar | grep -v -e -tests.jar -e -sources.jar | head -1)"
DATA="$(mktemp -d)"
mkdir -p "$DATA/studio" "$OUT"
cat > "$DATA/studio/settings.json" <<JSON
{ "theme": "LIGHT", "previews": "EVERY_STEP", "windowWidth": 1280, "windowHeight": 800 }
JSON

DISPLAY_NUM=":$((90 + RANDOM % 9))"
Xvfb "$DISPLAY_NUM" -screen 0 1440x900x24 -nolisten tcp >/dev/null 2>&1 &
XVFB=$!
trap 'kill "$XVFB" 2>/dev/null || true; rm -rf "$DATA"' EXIT
sleep 1

export ONEDNN_MAX_CPU_ISA="${ONEDNN_MAX_CPU_ISA:-AVX512_CORE_FP16}" DJL_OFFLINE=true
DISPLAY="$DISPLAY_NUM" timeout 600 java -Xmx2g \
    -Drestora.home="$DATA" -Dai.djl.offline=true -DDJL_CACHE_DIR="$ROOT/target/djl-cache" \
    -Djna.tmpdir="$DATA/jna" -Djavafx.cachedir="$DATA/openjfx" -Dprism.order=sw \
    -Drestora.studio.demo="$IMAGE:$SPEECH" -Drestora.studio.screenshots="$OUT" \
    -cp "$JAR:$ROOT/app/target/lib/*" dev.restora.app.Main

for f in "$OUT"/*.png; do
    size=$(stat -c %s "$f")
    echo "$(basename "$f"): $((size / 1024)) KB"
    if [ "$size" -gt 307200 ]; then
        echo "warning: $(basename "$f") is over 300 KB" >&2
    fi
done
