#!/usr/bin/env bash
# Prefix check (docs/architecture.md, "Style"): every symbol the library
# exports (functions and data) starts with evac_. Argument: the library.
# The compiler's own symbols (.gomp_critical_user_NAME for named OpenMP
# critical sections, __odr_asan.NAME under AddressSanitizer) are not the
# library's names and are skipped.
set -u
lib=$1
bad=$(nm -g --defined-only "$lib" | awk 'NF == 3 && $2 ~ /^[TDRBC]$/ { print $3 }' |
  grep -v '^evac_' | grep -v '^\.gomp_critical_user_\|^__odr_asan\.' | sort -u)
n=$(nm -g --defined-only "$lib" | awk 'NF == 3 && $2 ~ /^[TDRBC]$/' | wc -l)
if [ -n "$bad" ]; then
  echo "exported symbols without the evac_ prefix:"
  echo "$bad" | sed 's/^/  /'
  exit 1
fi
echo "prefix: $n exported symbols, all evac_"
