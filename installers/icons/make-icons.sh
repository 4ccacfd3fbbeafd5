#!/usr/bin/env bash
# Regenerates the committed icons from restora.svg (run after editing the SVG; the build does not need these tools).
# Debian/Ubuntu: apt-get install -y librsvg2-bin icoutils icnsutils
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
for t in rsvg-convert icotool png2icns; do
    command -v "$t" >/dev/null 2>&1 || { echo "make-icons.sh: $t is missing (apt-get install -y librsvg2-bin icoutils icnsutils)" >&2; exit 2; }
done
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for s in 16 32 48 128 256 512; do
    rsvg-convert -w "$s" -h "$s" restora.svg -o "$tmp/$s.png"
done
cp "$tmp/256.png" restora.png                                      # Linux (jpackage --icon, .desktop)
icotool -c -o restora.ico "$tmp/16.png" "$tmp/32.png" "$tmp/48.png" -r "$tmp/256.png"   # Windows (256 stored as PNG)
png2icns restora.icns "$tmp/16.png" "$tmp/32.png" "$tmp/48.png" "$tmp/128.png" "$tmp/256.png" "$tmp/512.png" >/dev/null  # macOS
ls -l restora.png restora.ico restora.icns
