# Shared by scripts/demo, scripts/test, scripts/bench: install what is missing, build.
# Sourced, not run.

ZC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Debian packages zhengce needs to build, test and demo (docs/DEPENDENCIES.md says why each).
ZC_PACKAGES="gcc make cmake pkg-config python3 openssl curl
  libcurl4-openssl-dev libxml2-dev libxml2-utils liblmdb-dev lmdb-utils libcmocka-dev
  libuchardet-dev libpcre2-dev libjansson-dev libmsgpack-dev libxlsxwriter-dev libzip-dev libssl-dev zlib1g-dev libdeflate-dev
  libigraph-dev libfriso-dev friso-dict"

zc_install() {
	local missing="" p
	# node and npm (tests read WARC with warcio.js): machines may carry them outside dpkg
	command -v npm >/dev/null 2>&1 || missing="nodejs npm"
	for p in $ZC_PACKAGES "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "installing:$missing"
	local sudo=""
	[ "$(id -u)" -ne 0 ] && sudo=sudo
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq >/dev/null || { echo "apt-get update failed" >&2; return 1; }
	$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null || {
		echo "apt-get install failed for:$missing" >&2; return 1; }
}

# zc_build DIR [cmake args...]: configure once, build, quietly unless it fails
zc_build() {
	local dir=$1; shift
	local log="$ZC_ROOT/$dir.log"
	if ! { cmake -S "$ZC_ROOT" -B "$ZC_ROOT/$dir" "$@" && cmake --build "$ZC_ROOT/$dir" -j "$(nproc)"; } >"$log" 2>&1; then
		cat "$log" >&2
		echo "build failed in $dir (log: $log)" >&2
		return 1
	fi
}

# zc_mirror_start ROOT LOG: serve ROOT on free loopback ports; sets ZC_MIRROR_PID, ZC_HTTP, ZC_HTTPS
zc_mirror_start() {
	local root=$1 log=$2 out
	out=$(mktemp)
	python3 "$ZC_ROOT/tests/mirror/mirror.py" serve --root "$root" --port 0 --tls-port 0 --log "$log" ${ZC_FAULTS:+--faults "$ZC_FAULTS"} >"$out" 2>&1 &
	ZC_MIRROR_PID=$!
	local i
	for i in $(seq 1 100); do
		if grep -q "listening on" "$out"; then
			ZC_HTTP=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$out")
			ZC_HTTPS=$(sed -n 's/.*tls 127.0.0.1:\([0-9]*\).*/\1/p' "$out")
			rm -f "$out"
			return 0
		fi
		kill -0 "$ZC_MIRROR_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$out" >&2
	rm -f "$out"
	echo "the mirror did not start" >&2
	return 1
}

zc_mirror_stop() {
	# runs from an EXIT trap under set -e: nothing here may fail the script (the mirror's own
	# status after a SIGTERM is 143)
	if [ -n "${ZC_MIRROR_PID:-}" ]; then
		kill "$ZC_MIRROR_PID" 2>/dev/null || true
		wait "$ZC_MIRROR_PID" 2>/dev/null || true
	fi
	ZC_MIRROR_PID=
	return 0
}
