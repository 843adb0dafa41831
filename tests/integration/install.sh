#!/bin/sh
# install.sh BUILD OUT: `cmake --install BUILD` under a fresh prefix in OUT puts the binary, the
# seeds, the profiles and the man page there, and the installed binary, run from elsewhere with
# no ZHENGCE_* variable set, reads its seeds from PREFIX/share/zhengce (no path of the source or
# build tree is compiled in; profiles and codebooks are found by the same lookup, cli.c data_file).
set -eu
build=$1
out=$2
rm -rf "$out"
mkdir -p "$out/elsewhere"
prefix="$out/prefix"
fail() { echo "FAIL: $*" >&2; exit 1; }
cmake --install "$build" --prefix "$prefix" > "$out/install.log" || fail "cmake --install failed (install.log)"
for f in bin/zhengce share/zhengce/seeds/sites.json share/zhengce/profiles/reference.json share/man/man1/zhengce.1; do
	[ -f "$prefix/$f" ] || fail "$f not installed"
done
echo "ok: binary, seeds, profile and man page under the prefix"
cd "$out/elsewhere"
said=$(env -u ZHENGCE_SEEDS -u ZHENGCE_PROFILE -u ZHENGCE_CORPUS "$prefix/bin/zhengce" seeds check) || fail "zhengce seeds check failed: $said"
case "$said" in
"$prefix/bin/../share/zhengce/seeds/sites.json: "*" sites, "*" endpoints: valid") ;;
*) fail "the installed binary did not read the installed seeds: $said" ;;
esac
echo "ok: the installed binary reads PREFIX/share/zhengce/seeds ($said)"
cmp -s "$prefix/share/man/man1/zhengce.1" "$(dirname "$0")/../../docs/zhengce.1" || fail "the installed man page is not docs/zhengce.1"
echo "install: all checks passed"
