#!/bin/sh
# Restora Studio's Linux launchers' environment, as installed by the .deb: /usr/bin/restora links to
# <app>/lib/app/restora.sh (the command line), the menu entry runs <app>/lib/app/restora-studio.sh (the same script
# under the studio's name); each runs <app>/bin/<its own name>. In an app-image use them the same way.
# jpackage's native launchers cannot set environment variables, and two settings are read only from there:
# - ONEDNN_MAX_CPU_ISA: on virtual machines that advertise AMX without its tile-size CPUID leaf, oneDNN's bfloat16
#   kernels otherwise die with SIGILL. A value the user set is kept.
# - GLIBC_TUNABLES (glibc, at least 15 GiB of RAM): every tensor from one heap instead of a fresh mapping per large
#   tensor, whose page faults cost a ResShift 128 -> 512 run over 40 % of its int8 time (see NativeAllocator); the
#   peak memory grows by about half. RESTORA_MALLOC=system keeps glibc's defaults, RESTORA_MALLOC=heap forces it; a
#   GLIBC_TUNABLES with malloc settings of the user's own wins.
self="$0"
while [ -L "$self" ]; do
    target="$(readlink "$self")"
    case "$target" in /*) self="$target" ;; *) self="$(dirname "$self")/$target" ;; esac
done
appdir="$(cd "$(dirname "$self")" && pwd -P)"
ONEDNN_MAX_CPU_ISA="${ONEDNN_MAX_CPU_ISA:-AVX512_CORE_FP16}"
export ONEDNN_MAX_CPU_ISA
case "$(uname -s):${RESTORA_MALLOC:-}:${GLIBC_TUNABLES:-}" in
    Linux:system:* | Linux:*:*glibc.malloc.*) ;;  # the user's own choice
    Linux:*)
        if getconf GNU_LIBC_VERSION >/dev/null 2>&1 && { [ "${RESTORA_MALLOC:-}" = "heap" ] \
            || [ "$(( $(getconf _PHYS_PAGES) * $(getconf PAGESIZE) ))" -ge $((15 << 30)) ]; }; then
            GLIBC_TUNABLES="${GLIBC_TUNABLES:+$GLIBC_TUNABLES:}glibc.malloc.arena_max=1:glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736"
            export GLIBC_TUNABLES
        fi
        ;;
esac
exec "$appdir/../../bin/$(basename "$self" .sh)" "$@"
