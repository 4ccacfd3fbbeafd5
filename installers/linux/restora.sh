#!/bin/sh
# Restora Studio's Linux launchers' environment, as installed by the .deb: /usr/bin/restora links to
# <app>/lib/app/restora.sh (the command line), the menu entry runs <app>/lib/app/restora-studio.sh (the same script
# under the studio's name); each runs <app>/bin/<its own name>. In an app-image use them the same way.
# jpackage's native launchers cannot set environment variables, and these settings are read only from there:
# - ONEDNN_MAX_CPU_ISA: on virtual machines that advertise AMX without its tile-size CPUID leaf, oneDNN's bfloat16
#   kernels otherwise die with SIGILL. A value the user set is kept.
# - the native allocator (Linux; see NativeAllocator): glibc maps every block above 32 MiB afresh and unmaps it when
#   freed, so each large tensor faults its pages in again (over 40 % of an int8 ResShift 128 -> 512 run). Where
#   jemalloc is installed (the .deb depends on libjemalloc2) it is preloaded (LD_PRELOAD, MALLOC_CONF) and keeps freed
#   pages for reuse: faster, and a lower peak than glibc's. Otherwise, with glibc and at least 15 GiB of RAM, every
#   tensor comes from one heap (GLIBC_TUNABLES; the peak grows by about half). RESTORA_MALLOC=jemalloc|heap|system
#   chooses, RESTORA_JEMALLOC names the library file; an allocator of the user's own in LD_PRELOAD, or glibc malloc
#   tunables of the user's own, win.
self="$0"
while [ -L "$self" ]; do
    target="$(readlink "$self")"
    case "$target" in /*) self="$target" ;; *) self="$(dirname "$self")/$target" ;; esac
done
appdir="$(cd "$(dirname "$self")" && pwd -P)"
ONEDNN_MAX_CPU_ISA="${ONEDNN_MAX_CPU_ISA:-AVX512_CORE_FP16}"
export ONEDNN_MAX_CPU_ISA
if [ "$(uname -s)" = "Linux" ] && [ "${RESTORA_MALLOC:-}" != "system" ]; then
    case "${LD_PRELOAD:-}:${GLIBC_TUNABLES:-}" in
        *malloc*) ;;  # the user's own allocator or glibc malloc tunables
        *)
            jemalloc=""
            if [ "${RESTORA_MALLOC:-}" != "heap" ]; then
                for lib in ${RESTORA_JEMALLOC:-/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 \
                        /usr/lib/aarch64-linux-gnu/libjemalloc.so.2 /usr/lib64/libjemalloc.so.2 /usr/lib/libjemalloc.so.2}; do
                    if [ -r "$lib" ]; then jemalloc="$lib"; break; fi
                done
                if [ -z "$jemalloc" ] && [ "${RESTORA_MALLOC:-}" = "jemalloc" ]; then
                    echo "restora: RESTORA_MALLOC=jemalloc, but no libjemalloc.so.2 was found (install libjemalloc2, or name the file in RESTORA_JEMALLOC)" >&2
                fi
            fi
            if [ -n "$jemalloc" ]; then
                LD_PRELOAD="$jemalloc${LD_PRELOAD:+:$LD_PRELOAD}"
                MALLOC_CONF="dirty_decay_ms:-1,muzzy_decay_ms:-1${MALLOC_CONF:+,$MALLOC_CONF}"
                export LD_PRELOAD MALLOC_CONF
            elif getconf GNU_LIBC_VERSION >/dev/null 2>&1 && { [ "${RESTORA_MALLOC:-}" = "heap" ] \
                || [ "$(( $(getconf _PHYS_PAGES) * $(getconf PAGESIZE) ))" -ge $((15 << 30)) ]; }; then
                GLIBC_TUNABLES="${GLIBC_TUNABLES:+$GLIBC_TUNABLES:}glibc.malloc.arena_max=1:glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736"
                export GLIBC_TUNABLES
            fi
            ;;
    esac
fi
exec "$appdir/../../bin/$(basename "$self" .sh)" "$@"
