#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Builds every libFuzzer target in tests/fuzz (fuzz-*.c) with clang, ASan and UBSan against the
# pure translate/ sources, and runs each briefly with the golden fixtures as seed corpus. A
# crash, leak or sanitizer report fails the test. Longer runs by hand:
#   FUZZ_SECONDS=600 tests/fuzz/run-fuzzers.sh
# Exit 77 (meson: skipped) when clang with libFuzzer is not installed.
set -uo pipefail

src=$(cd "$(dirname "$0")/../.." && pwd)
out=${FUZZ_OUT:-$(mktemp -d)}
seconds=${FUZZ_SECONDS:-8}
trap '[ -z "${FUZZ_OUT:-}" ] && rm -rf "$out"' EXIT

clang=$(command -v clang || command -v clang-14 || true)
if [ -z "$clang" ]; then
  echo "1..0 # SKIP clang is not installed"
  exit 77
fi

mapfile -t targets < <(ls "$src"/tests/fuzz/fuzz-*.c 2>/dev/null)
if [ ${#targets[@]} -eq 0 ]; then
  echo "1..0 # SKIP no fuzz targets"
  exit 77
fi

mapfile -t sources < <(find "$src/src/translate" -name '*.c' | sort)
sources+=("$src/src/core/sy-json-scan.c")
flags=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
       -DGLIB_VERSION_MIN_REQUIRED=GLIB_VERSION_2_74 -DGLIB_VERSION_MAX_ALLOWED=GLIB_VERSION_2_74
       -I"$src/src")
read -ra pkg <<< "$(pkg-config --cflags --libs glib-2.0 gobject-2.0 json-glib-1.0)"

corpus="$out/corpus"
mkdir -p "$corpus"
find "$src/tests/fixtures/translate" "$src/tests/fixtures/sse" -type f \
  \( -name '*.json' -o -name '*.sse' -o -name '*.bin' \) -exec cp -t "$corpus" {} + 2>/dev/null || true

echo "1..${#targets[@]}"
n=0
failed=0
for target in "${targets[@]}"; do
  n=$((n + 1))
  name=$(basename "$target" .c)
  if ! "$clang" "${flags[@]}" "$target" "${sources[@]}" "${pkg[@]}" -lm -o "$out/$name" \
       2> "$out/$name.build.log"; then
    echo "not ok $n - $name does not build"
    sed 's/^/# /' "$out/$name.build.log" | tail -20
    failed=1
    continue
  fi
  work="$out/$name-corpus"
  mkdir -p "$work"
  if UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
     ASAN_OPTIONS=detect_leaks=1 \
     "$out/$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       "$work" "$corpus" > "$out/$name.log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$out/$name.log" | grep -o '[0-9]*$')
    echo "ok $n - $name (${runs:-?} inputs in ${seconds}s)"
  else
    echo "not ok $n - $name found a problem"
    grep -E 'ERROR|SUMMARY|#[0-9]+ ' "$out/$name.log" | head -30 | sed 's/^/# /'
    failed=1
  fi
done
exit $failed
