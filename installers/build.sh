#!/usr/bin/env bash
# Packages Restora Studio with jpackage (Linux: app-image, .deb, .rpm; macOS: app-image, .dmg, .pkg), with its own
# Java runtime, JavaFX and the libtorch natives inside: no Maven, no JDK and no download needed at run time.
#
#   installers/build.sh                     app-image only (installers/target/image/...)
#   installers/build.sh --type deb          app-image, then a .deb from it (installers/target/packages/)
#   installers/build.sh --skip-maven ...    reuse app/target (after `mvn -B -DskipTests package`)
#
# Needs JDK 17+ with jmods (Debian: openjdk-17-jdk openjdk-17-jmods), Maven 3.8+, unzip; for .deb also fakeroot and
# dpkg-dev (dpkg-deb); for .rpm rpm-build; for .dmg/.pkg Xcode's command line tools. See installers/README.md.
set -euo pipefail   # bash 3.2 (macOS) compatible: empty arrays expand as ${a[@]+"${a[@]}"}

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
ROOT="$(cd "$HERE/.." && pwd -P)"
OUT="$HERE/target"
TYPES=()
SKIP_MAVEN=0

die() { echo "build.sh: $*" >&2; exit 2; }
step() { echo "==> $*" >&2; }

while [ $# -gt 0 ]; do
    case "$1" in
        --type) [ $# -ge 2 ] || die "--type needs a value"; TYPES+=("$2"); shift 2 ;;
        --type=*) TYPES+=("${1#--type=}"); shift ;;
        --skip-maven) SKIP_MAVEN=1; shift ;;
        --out) [ $# -ge 2 ] || die "--out needs a folder"; OUT="$2"; shift 2 ;;
        -h|--help) sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
done

# ---- platform -------------------------------------------------------------------------------------------------
# These must match the OS profiles of the parent pom, which pick the native jars Maven copies into app/target/lib.
case "$(uname -s)-$(uname -m)" in
    Linux-x86_64|Linux-amd64)
        OS=linux; DJL_CLASSIFIER=linux-x86_64; FX_PLATFORM=linux; LIBEXT=so; JNA_PLATFORM=linux-x86-64
        NAME=restora-studio; FX_LIB_DIR=lib ;;
    Darwin-arm64)
        OS=mac; DJL_CLASSIFIER=osx-aarch64; FX_PLATFORM=mac-aarch64; LIBEXT=dylib; JNA_PLATFORM=darwin-aarch64
        NAME="Restora Studio"; FX_LIB_DIR=lib ;;
    *) die "unsupported platform $(uname -s) $(uname -m): Linux x86-64 and macOS arm64 are packaged here (Windows: build.ps1)" ;;
esac
[ ${#TYPES[@]} -gt 0 ] || TYPES=(app-image)
for t in "${TYPES[@]}"; do
    case "$OS-$t" in
        linux-app-image|linux-deb|linux-rpm|mac-app-image|mac-dmg|mac-pkg) ;;
        *) die "package type '$t' is not built on $OS" ;;
    esac
done

# ---- tools ----------------------------------------------------------------------------------------------------
if [ -z "${JAVA_HOME:-}" ]; then
    javac_path="$(command -v javac || true)"
    [ -n "$javac_path" ] || die "a JDK 17+ is needed (set JAVA_HOME or put javac on the PATH)"
    JAVA_HOME="$(cd "$(dirname "$(readlink -f "$javac_path" 2>/dev/null || echo "$javac_path")")/.." && pwd -P)"
fi
for t in jlink jpackage; do
    [ -x "$JAVA_HOME/bin/$t" ] || die "$JAVA_HOME/bin/$t is missing: a full JDK 17+ is needed"
done
[ -f "$JAVA_HOME/jmods/java.base.jmod" ] || die "$JAVA_HOME/jmods is missing (Debian/Ubuntu: apt-get install -y openjdk-17-jmods)"
jver="$("$JAVA_HOME/bin/jpackage" --version)"
[ "${jver%%.*}" -ge 17 ] 2>/dev/null || die "jpackage $jver is too old: JDK 17 or newer is needed"
command -v unzip >/dev/null 2>&1 || die "unzip is needed (apt-get install -y unzip)"

# ---- 1. the app's jars ------------------------------------------------------------------------------------------
TARGET="$ROOT/app/target"
LIB="$TARGET/lib"
if [ "$SKIP_MAVEN" = 0 ]; then
    command -v mvn >/dev/null 2>&1 || die "Maven (mvn) is needed to build the app"
    step "building the app jars (mvn -B -DskipTests -pl app -am package; not the Spark module)"
    rm -rf "$LIB"   # no stale jars from an earlier dependency set
    (cd "$ROOT" && mvn -B -ntp -DskipTests -pl app -am package)
fi
APPJAR=""
for j in "$TARGET"/restora-app-*.jar; do
    case "$j" in *-tests.jar|*-sources.jar|*-javadoc.jar) continue ;; esac
    [ -f "$j" ] && APPJAR="$j"
done
[ -n "$APPJAR" ] || die "no app jar in $TARGET (run without --skip-maven)"
[ -d "$LIB" ] || die "$LIB is missing: app/pom.xml's copy-dependencies execution (copy-runtime-libs) did not run"
# jpackage wants a plain numeric version: 0.1.0-SNAPSHOT -> 0.1.0
APP_VERSION="$(basename "$APPJAR" .jar)"; APP_VERSION="${APP_VERSION#restora-app-}"; APP_VERSION="${APP_VERSION%%-*}"

# ---- 2. the jpackage input folder: jars, libtorch natives, legal notices -------------------------------------
INPUT="$OUT/input"
RUNTIME="$OUT/runtime"
IMAGE_DIR="$OUT/image"
rm -rf "$INPUT" "$RUNTIME" "$IMAGE_DIR"
mkdir -p "$INPUT/native" "$INPUT/legal/licenses"
step "staging jars and natives in $INPUT"
cp "$APPJAR" "$INPUT/"
NATIVE_JAR=""; JNI_JAR=""; ENGINE_JAR=""; FX_JARS=()
for j in "$LIB"/*.jar; do
    b="$(basename "$j")"
    case "$b" in
        pytorch-native-*-"$DJL_CLASSIFIER".jar) NATIVE_JAR="$j"; continue ;;   # unpacked below, not on the class path
        pytorch-native-*) continue ;;
        javafx-*-"$FX_PLATFORM".jar) FX_JARS+=("$j"); continue ;;             # linked into the runtime
        javafx-*) continue ;;                                                  # empty platform-less jars
        pytorch-jni-*) JNI_JAR="$j" ;;
        pytorch-engine-*) ENGINE_JAR="$j" ;;
    esac
    cp "$j" "$INPUT/"
done
[ -n "$NATIVE_JAR" ] || die "no pytorch-native-*-$DJL_CLASSIFIER.jar in $LIB"
[ -n "$JNI_JAR" ] && [ -n "$ENGINE_JAR" ] || die "pytorch-jni or pytorch-engine is missing from $LIB"
[ ${#FX_JARS[@]} -gt 0 ] || die "no javafx-*-$FX_PLATFORM.jar in $LIB"

# libtorch: the native jar holds pytorch/<flavor>/<classifier>/<libs> and native/lib/pytorch.properties naming them.
# With -DPYTORCH_LIBRARY_PATH=$APPDIR/native DJL loads them in place (nothing is copied to a cache at start) and
# finds its JNI library there as <djl-version>-<libdjl_torch>. DJL loads EVERY file of that folder as a library:
# put nothing else in it.
props="$(unzip -p "$NATIVE_JAR" native/lib/pytorch.properties)"
flavor="$(printf '%s\n' "$props" | sed -n 's/^flavor=//p')"
torch_version="$(printf '%s\n' "$props" | sed -n 's/^version=//p')"; torch_version="${torch_version%%-*}"
libraries="$(printf '%s\n' "$props" | sed -n 's/^libraries=//p')"
[ -n "$flavor" ] && [ -n "$libraries" ] || die "$NATIVE_JAR has no native/lib/pytorch.properties"
unzip -q -j -o "$NATIVE_JAR" "pytorch/$flavor/$DJL_CLASSIFIER/*" -d "$INPUT/native"
IFS=',' read -r -a libs <<< "$libraries"
for l in "${libs[@]}"; do
    [ -f "$INPUT/native/$l" ] || die "$NATIVE_JAR lists $l but does not hold it"
done
djl_version="$(basename "$ENGINE_JAR" .jar)"; djl_version="${djl_version#pytorch-engine-}"
jni_version="$(unzip -p "$JNI_JAR" jnilib/pytorch.properties | sed -n 's/^jni_version=//p')"
case "$jni_version" in
    "$torch_version-$djl_version"*) ;;
    *) die "pytorch-jni $jni_version does not match libtorch $torch_version and DJL $djl_version" ;;
esac
case "$OS" in linux) jni_name=libdjl_torch.so ;; mac) jni_name=libdjl_torch.dylib ;; esac
unzip -p "$JNI_JAR" "jnilib/$DJL_CLASSIFIER/$flavor/$jni_name" > "$INPUT/native/$djl_version-$jni_name"
[ -s "$INPUT/native/$djl_version-$jni_name" ] || die "$JNI_JAR has no jnilib/$DJL_CLASSIFIER/$flavor/$jni_name"

# JNA's native part from its jar, so that JNA loads it in place (-Djna.boot.library.path) instead of unpacking it
# into the data folder at every start (and, on macOS, so that it is signed with the bundle)
jna_jar="$(ls "$INPUT"/jna-[0-9]*.jar 2>/dev/null | head -1 || true)"
if [ -n "$jna_jar" ]; then
    mkdir -p "$INPUT/jna"
    unzip -q -j -o "$jna_jar" "com/sun/jna/$JNA_PLATFORM/*jnidispatch*" -d "$INPUT/jna"
fi

# legal notices: ours, then the licence files the jars carry
cp "$HERE"/legal/*.md "$HERE"/legal/*.txt "$INPUT/legal/" 2>/dev/null || true
for j in "$INPUT"/*.jar "${FX_JARS[@]}"; do
    names="$(unzip -Z1 "$j" 2>/dev/null | grep -E -i '^META-INF/(LICENSE|LICENCE|NOTICE|COPYING)[^/]*$' || true)"
    [ -n "$names" ] || continue
    d="$INPUT/legal/licenses/$(basename "$j" .jar)"
    mkdir -p "$d"
    # shellcheck disable=SC2086
    unzip -q -j -o "$j" $names -d "$d"
done
if [ "$OS" = linux ]; then
    # one script under each launcher's name: it sets the environment and runs bin/<its name>
    for n in restora restora-studio; do
        cp "$HERE/linux/restora.sh" "$INPUT/$n.sh"
        chmod 755 "$INPUT/$n.sh"
    done
fi

# ---- 3. the Java runtime: jlink with JavaFX, then JavaFX's native libraries --------------------------------------
modules="$(grep -v -E '^[[:space:]]*(#|$)' "$HERE/jlink-modules.txt" | paste -sd, -),javafx.controls,javafx.swing"
fx_path="$(IFS=:; echo "${FX_JARS[*]}")"
step "jlink: $modules"
# no --compress: compressed modules start about 0.1 s slower, and the installers compress anyway
"$JAVA_HOME/bin/jlink" --module-path "$JAVA_HOME/jmods:$fx_path" --add-modules "$modules" \
    --strip-debug --no-man-pages --no-header-files --output "$RUNTIME"
# the default class-data-sharing archive (lib/server/classes.jsa), which jlink does not make: faster start
"$RUNTIME/bin/java" -Xshare:dump > /dev/null
# jlink takes the classes of the JavaFX jars but not the libraries beside them; JavaFX loads them from the
# runtime's library folder first, so nothing is unpacked to ~/.openjfx at start
for j in "${FX_JARS[@]}"; do
    unzip -q -j -o "$j" "*.$LIBEXT" -d "$RUNTIME/$FX_LIB_DIR" 2>/dev/null || true
done
ls "$RUNTIME/$FX_LIB_DIR"/*glass*."$LIBEXT" >/dev/null 2>&1 || die "no JavaFX glass library was copied into the runtime"

# ---- 4. the app-image -------------------------------------------------------------------------------------------
# The studio window is the main launcher; `restora` (config/cli.properties) is the command line.
GUI_MAIN=dev.restora.app.Main
if unzip -Z1 "$APPJAR" | grep -q '^dev/restora/app/studio/StudioApp.class$'; then
    GUI_MAIN=dev.restora.app.studio.StudioApp
fi
JAVA_OPTIONS=(
    -Dai.djl.offline=true                       # no telemetry, no native download (EngineSetup sets it too)
    '-DPYTORCH_LIBRARY_PATH=$APPDIR/native'     # libtorch in place; jpackage expands $APPDIR at start
    '-Drestora.libtorch.bundled=$APPDIR/native' # that folder is the bundled runtime: 'restora gpu' may replace it
    '-Djna.boot.library.path=$APPDIR/jna'      # JNA's library in place, not unpacked at start
    -XX:MaxDirectMemorySize=8g                  # the checkpoint reader keeps weights in direct buffers
    -XX:MaxRAMPercentage=50                     # heap: half the RAM (images of several thousand pixels a side)
    -XX:-UsePerfData                            # no /tmp/hsperfdata_<user> file
)
COMMON=(--name "$NAME" --app-version "$APP_VERSION" --vendor "Restora Studio"
    --copyright "Copyright the Restora Studio authors; third-party notices in legal/"
    --description "Diffusion restoration of images and speech (ResShift, SGMSE+, StoRM) on your own machine")
jp_opts=()
for o in "${JAVA_OPTIONS[@]}"; do jp_opts+=(--java-options "$o"); done
mac_opts=()
[ "$OS" = mac ] && mac_opts=(--mac-package-identifier dev.restora.studio --mac-package-name "Restora Studio")
case "$OS" in linux) icon="$HERE/icons/restora.png" ;; mac) icon="$HERE/icons/restora.icns" ;; esac
step "jpackage app-image (main class $GUI_MAIN)"
t0=$(date +%s)
"$JAVA_HOME/bin/jpackage" --type app-image --dest "$IMAGE_DIR" "${COMMON[@]}" --icon "$icon" \
    --input "$INPUT" --main-jar "$(basename "$APPJAR")" --main-class "$GUI_MAIN" --runtime-image "$RUNTIME" \
    "${jp_opts[@]}" --add-launcher "restora=$HERE/config/cli.properties" ${mac_opts[@]+"${mac_opts[@]}"}
case "$OS" in linux) IMAGE="$IMAGE_DIR/$NAME" ;; mac) IMAGE="$IMAGE_DIR/$NAME.app" ;; esac
echo "app-image: $IMAGE ($(du -sh "$IMAGE" | cut -f1), jpackage $(( $(date +%s) - t0 )) s)" >&2

# ---- 5. installers from the app-image ---------------------------------------------------------------------------
FA=()
for f in "$HERE"/config/fa-*.properties; do FA+=(--file-associations "$f"); done
PKG_DIR="$OUT/packages"
mkdir -p "$PKG_DIR"
for t in "${TYPES[@]}"; do
    [ "$t" = app-image ] && continue
    step "jpackage $t (slow: the compressor runs on about 500 MB)"
    t0=$(date +%s)
    extra=()
    case "$t" in
        deb|rpm)
            # custom desktop entries (through lib/app/*.sh: the environment) and postinst/prerm (/usr/bin/restora)
            res="$OUT/resources-$t"
            rm -rf "$res"; mkdir -p "$res"
            # jpackage 17 makes a menu entry for every launcher: the command line's is hidden (NoDisplay)
            for s in restora-studio.desktop restora.desktop postinst prerm; do sed "s|@INSTALL_DIR@|/opt/$NAME|g" "$HERE/linux/$s" > "$res/$s"; done
            # jemalloc: the launchers preload it for the tensors' memory (lib/app/restora.sh, NativeAllocator)
            if [ "$t" = deb ]; then deps="libgtk-3-0, libjemalloc2"; else deps="gtk3, jemalloc"; fi
            extra=(--resource-dir "$res" --linux-package-name "$NAME" --linux-package-deps "$deps"
                --linux-shortcut --linux-menu-group "Graphics;AudioVideo" --linux-app-category graphics
                --linux-deb-maintainer dev@restora.dev --install-dir /opt) ;;
        dmg|pkg)
            if [ -n "${MAC_SIGNING_KEY_USER_NAME:-}" ]; then
                extra=(--mac-sign --mac-signing-key-user-name "$MAC_SIGNING_KEY_USER_NAME")
            fi ;;
    esac
    "$JAVA_HOME/bin/jpackage" --type "$t" --app-image "$IMAGE" --dest "$PKG_DIR" "${COMMON[@]}" \
        --license-file "$HERE/legal/LICENSE.txt" "${FA[@]}" ${extra[@]+"${extra[@]}"}
    echo "$t: $(ls -t "$PKG_DIR"/* | head -1) ($(du -sh "$(ls -t "$PKG_DIR"/* | head -1)" | cut -f1), $(( $(date +%s) - t0 )) s)" >&2
done
