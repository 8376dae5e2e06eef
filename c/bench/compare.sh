#!/bin/sh
# compare.sh WASMPOOL_BENCH BASELINE_BENCH — runs the two builds of bench_pool.c in turn,
# BENCH_ROUNDS times each (default 3, alternating, so a burst of load elsewhere hits both),
# and prints the median of every result side by side with the goals. Goals are reported,
# never enforced: the exit status is nonzero only if a benchmark fails, or the runs
# rendered different Mandelbrot images.
set -eu
rounds=${BENCH_ROUNDS:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/wasmpool"
: >"$tmp/baseline"
r=1
while [ "$r" -le "$rounds" ]; do
  echo "round $r of $rounds: $1, $2" >&2
  "$1" >>"$tmp/wasmpool"
  "$2" >>"$tmp/baseline"
  r=$((r + 1))
done

awk -v rounds="$rounds" '
  FNR == NR { w[$1, ++wn[$1]] = $2; next }
            { b[$1, ++bn[$1]] = $2 }

  # The median of the values of key k in array a (counts in n), a numeric string.
  function med(a, n, k,    i, j, v, s, m) {
    m = n[k]
    for (i = 1; i <= m; i++) {
      v = a[k, i] + 0
      for (j = i - 1; j >= 1 && s[j] > v; j--) s[j + 1] = s[j]
      s[j + 1] = v
    }
    return m % 2 ? s[(m + 1) / 2] : (s[m / 2] + s[m / 2 + 1]) / 2
  }
  function us(ns) { return sprintf("%.2f us", ns / 1000) }
  function rate(r) { return sprintf("%.0f M/s", r / 1e6) }
  function ms(v) { return sprintf("%.1f ms", v) }
  function pct(v) { return sprintf("%.0f %%", 100 * v) }
  function x(v) { return sprintf("%.2fx", v) }
  function mark(ok) { return ok ? "met" : "NOT MET" }
  function row(metric, wv, bv, ratio, goal) {
    printf "%-38s | %-10s | %-10s | %-6s | %s\n", metric, wv, bv, ratio, goal
  }
  END {
    n = split("dispatch_ns dispatch_off tiny_items_s tiled_items_s mandel_1t_ms mandel_2t_ms " \
              "mandel_speedup mandel_hash raw_speedup", keys)
    for (i = 1; i <= n; i++) {
      k = keys[i]
      if (wn[k] != rounds || bn[k] != rounds) {
        print "compare.sh: a benchmark did not report " k > "/dev/stderr"; exit 1
      }
      W[k] = med(w, wn, k); B[k] = med(b, bn, k)
    }
    for (i = 1; i <= rounds; i++) if (w["mandel_hash", i] != w["mandel_hash", 1] ||
                                      b["mandel_hash", i] != w["mandel_hash", 1]) {
      print "compare.sh: the runs rendered different Mandelbrot images" > "/dev/stderr"; exit 1
    }

    row("metric, on 2 threads", "wasmpool", "baseline", "ratio", "goal (wasmpool)")
    row("--------------------------------------", "----------", "----------", "------",
        "----------------")
    row("empty wp_parallel_for, range 2", us(W["dispatch_ns"]), us(B["dispatch_ns"]),
        x(B["dispatch_ns"] / W["dispatch_ns"]), "< 2 us: " mark(W["dispatch_ns"] < 2000))
    row("  its items run off the caller", pct(W["dispatch_off"]), pct(B["dispatch_off"]), "", "")
    row("tiny tasks, out[i] = i, 1e7 items", rate(W["tiny_items_s"]), rate(B["tiny_items_s"]),
        x(W["tiny_items_s"] / B["tiny_items_s"]), "")
    row("  the same, wp_parallel_for_tiled 1024", rate(W["tiled_items_s"]),
        rate(B["tiled_items_s"]), x(W["tiled_items_s"] / B["tiled_items_s"]), "")
    row("mandelbrot 1024x768/500, 1 thread", ms(W["mandel_1t_ms"]), ms(B["mandel_1t_ms"]),
        x(B["mandel_1t_ms"] / W["mandel_1t_ms"]), "")
    row("mandelbrot 1024x768/500, 2 threads", ms(W["mandel_2t_ms"]), ms(B["mandel_2t_ms"]),
        x(B["mandel_2t_ms"] / W["mandel_2t_ms"]), "")
    row("mandelbrot speedup, 2 vs 1 thread", x(W["mandel_speedup"]), x(B["mandel_speedup"]),
        x(W["mandel_speedup"] / B["mandel_speedup"]),
        ">= 1.9x: " mark(W["mandel_speedup"] >= 1.9))
    row("  ceiling: 2 plain threads, no pool", x(W["raw_speedup"]), x(B["raw_speedup"]), "", "")
    print ""
    print "ratio: how many times better wasmpool does than the baseline (> 1: wasmpool wins)."
    print "Each value: the median of " rounds " runs, each itself a median (dispatch: of 9 batches"
    print "of 20000 calls; the rest: of 5 runs)."
    if (W["raw_speedup"] < 1.9 || B["raw_speedup"] < 1.9)
      print "Warning: the ceiling is below 1.9x: other processes were using the cores, so the " \
            "speedups, and the other timings, say little about the schedulers."
  }
' "$tmp/wasmpool" "$tmp/baseline"
