#!/usr/bin/env bash
# build.sh — the one build of wasmpool. Run it from anywhere; run it again and only what
# changed is rebuilt (a no-change run takes a few seconds).
#
#   1. system packages (emscripten, node-acorn, chromium)   apt-get, as root
#   2. npm dependencies                                     npm ci, when the lockfile changed
#   3. the native C library                                 make -C c
#   4. the C core and kernels to wasm                       emcc -> dist/kernels.{js,wasm,worker.js}
#   5. the TypeScript                                       esbuild -> dist/*.mjs|js, tsc -> dist/types/
#   6. what was built, with sizes
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
mkdir -p dist

# Debian's emcc runs its JS optimiser with the system's node modules (acorn).
export NODE_PATH="/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}"
# Playwright drives the system Chromium: never download a browser.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

# The build stamps: a hash of some words (flags, tool versions) and of the files' names and contents.
stamp_of() { local words=$1; shift; { echo "$words"; sha256sum -- "$@"; } | sha256sum | cut -c1-64; }
# Prints each file under dist/ with its size.
list_outputs() { find dist -type f ! -name '.*' -printf '%s\t%P\n' | sort -k2 | numfmt --field=1 --to=iec-i --suffix=B --format='%8f' | sed 's/^/  /'; }

step "1/6 system packages: emscripten, node-acorn, chromium, make, gcc"
missing=()
command -v emcc >/dev/null || missing+=(emscripten)
[ -f /usr/share/nodejs/acorn/package.json ] || missing+=(node-acorn)
if [ -z "${CHROMIUM_PATH:-}" ]; then command -v chromium >/dev/null || missing+=(chromium); fi
command -v make >/dev/null || missing+=(make)
command -v cc >/dev/null || missing+=(gcc)
if [ ${#missing[@]} -eq 0 ]; then
  echo "all present"
elif [ "$(id -u)" -ne 0 ]; then
  echo "missing: ${missing[*]}. As root, run:" >&2
  echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 1
else
  export DEBIAN_FRONTEND=noninteractive
  # Refresh the package lists only when they do not know a package we need.
  for p in "${missing[@]}"; do
    apt-cache show "$p" >/dev/null 2>&1 || { apt-get update; break; }
  done
  # Stale lists can name versions the mirror no longer has: then refresh and try again.
  apt-get install -y "${missing[@]}" || { apt-get update && apt-get install -y "${missing[@]}"; }
fi

step "2/6 npm dependencies (npm ci when node_modules is missing or older than the lockfile)"
npm_stamp=node_modules/.wasmpool-npm-ci
if [ ! -f "$npm_stamp" ] || [ package-lock.json -nt "$npm_stamp" ] || [ package.json -nt "$npm_stamp" ]; then
  npm ci --no-audit --no-fund
  touch "$npm_stamp"
else
  echo "up to date"
fi

step "3/6 native C library: make -C c"
make -C c --no-print-directory

step "4/6 wasm: C core and kernels -> dist/kernels.js (emcc -pthread)"
shopt -s nullglob globstar
c_sources=(c/src/*.c c/kernels/*.c)
c_inputs=("${c_sources[@]}" c/include/*.h c/src/*.h c/kernels/*.h)
# The runtime's JavaScript half, linked into the module when it exists (worker/ holds it).
js_glue=()
if [ -f worker/library.js ]; then js_glue+=(--js-library worker/library.js); c_inputs+=(worker/library.js); fi
if [ -f worker/pre.js ]; then js_glue+=(--pre-js worker/pre.js); c_inputs+=(worker/pre.js); fi
if [ ${#c_sources[@]} -eq 0 ]; then
  echo "skipped: no C sources yet in c/src or c/kernels"
else
  # Every function marked WP_EXPORT (at the start of a line) in the sources is exported.
  exports=$(perl -0777 -ne 'print "_$1\n" while /^\s*WP_EXPORT\b[^(;{]*?(\w+)\s*\(/mg' "${c_sources[@]}" | sort -u | paste -sd, -)
  # The user's exports (the runtime's own wp_rt_* aside), for the host to offer the page.
  mkdir -p c/build/wasm
  user_exports=$(tr ',' '\n' <<<"$exports" | grep -v '^_wp_rt_' | sed 's/^_\(.*\)/"\1"/' | paste -sd, -)
  echo "Module['wasmpoolExports'] = [${user_exports}];" > c/build/wasm/exports.pre.js.new
  cmp -s c/build/wasm/exports.pre.js.new c/build/wasm/exports.pre.js || mv c/build/wasm/exports.pre.js.new c/build/wasm/exports.pre.js
  rm -f c/build/wasm/exports.pre.js.new
  js_glue+=(--pre-js c/build/wasm/exports.pre.js)
  emcc_flags=(
    -pthread -O2 -Ic/include -Wno-pthreads-mem-growth
    -sMODULARIZE=1 -sEXPORT_NAME=createWasmpoolModule  # the factory the host worker looks for
    -sWASM_BIGINT=1                              # int64_t crosses to JS as BigInt
    -sFILESYSTEM=0                               # stdout/stderr only: library.js sends them to the page
    -Wl,--wrap=exit                              # exit() on a pool thread is a panic (runtime_wasm.c)
    -sENVIRONMENT=web,worker                     # loaded in the host worker; no Node code paths
    -sALLOW_MEMORY_GROWTH=1 -sINITIAL_MEMORY=64MB -sMAXIMUM_MEMORY=2GB
    # Workers are started with the module, so pthread_create never waits on the event loop.
    # createWasmpoolModule({wasmpoolThreads: n}) picks the count; by default one per core.
    "-sPTHREAD_POOL_SIZE=Module['wasmpoolThreads']||navigator.hardwareConcurrency"
    -sPTHREAD_POOL_SIZE_STRICT=2                 # pool exhausted: pthread_create fails (EAGAIN), no deadlock
    -sDYNAMIC_EXECUTION=0                        # invariant 7: no eval, no new Function
    -sSTACK_OVERFLOW_CHECK=2                     # a C stack overflow aborts instead of corrupting the heap
    --profiling-funcs                            # C function names in wasm stack traces
    "-sEXPORTED_FUNCTIONS=${exports:+$exports,}_malloc,_free"
    -sEXPORTED_RUNTIME_METHODS=PThread
    "${js_glue[@]}"
  )
  emcc_version=$(emcc --version) && emcc_version=${emcc_version%%$'\n'*}
  wasm_stamp=$(stamp_of "$emcc_version ${emcc_flags[*]}" "${c_inputs[@]}")
  if [ -f dist/kernels.wasm ] && [ -f dist/kernels.worker.js ] && [ "$(cat dist/.kernels.stamp 2>/dev/null)" = "$wasm_stamp" ]; then
    echo "up to date"
  else
    echo "exports: ${exports:-(none)}"
    rm -f dist/.kernels.stamp
    emcc "${emcc_flags[@]}" "${c_sources[@]}" -o dist/kernels.js
    echo "$wasm_stamp" > dist/.kernels.stamp
  fi
fi

step "5/6 TypeScript: esbuild bundles, tsc .d.ts"
ts_inputs=(ts/**/*.ts ts/**/*.js worker/**/*.ts worker/**/*.js tsconfig.json package-lock.json build.sh)
if [ ! -f ts/index.ts ] && [ ! -f worker/host.ts ]; then
  echo "skipped: neither ts/index.ts nor worker/host.ts exists yet"
else
  ts_stamp=$(stamp_of "" "${ts_inputs[@]}")
  if [ "$(cat dist/.ts.stamp 2>/dev/null)" = "$ts_stamp" ]; then
    echo "up to date"
  else
    rm -f dist/.ts.stamp
    esbuild=node_modules/.bin/esbuild
    # The library: ESM, for `import { ThreadPoolManager } from 'wasmpool'`.
    if [ -f ts/index.ts ]; then
      "$esbuild" ts/index.ts --bundle --format=esm --target=es2022 --sourcemap --outfile=dist/wasmpool.mjs --log-level=warning
    fi
    # The host worker: a classic worker script, since Emscripten's output loads by importScripts.
    if [ -f worker/host.ts ]; then
      "$esbuild" worker/host.ts --bundle --format=iife --target=es2022 --sourcemap --outfile=dist/wasmpool-host.js --log-level=warning
    fi
    rm -rf dist/types && node_modules/.bin/tsc -p tsconfig.json
    echo "$ts_stamp" > dist/.ts.stamp
  fi
fi

step "6/6 outputs in dist/"
list_outputs
