#!/usr/bin/env bash
# make-data.sh - make the benchmark capture if it is missing (idempotent; used by bench/run.js).
#
# Usage: bench/make-data.sh [OUT.pcap [PACKETS]]
#   OUT.pcap   default bench/data/big-1m.pcap
#   PACKETS    default 1000000
# Environment:
#   MAKE_BIG_PCAP   the generator (default ../shared/tools/make-big-pcap.sh from the project root)
#   BENCH_BASE      base capture (default bench/data/base.pcap). If it exists, only the deterministic
#                   stage 2 runs (no root needed, ~10 s); otherwise real traffic is recorded between two
#                   private network namespaces (root, ~1 min) and the recording is saved there.
#   BENCH_FORCE=1   rebuild OUT even if it exists.
# Prerequisites (Debian 12): iproute2 tcpdump tcpreplay wireshark-common tshark sip-tester dnsutils
#   dnsmasq-base openssl curl time (only tcpreplay + wireshark-common when the base capture exists).
# No traffic leaves the namespaces that make-big-pcap.sh creates.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
OUT=${1:-$HERE/data/big-1m.pcap}
PACKETS=${2:-1000000}
BASE=${BENCH_BASE:-$HERE/data/base.pcap}
GEN=${MAKE_BIG_PCAP:-$ROOT/../shared/tools/make-big-pcap.sh}

log() { printf '[make-data %s] %s\n' "$(date +%T)" "$*" >&2; }

if [ -s "$OUT" ] && [ "${BENCH_FORCE:-0}" != 1 ]; then
  log "$OUT exists, nothing to do"
  exit 0
fi
[ -f "$GEN" ] || { log "ERROR: generator not found: $GEN (set MAKE_BIG_PCAP)"; exit 1; }

mkdir -p "$(dirname "$OUT")" "$(dirname "$BASE")"
# one builder at a time per output file (a second caller waits, then finds the file made)
exec 9>"$OUT.lock"
if command -v flock >/dev/null; then
  flock 9
  if [ -s "$OUT" ] && [ "${BENCH_FORCE:-0}" != 1 ]; then log "$OUT made meanwhile"; exit 0; fi
fi

if [ -s "$BASE" ]; then
  log "multiplying base capture $BASE -> $OUT ($PACKETS packets)"
  bash "$GEN" --base "$BASE" "$OUT" "$PACKETS"
else
  [ "$(id -u)" = 0 ] || { log "ERROR: no base capture at $BASE and recording one needs root"; exit 1; }
  log "recording a base capture (root, network namespaces) -> $BASE, then $OUT ($PACKETS packets)"
  bash "$GEN" --save-base "$BASE" "$OUT" "$PACKETS"
fi
rm -f "$OUT.lock"
log "done: $OUT"
