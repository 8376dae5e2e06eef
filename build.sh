#!/usr/bin/env bash
# build.sh — the one build of wasmpool. Run it from anywhere; run it again and only what
# changed is rebuilt (a no-change run takes a few seconds).
#
#   1. system packages (emscripten, node-acorn, chromium)   apt-get, as root
#   2. npm dependencies                                     npm ci, when the lockfile changed
#   3. the native C library                                 make -C c
#   4. the C core and kernels to wasm                       wasmpool-cc -> dist/kernels.{js,wasm,worker.js,d.ts}
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

step "4/6 wasm: wasmpool-cc c/kernels/*.c -> dist/kernels.{js,wasm,worker.js,d.ts}"
shopt -s nullglob globstar
# The project's kernels are built by the CLI users run (npx wasmpool-cc), so its Emscripten
# flags (ts/cli/flags.ts, emccFlags) are the only ones. Bundled first: it is tiny.
node_modules/.bin/esbuild ts/cli/wasmpool-cc.ts --bundle --platform=node --format=esm --target=node20 \
  --outfile=dist/wasmpool-cc.mjs --log-level=warning
chmod +x dist/wasmpool-cc.mjs
kernels=(c/kernels/*.c)
if [ ${#kernels[@]} -eq 0 ]; then
  echo "skipped: no C sources yet in c/kernels"
else
  c_inputs=(c/src/*.c c/src/*.h c/include/*.h "${kernels[@]}" c/kernels/*.h worker/pre.js worker/library.js dist/wasmpool-cc.mjs)
  emcc_version=$(emcc --version) && emcc_version=${emcc_version%%$'\n'*}
  wasm_stamp=$(stamp_of "$emcc_version" "${c_inputs[@]}")
  if [ -f dist/kernels.wasm ] && [ -f dist/kernels.worker.js ] && [ -f dist/kernels.d.ts ] && [ "$(cat dist/.kernels.stamp 2>/dev/null)" = "$wasm_stamp" ]; then
    echo "up to date"
  else
    rm -f dist/.kernels.stamp
    node dist/wasmpool-cc.mjs "${kernels[@]}" -O2 -o dist/kernels.js
    echo "$wasm_stamp" > dist/.kernels.stamp
  fi
fi

step "5/6 TypeScript: esbuild bundles, tsc .d.ts"
ts_inputs=(ts/**/*.ts ts/**/*.js worker/**/*.ts worker/**/*.js tsconfig.json ts/cli/tsconfig.json package-lock.json build.sh)
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
    # The script-tag build: an IIFE defining window.WasmPool. --keep-names, since error classes
    # name themselves (err.name) after their class. It has no import.meta (hence the silenced
    # warning): ts/global.ts finds the host beside itself through document.currentScript.
    if [ -f ts/global.ts ]; then
      "$esbuild" ts/global.ts --bundle --format=iife --global-name=WasmPool --target=es2022 --minify --keep-names \
        --sourcemap --outfile=dist/wasmpool.global.js --log-level=warning --log-override:empty-import-meta=silent
    fi
    # The host worker: a classic worker script, since Emscripten's output loads by importScripts.
    if [ -f worker/host.ts ]; then
      host() { "$esbuild" worker/host.ts --bundle --format=iife --target=es2022 --minify-syntax --sourcemap --log-level=warning "$@"; }
      host --define:WASMPOOL_DEBUG=false --outfile=dist/wasmpool-host.js
      # For the tests only (not in the npm package): a host that can be told to wedge itself.
      host --define:WASMPOOL_DEBUG=true --outfile=dist/wasmpool-host.debug.js
    fi
    rm -rf dist/types && node_modules/.bin/tsc -p tsconfig.json
    node_modules/.bin/tsc -p ts/cli   # the wasmpool-cc CLI: Node types, no output (esbuild bundled it in step 4)
    echo "$ts_stamp" > dist/.ts.stamp
  fi
fi
# The demo page (demo/*.ts): type-checked against dist/types, bundled to demo/build/app.js. It
# imports the library by its URL, /dist/wasmpool.mjs, kept external: the page runs dist/.
if [ -f demo/app.ts ] && [ -f dist/.ts.stamp ] && [ -f dist/kernels.d.ts ]; then
  demo_stamp=$(stamp_of "" demo/*.ts demo/sections/*.ts demo/tsconfig.json dist/.ts.stamp dist/kernels.d.ts build.sh)
  if [ "$(cat demo/build/.stamp 2>/dev/null)" = "$demo_stamp" ]; then
    echo "demo: up to date"
  else
    rm -f demo/build/.stamp
    node_modules/.bin/tsc -p demo/tsconfig.json
    node_modules/.bin/esbuild demo/app.ts --bundle --format=esm --target=es2022 --sourcemap \
      --external:/dist/wasmpool.mjs --outfile=demo/build/app.js --log-level=warning
    echo "$demo_stamp" > demo/build/.stamp
    echo "demo: demo/build/app.js, $(wc -c < demo/build/app.js) bytes"
  fi
fi

step "6/6 outputs in dist/"
list_outputs
