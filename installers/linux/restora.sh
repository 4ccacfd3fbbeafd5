#!/bin/sh
# Restora Studio command line, as installed by the .deb (/usr/bin/restora links here; in an app-image it is
# <image>/lib/app/restora.sh). jpackage's native launchers cannot set environment variables, and oneDNN reads
# ONEDNN_MAX_CPU_ISA only from the environment: on virtual machines that advertise AMX without its tile-size CPUID
# leaf, bfloat16 kernels otherwise die with SIGILL. A value the user set is kept.
self="$0"
while [ -L "$self" ]; do
    target="$(readlink "$self")"
    case "$target" in /*) self="$target" ;; *) self="$(dirname "$self")/$target" ;; esac
done
appdir="$(cd "$(dirname "$self")" && pwd -P)"
ONEDNN_MAX_CPU_ISA="${ONEDNN_MAX_CPU_ISA:-AVX512_CORE_FP16}"
export ONEDNN_MAX_CPU_ISA
exec "$appdir/../../bin/restora" "$@"
