#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Checks that `meson dist` makes a release tarball that builds. TAP output.
#
#   check-dist.sh SRCDIR BUILDDIR [--build]
#
# 1. A clone of SRCDIR's committed HEAD (uncommitted changes are not in a release) runs
#    `meson dist --no-tests --formats xztar` and gets a tarball.
# 2. The tarball holds exactly the tracked files: nothing generated, nothing missing.
# 3. `meson setup` succeeds on the unpacked tarball: every file meson reads (meson.build,
#    configure_file and merge_file inputs, sources named in files() and targets) is in it.
# 4. Every file inside SRCDIR that BUILDDIR's compiles read (ninja -t deps: the headers, which
#    setup does not check) is tracked by Git, so it is in the tarball too.
# 5. Only with --build: `ninja` builds everything in the unpacked tree (several minutes on two
#    cores, so not part of `meson test`; the README's release steps run it).
#
# About 20 s without --build. Exits 77 (skipped) when SRCDIR is not a Git checkout (a tree
# unpacked from a tarball cannot make another one) or git is missing.

set -u

srcdir=${1:?usage: check-dist.sh SRCDIR BUILDDIR [--build]}
builddir=${2:?usage: check-dist.sh SRCDIR BUILDDIR [--build]}
full_build=${3:-}

if ! command -v git >/dev/null 2>&1 || ! git -C "$srcdir" rev-parse --git-dir >/dev/null 2>&1; then
  echo "1..0 # SKIP $srcdir is not a Git checkout"
  exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
failed=0
n=0

ok () {
  n=$((n + 1))
  echo "ok $n - $1"
}

not_ok () {
  n=$((n + 1))
  echo "not ok $n - $1"
  if [ -s "$tmp/log" ]; then
    tail -n 30 "$tmp/log" | sed 's/^/# /'
  fi
  failed=1
}

bail () {
  echo "Bail out! $1"
  exit 1
}

if [ "$full_build" = --build ]; then
  echo "1..5"
else
  echo "1..4"
fi
if [ -n "$(git -C "$srcdir" status --porcelain --untracked-files=no)" ]; then
  echo "# $srcdir has uncommitted changes: this checks the committed HEAD only"
fi

# 1. dist from a clean clone.
if git clone -q "$srcdir" "$tmp/src" >"$tmp/log" 2>&1 &&
   meson setup "$tmp/build" "$tmp/src" >"$tmp/log" 2>&1 &&
   meson dist -C "$tmp/build" --no-tests --formats xztar >"$tmp/log" 2>&1; then
  ok "meson dist --no-tests --formats xztar"
else
  not_ok "meson dist --no-tests --formats xztar"
  bail "no tarball"
fi
tarball=$(ls "$tmp/build/meson-dist/"*.tar.xz)
name=$(basename "$tarball" .tar.xz)

# 2. The tarball's files are the tracked files.
tar -tJf "$tarball" | sed -n "s|^$name/||p" | grep -v '/$' | grep -v '^$' | sort >"$tmp/in-tarball"
git -C "$tmp/src" ls-files | sort >"$tmp/tracked"
if cmp -s "$tmp/in-tarball" "$tmp/tracked"; then
  ok "the tarball holds the $(wc -l <"$tmp/tracked") tracked files and nothing else"
else
  diff "$tmp/tracked" "$tmp/in-tarball" >"$tmp/log"
  not_ok "the tarball differs from the tracked files (< tracked only, > tarball only)"
fi

# 3. It configures.
tar -xJf "$tarball" -C "$tmp"
if meson setup "$tmp/unpacked-build" "$tmp/$name" >"$tmp/log" 2>&1; then
  ok "meson setup on the unpacked $name"
else
  not_ok "meson setup on the unpacked $name"
fi

# 4. Every file in the source tree the compiler read is tracked.
src_abs=$(cd "$srcdir" && pwd -P)
build_abs=$(cd "$builddir" && pwd -P)
if [ -f "$build_abs/build.ninja" ]; then
  (cd "$build_abs" && ninja -t deps) | sed -n 's/^    //p' | sort -u |
    while read -r dep; do
      case "$dep" in
        /*) path=$dep ;;
        *) path=$build_abs/$dep ;;
      esac
      dir=$(cd "$(dirname "$path")" 2>/dev/null && pwd -P) || continue
      path=$dir/$(basename "$path")
      case "$path" in
        "$build_abs"/*) ;;                     # generated in the build directory
        "$src_abs"/*) echo "${path#"$src_abs"/}" ;;
        *) ;;                                  # system headers
      esac
    done | sort -u >"$tmp/read"
  git -C "$srcdir" ls-files | sort >"$tmp/tracked-here"
  comm -23 "$tmp/read" "$tmp/tracked-here" >"$tmp/untracked"
  if [ ! -s "$tmp/read" ]; then
    echo "ok 4 # SKIP $builddir has not compiled anything yet"
    n=4
  elif [ -s "$tmp/untracked" ]; then
    cp "$tmp/untracked" "$tmp/log"
    not_ok "files the build reads but Git does not track"
  else
    ok "the $(wc -l <"$tmp/read") source files the build read are all tracked"
  fi
else
  echo "ok 4 # SKIP no build.ninja in $builddir"
  n=4
fi

# 5. Optional: build it all.
if [ "$full_build" = --build ]; then
  if ninja -C "$tmp/unpacked-build" >"$tmp/log" 2>&1; then
    ok "ninja builds the unpacked $name"
  else
    not_ok "ninja builds the unpacked $name"
  fi
fi

exit $failed
