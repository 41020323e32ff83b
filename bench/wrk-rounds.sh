# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The libsslvdir authors
#
# shellcheck shell=sh disable=SC2034,SC2154
# (sourced: the caller sets and reads the variables)
# bench/wrk-rounds.sh: what bench/haproxy/run.sh and bench/nginx/run.sh
# share (sourced, not run): wrk pinned to CPU 1 and the proxy to CPU 0, the
# proxy's CPU time per request from /proc, and rounds of one wrk run per
# listener with the order rotating every round, printed as min/median/max
# and ratios of the medians to the first listener (the native one).
#
# The caller sets: WRK; work (a scratch directory); secs and rounds; host
# (the Host header sent); and, once the proxy runs, srv (its PID: the
# process that serves, all of its threads counted). wrkargs applies to
# every wrk run of a set of rounds (wrk -s for the mixed targets).

# One CPU for the proxy, the other for wrk, when taskset and two CPUs are
# there: the two then do not take turns on one core, and the figures move
# less.
pin_srv="" pin_wrk=""
if command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ]; then
  pin_srv="taskset -c 0" pin_wrk="taskset -c 1"
fi
wrkargs=""

# wrk cycles through a file of request targets (SSLVDIR_BENCH_TARGETS) with
# the script bench_targets_lua writes.
bench_targets_lua() {
  cat > "$1" <<'LUA'
local paths = {}
for line in io.lines(os.getenv("SSLVDIR_BENCH_TARGETS")) do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
LUA
}

# The server's CPU time so far, in ns (every thread's, from schedstat).
cpu_ns() { cat /proc/"$srv"/task/*/schedstat | awk '{ s += $1 } END { printf "%.0f\n", s }'; }

# run URL [wrk args]: one wrk run; prints "req/s cpu-ns-per-request MB/s".
run() {
  url=$1; shift
  c0=$(cpu_ns)
  $pin_wrk "$WRK" -t1 -c32 -d"${secs}s" -H "Host: $host" "$@" "$url" > "$work/wrk.out" 2>/dev/null
  c1=$(cpu_ns)
  awk -v c0="$c0" -v c1="$c1" '
    function bytes(s) {
      if (s ~ /GB$/) return s * 1073741824; if (s ~ /MB$/) return s * 1048576
      if (s ~ /KB$/) return s * 1024; return s + 0
    }
    / requests in / { n = $1; b = bytes($5); t = $4 + 0 }
    /^Requests\/sec/ { r = $2 }
    END { printf "%s %.0f %.2f\n", r, n ? (c1 - c0) / n : 0, t ? b / t / 1e6 : 0 }' "$work/wrk.out"
}

# stats FILE COLUMN: min/median/max of a column; med FILE COLUMN: the median.
stats() {
  awk -v c="$2" '{ print $c }' "$1" | sort -n |
    awk '{ v[NR] = $1 } END { printf "%s/%s/%s", v[1], v[int((NR + 1) / 2)], v[NR] }'
}
med() { awk -v c="$2" '{ print $c }' "$1" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
load() { awk '{ print $1 }' /proc/loadavg; }

# rounds NAME LABEL=URL...: rounds of one wrk run per listener, in turn (the
# order rotates each round); then per listener the status and body bytes of
# one request (curl), req/s and CPU ns per request (min/median/max), and the
# ratios of the medians to the first (and, with more than two listeners, to
# the second too); with mbs=1 also MB/s (body and headers, as wrk counts
# them). A label may contain spaces, not "=". BENCH_ONLY=WORD runs only the
# sets whose name has it.
rounds() {
  name=$1; shift
  case $name in *"${BENCH_ONLY:-}"*) ;; *) return 0 ;; esac
  n=0
  for spec in "$@"; do
    st=$(curl -sk -o /dev/null -w '%{http_code} %{size_download}' -H "Host: $host" "${spec#*=}")
    # The label last: it may contain spaces.
    echo "$st ${spec%%=*}" > "$work/label$n"; : > "$work/res$n"; n=$((n + 1))
  done
  l0=$(load)
  i=0
  while [ "$i" -lt "$rounds" ]; do
    j=0
    while [ "$j" -lt "$n" ]; do
      k=$(( (i + j) % n ))
      eval "spec=\${$((k + 1))}"
      # shellcheck disable=SC2086
      run "${spec#*=}" $wrkargs >> "$work/res$k"
      j=$((j + 1))
    done
    i=$((i + 1))
  done
  printf '%s (load %s -> %s)\n' "$name" "$l0" "$(load)"
  base_r=$(med "$work/res0" 1); base_c=$(med "$work/res0" 2)
  [ "$n" -gt 2 ] && { base2_r=$(med "$work/res1" 1); base2_c=$(med "$work/res1" 2); }
  k=0
  while [ "$k" -lt "$n" ]; do
    read -r st bytes label < "$work/label$k"
    r=$(med "$work/res$k" 1); c=$(med "$work/res$k" 2)
    also=""
    [ "$n" -gt 2 ] && [ "$k" -gt 1 ] &&
      also=$(echo "$r $base2_r $c $base2_c" | awk '{ printf "; %.2fx, %.2fx of the second", $1 / $2, $3 / $4 }')
    printf '  %-18s %3s %7s B  req/s %-22s ns/req %-16s %s%.2fx req/s, %.2fx CPU/req%s\n' "$label" "$st" "$bytes" \
      "$(stats "$work/res$k" 1)" "$(stats "$work/res$k" 2)" \
      "$([ "${mbs:-0}" = 1 ] && printf 'MB/s %-20s ' "$(stats "$work/res$k" 3)")" \
      "$(echo "$r $base_r" | awk '{ print $1 / $2 }')" "$(echo "$c $base_c" | awk '{ print $1 / $2 }')" "$also"
    k=$((k + 1))
  done
}
