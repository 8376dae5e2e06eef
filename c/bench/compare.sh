#!/bin/sh
# compare.sh WASMPOOL_BENCH BASELINE_BENCH — runs both builds of bench_pool.c, one after
# the other, and prints their results side by side with the goals. Goals are reported,
# never enforced: the exit status is nonzero only if a benchmark fails or the two
# schedulers render different Mandelbrot images.
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "running $1 ..." >&2
"$1" >"$tmp/wasmpool"
echo "running $2 ..." >&2
"$2" >"$tmp/baseline"

awk '
  FNR == NR { w[$1] = $2; next }
            { b[$1] = $2 }
  function us(ns) { return sprintf("%.2f us", ns / 1000) }
  function rate(r) { return sprintf("%.0f M/s", r / 1e6) }
  function ms(x) { return sprintf("%.1f ms", x) }
  function pct(x) { return sprintf("%.0f %%", 100 * x) }
  function x(r) { return sprintf("%.2fx", r) }
  function mark(ok) { return ok ? "met" : "NOT MET" }
  function row(metric, wv, bv, ratio, goal) {
    printf "%-36s | %-10s | %-10s | %-6s | %s\n", metric, wv, bv, ratio, goal
  }
  END {
    split("dispatch_ns dispatch_off tiny_items_s mandel_1t_ms mandel_2t_ms mandel_hash raw_speedup", keys)
    for (k in keys) if (!(keys[k] in w) || !(keys[k] in b)) {
      print "compare.sh: a benchmark did not report " keys[k] > "/dev/stderr"; exit 1
    }
    ws = w["mandel_1t_ms"] / w["mandel_2t_ms"]; bs = b["mandel_1t_ms"] / b["mandel_2t_ms"]
    row("metric (2 threads)", "wasmpool", "baseline", "ratio", "goal (wasmpool)")
    row("------------------------------------", "----------", "----------", "------", "---------------")
    row("empty wp_parallel_for (range 2)", us(w["dispatch_ns"]), us(b["dispatch_ns"]),
        x(b["dispatch_ns"] / w["dispatch_ns"]),
        "< 2 us: " mark(w["dispatch_ns"] < 2000))
    row("  items run off the caller", pct(w["dispatch_off"]), pct(b["dispatch_off"]), "", "")
    row("tiny tasks (out[i] = i, 1e7)", rate(w["tiny_items_s"]), rate(b["tiny_items_s"]),
        x(w["tiny_items_s"] / b["tiny_items_s"]), "")
    row("mandelbrot 1024x768/500, 1 thread", ms(w["mandel_1t_ms"]), ms(b["mandel_1t_ms"]),
        x(b["mandel_1t_ms"] / w["mandel_1t_ms"]), "")
    row("mandelbrot 1024x768/500, 2 threads", ms(w["mandel_2t_ms"]), ms(b["mandel_2t_ms"]),
        x(b["mandel_2t_ms"] / w["mandel_2t_ms"]), "")
    row("mandelbrot speedup, 2 vs 1 thread", x(ws), x(bs), x(ws / bs), ">= 1.9x: " mark(ws >= 1.9))
    row("  ceiling: 2 plain pthreads, no pool", x(w["raw_speedup"]), x(b["raw_speedup"]), "", "")
    print ""
    print "ratio: how many times better wasmpool does than the baseline (> 1: wasmpool wins)."
    print "Medians: dispatch of 9 batches of 20000 calls, the rest of 5 runs."
    if (w["raw_speedup"] < 1.8 || b["raw_speedup"] < 1.8)
      print "Warning: the ceiling is below 1.8x: other processes were using the cores, so the " \
            "timings (the speedups most of all) say little."
    if (w["mandel_hash"] != b["mandel_hash"]) {
      print "compare.sh: the two schedulers rendered different Mandelbrot images" > "/dev/stderr"
      exit 1
    }
  }
' "$tmp/wasmpool" "$tmp/baseline"
