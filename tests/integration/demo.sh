#!/bin/sh
# scripts/demo with this build: it must exit 0 and show the corpus by year.
# usage: demo.sh ZHENGCE WORKDIR
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
# the demo given its own mirror and corpus writes nothing into out/ (a fresh clone has none)
outlog="$root/out/mirror-requests.log"
before=$(stat -c %s "$outlog" 2>/dev/null || echo none)
out=$(ZC_DEMO_NO_BUILD=1 ZC_ZHENGCE="$1" ZC_DEMO_MIRROR="$2/mirror" ZC_DEMO_CORPUS="$2/corpus" "$root/scripts/demo" 2>&1)
rc=$?
printf '%s\n' "$out"
fails=0
check() { if eval "$1"; then echo "ok   $2"; else echo "FAIL $2"; fails=$((fails + 1)); fi; }
check '[ $rc -eq 0 ]' "scripts/demo exits 0 (got $rc)"
check 'printf "%s" "$out" | grep -q "documents 609 (national 46, provincial 563)"' "it shows 609 documents, 46 national, 563 provincial"
check 'printf "%s" "$out" | grep -Eq "^2017 +2 +88$"' "national and provincial documents by year (2017: 2 and 88)"
check 'printf "%s" "$out" | grep -q "archive: "' "it says where the corpus and the archive are"
after=$(stat -c %s "$outlog" 2>/dev/null || echo none)
check '[ "$before" = "$after" ]' "nothing written into out/ ($outlog: $before bytes before, $after after)"
echo "$((5 - fails)) passed, $fails failed"
[ $fails -eq 0 ]
