#!/usr/bin/env bash
# Release step (manual; not part of .ci/run, it takes minutes and needs a JDK with jmods): builds the Linux
# app-image with build.sh, then runs the packaged command line with networking disabled (unshare --net) and a
# fresh temporary home, and checks that
#   - `restora pipelines` lists the embedded pipelines (its time is printed: the start-up time),
#   - `restora restore` upscales an image (and denoises a WAV) with the embedded classic pipelines, loading
#     libtorch from the image's lib/app/native folder (PYTORCH_LIBRARY_PATH): nothing copied to DJL's cache,
#   - nothing is written outside the app data folder and the output folder (checked with strace when present,
#     otherwise by looking for new files in the home, /tmp and the image),
#   - the natives jar is not on the class path and JavaFX's libraries are in the runtime.
#
#   installers/smoke-test.sh [--skip-build] [--skip-maven] [--deb]
#     --skip-build  test the app-image already in installers/target/image
#     --skip-maven  passed to build.sh (reuse app/target)
#     --deb         also build the .deb (about 6 minutes) and check its metadata and files
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
ROOT="$(cd "$HERE/.." && pwd -P)"
BUILD=1; BUILD_ARGS=(); DEB=0
while [ $# -gt 0 ]; do
    case "$1" in
        --skip-build) BUILD=0 ;;
        --skip-maven) BUILD_ARGS+=(--skip-maven) ;;
        --deb) DEB=1 ;;
        -h|--help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "smoke-test.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
[ "$(uname -s)" = Linux ] || { echo "smoke-test.sh: Linux only (see installers/README.md for the other systems)" >&2; exit 2; }

FAILED=0; PASSED=0
pass() { echo "PASS  $*"; PASSED=$((PASSED + 1)); }
fail() { echo "FAIL  $*"; FAILED=$((FAILED + 1)); }
check() { local what="$1"; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }

if [ "$BUILD" = 1 ]; then
    types=(--type app-image); [ "$DEB" = 1 ] && types+=(--type deb)
    "$HERE/build.sh" "${BUILD_ARGS[@]}" "${types[@]}"
fi
IMG="$HERE/target/image/restora-studio"
[ -x "$IMG/bin/restora" ] || { echo "smoke-test.sh: no app-image at $IMG (run without --skip-build)" >&2; exit 2; }

# ---- the image's layout -----------------------------------------------------------------------------------------
check "libtorch is in lib/app/native" test -f "$IMG/lib/app/native/libtorch.so"
check "the DJL JNI library is in lib/app/native" bash -c "compgen -G '$IMG/lib/app/native/*-libdjl_torch.so' >/dev/null"
check "the natives jar is not shipped (no pytorch-native-*.jar)" bash -c "! compgen -G '$IMG/lib/app/pytorch-native-*.jar' >/dev/null"
check "JavaFX's libraries are in the runtime (libglass.so, libprism_es2.so)" \
    test -f "$IMG/lib/runtime/lib/libglass.so" -a -f "$IMG/lib/runtime/lib/libprism_es2.so"
check "the runtime's class-data-sharing archive maps (java -Xshare:on)" bash -c "'$IMG/lib/runtime/bin/java' -Xshare:on -version >/dev/null 2>&1"
check "the launcher passes PYTORCH_LIBRARY_PATH" grep -q 'PYTORCH_LIBRARY_PATH=$APPDIR/native' "$IMG/lib/app/restora.cfg"
check "legal notices are in the image" test -f "$IMG/lib/app/legal/THIRD-PARTY-NOTICES.md" -a -f "$IMG/lib/app/legal/MODEL-WEIGHTS.md"

# ---- a sandbox: no network, a fresh home ---------------------------------------------------------------------------
T="$(mktemp -d "${TMPDIR:-/tmp}/restora-smoke.XXXXXX")"
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/home" "$T/work" "$T/out"
# Java takes user.home from the password database, not $HOME; desktops set XDG_DATA_HOME, which the app follows
DATA_ROOT="$T/home/.local/share"
DATA="$DATA_ROOT/restora"
if [ "$(id -u)" = 0 ]; then NONET=(unshare --net); else NONET=(unshare --user --map-root-user --net); fi
"${NONET[@]}" true 2>/dev/null || { echo "smoke-test.sh: cannot make a network namespace (${NONET[*]})" >&2; exit 2; }
run() {   # run COMMAND... inside the sandbox, from an empty working folder
    (cd "$T/work" && env -i PATH=/usr/bin:/bin HOME="$T/home" XDG_DATA_HOME="$DATA_ROOT" LANG=C.UTF-8 \
        "${NONET[@]}" "$@")
}
only_loopback() { [ "$("${NONET[@]}" cat /proc/net/dev | tail -n +3 | grep -c -v '^ *lo:')" = 0 ]; }
check "no network inside the sandbox (only a loopback interface)" only_loopback

# ---- the launchers' environment scripts (lib/app/restora.sh, restora-studio.sh) ------------------------------------
env_of() {   # env_of SCRIPT: the environment the image's script hands to bin/<its name> (a stand-in that prints it)
    local d="$T/envcheck"; rm -rf "$d"; mkdir -p "$d/lib/app" "$d/bin"
    cp "$IMG/lib/app/$1" "$d/lib/app/$1"
    printf '#!/bin/sh\nenv\n' > "$d/bin/${1%.sh}"; chmod 755 "$d/bin/${1%.sh}"
    "$d/lib/app/$1" > "$T/env-$1.txt"
}
for s in restora.sh restora-studio.sh; do
    check "$s runs bin/${s%.sh} with ONEDNN_MAX_CPU_ISA" \
        bash -c "$(declare -f env_of); T='$T' IMG='$IMG'; env_of $s && grep -q '^ONEDNN_MAX_CPU_ISA=' '$T/env-$s.txt'"
done
jemalloc_lib=""
for lib in /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 /usr/lib/aarch64-linux-gnu/libjemalloc.so.2 \
        /usr/lib64/libjemalloc.so.2 /usr/lib/libjemalloc.so.2; do
    if [ -r "$lib" ]; then jemalloc_lib="$lib"; break; fi
done
if [ -n "$jemalloc_lib" ]; then
    check "restora.sh preloads jemalloc ($jemalloc_lib) keeping freed pages (MALLOC_CONF)" \
        bash -c "grep -qx 'LD_PRELOAD=$jemalloc_lib' '$T/env-restora.sh.txt' && grep -q '^MALLOC_CONF=dirty_decay_ms:-1' '$T/env-restora.sh.txt'"
elif [ "$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)" -ge $((15 * 1024 * 1024)) ]; then
    check "restora.sh sets one heap for every tensor (GLIBC_TUNABLES; no jemalloc, 15 GiB of RAM or more here)" \
        grep -q '^GLIBC_TUNABLES=.*glibc.malloc.mmap_max=0' "$T/env-restora.sh.txt"
fi

# ---- restora pipelines: the start-up time ----------------------------------------------------------------------------
best=""
for i in 1 2 3; do
    s=$(date +%s%N)
    run "$IMG/lib/app/restora.sh" pipelines > "$T/pipelines.txt" 2>&1 || true
    ms=$(( ($(date +%s%N) - s) / 1000000 ))
    echo "      restora pipelines: ${ms} ms"
    if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
done
check "restora pipelines lists classic-image and classic-speech" \
    bash -c "grep -q '^classic-image' '$T/pipelines.txt' && grep -q '^classic-speech' '$T/pipelines.txt'"

# ---- restora restore, traced -----------------------------------------------------------------------------------------
IMAGE_IN="$ROOT/test-assets/images/landscape_x4.png"
if [ ! -f "$IMAGE_IN" ]; then   # no test assets here: a small generated PNG (64x48 RGB gradient)
    IMAGE_IN="$T/work/generated.png"
    python3 - "$IMAGE_IN" <<'EOF'
import struct, sys, zlib
w, h = 64, 48
raw = b"".join(b"\0" + bytes(v for x in range(w) for v in (x * 4, y * 5, (x + y) * 2)) for y in range(h))
chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                              + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
EOF
fi
cp "$IMAGE_IN" "$T/work/in.png"
INPUTS=("$T/work/in.png")
WAV_IN="$ROOT/test-assets/audio/speech_noisy_pink_16k_mono.wav"
[ -f "$WAV_IN" ] && { cp "$WAV_IN" "$T/work/speech.wav"; INPUTS+=("$T/work/speech.wav"); }

TRACE=()
if command -v strace >/dev/null 2>&1; then
    TRACE=(strace -f -qq -o "$T/trace.txt" -e trace=open,openat,creat,mkdir,mkdirat,rename,renameat,renameat2,unlink,unlinkat,link,linkat,symlink,symlinkat,truncate)
fi
touch "$T/stamp"; sleep 1
s=$(date +%s%N)
set +e
run "${TRACE[@]}" "$IMG/lib/app/restora.sh" restore "${INPUTS[@]}" --out "$T/out" --seed 1 --verbose > "$T/restore.txt" 2>&1
rc=$?
set -e
restore_ms=$(( ($(date +%s%N) - s) / 1000000 ))
[ "$rc" = 0 ] || sed 's/^/      | /' "$T/restore.txt"
check "restora restore exits 0 offline (${restore_ms} ms${TRACE:+, under strace})" test "$rc" = 0
check "libtorch was loaded from the image" grep -q "libtorch $IMG/lib/app/native" "$T/restore.txt"
png_size() { od -An -t u1 -j 16 -N 8 "$1" | awk '{ print ($1*16777216+$2*65536+$3*256+$4) "x" ($5*16777216+$6*65536+$7*256+$8) }'; }
# the default image pipeline names the output (in_esrgan.png since the learned default; in_classic-image.png before)
out_png="$(ls "$T/out"/in_*.png 2>/dev/null | head -1)"
in_size="$(png_size "$T/work/in.png")"; out_size="$( [ -n "$out_png" ] && png_size "$out_png" || echo none)"
want="$(echo "$in_size" | awk -Fx '{ print $1*4 "x" $2*4 }')"
check "the image was upscaled x4 ($in_size -> $out_size)" test "$out_size" = "$want"
if [ ${#INPUTS[@]} -gt 1 ]; then
    check "the WAV was denoised (speech_classic-speech.wav)" test -s "$T/out/speech_classic-speech.wav"
fi
check "nothing was copied into DJL's cache" bash -c "[ -z \"\$(find '$DATA/djl-cache' -type f 2>/dev/null)\" ]"
check "no partial output left" bash -c "[ -z \"\$(find '$T/out' -name '*.part')\" ]"

# writes outside the data and output folders
if [ ${#TRACE[@]} -gt 0 ]; then
    # successful calls that create or change something: opens for writing, mkdir, rename, unlink, link, truncate
    grep -v -E '= -1 |<unfinished' "$T/trace.txt" \
        | grep -E 'O_WRONLY|O_RDWR|O_CREAT|mkdir|rename|unlink|link\(|linkat|symlink|truncate' \
        | grep -o -E '"[^"]*"' | tr -d '"' | sort -u > "$T/written.txt"
    grep -v -E "^($DATA/|$DATA\$|$T/out(/|\$)|/dev/|/proc/self/|/proc/[0-9]+/)" "$T/written.txt" \
        | grep -v -E "^($DATA_ROOT|$T/home/.local|$T/home)\$" > "$T/outside.txt" || true
    if [ -s "$T/outside.txt" ]; then sed 's/^/      outside: /' "$T/outside.txt"; fi
    check "JNA's library was loaded from the image (nothing unpacked into tmp/jna)" bash -c "! grep -q '$DATA/tmp/jna/.' '$T/written.txt'"
    check "no write outside the app data folder and --out (strace: $(wc -l < "$T/written.txt") paths)" test ! -s "$T/outside.txt"
else
    new="$( { find "$T/home" "$IMG" -newer "$T/stamp" -type f; find /tmp /var/tmp -maxdepth 2 -newer "$T/stamp" -type f 2>/dev/null; } \
        | grep -v -E "^($DATA/|$T/)" || true)"
    [ -n "$new" ] && printf '      new file: %s\n' $new
    check "no new file outside the app data folder and --out (find; strace not installed)" test -z "$new"
fi

# ---- the studio launcher ------------------------------------------------------------------------------------------
if unzip -Z1 "$(ls "$IMG"/lib/app/restora-app-*.jar | head -1)" | grep -q '^dev/restora/app/studio/StudioApp.class$'; then
    if command -v xvfb-run >/dev/null 2>&1; then
        # as the menu entry starts it: the environment script, which execs the launcher (the JVM's process: timeout
        # ends it, then xvfb-run stops its server)
        set +e
        run xvfb-run -a timeout 30 "$IMG/lib/app/restora-studio.sh" > "$T/studio.txt" 2>&1
        rc=$?
        set -e
        [ "$rc" = 124 ] || sed 's/^/      | /' "$T/studio.txt"
        check "the studio window (lib/app/restora-studio.sh) runs for 30 s under Xvfb, offline (exit $rc; 124 = ended by the timeout)" test "$rc" = 124
    else
        echo "SKIP  the studio window: xvfb-run is missing (apt-get install -y xvfb libgtk-3-0)"
    fi
else
    run "$IMG/bin/restora-studio" > "$T/studio.txt" 2>&1 || true
    check "the studio launcher prints the help (this build has no studio)" grep -q '^Usage: restora' "$T/studio.txt"
fi

# ---- numbers -------------------------------------------------------------------------------------------------------
echo "      app-image: $(du -sm "$IMG" | cut -f1) MB ($IMG)"
echo "      start-up (restora pipelines, best of 3): ${best} ms; restore: ${restore_ms} ms"

if [ "$DEB" = 1 ]; then
    deb="$(ls -t "$HERE"/target/packages/*.deb 2>/dev/null | head -1 || true)"
    if [ -n "$deb" ]; then
        echo "      .deb: $(du -m "$deb" | cut -f1) MB ($deb)"
        dpkg-deb -I "$deb" > "$T/deb-info.txt"
        dpkg-deb -c "$deb" > "$T/deb-files.txt"
        check ".deb depends on libgtk-3-0" grep -q 'Depends:.*libgtk-3-0' "$T/deb-info.txt"
        check ".deb depends on libjemalloc2 (the launchers preload it)" grep -q 'Depends:.*libjemalloc2' "$T/deb-info.txt"
        check ".deb postinst links /usr/bin/restora" bash -c "dpkg-deb -e '$deb' '$T/ctl' && grep -q '/usr/bin/restora' '$T/ctl/postinst'"
        check ".deb desktop entry runs the environment script" bash -c "dpkg-deb -x '$deb' '$T/x' && grep -rq '^Exec=/opt/restora-studio/lib/app/restora-studio.sh %F' '$T/x/opt/restora-studio/lib/'*.desktop && [ -x '$T/x/opt/restora-studio/lib/app/restora-studio.sh' ]"
        check ".deb hides the command line's menu entry (NoDisplay)" grep -q '^NoDisplay=true' "$T/x/opt/restora-studio/lib/restora-studio-restora.desktop"
        check ".deb registers png, jpeg, wav, flac" bash -c "grep -h 'MimeType' '$T/x/opt/restora-studio/lib/'*.desktop | grep -q 'image/png' && grep -h MimeType '$T/x/opt/restora-studio/lib/'*.desktop | grep -q 'audio/flac'"
    else
        fail ".deb was built"
    fi
fi

echo "smoke test: $PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
