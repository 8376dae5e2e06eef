// library.js — wasmpool's JavaScript half of the C runtime, linked into every module with
// --js-library. These functions run on the pool thread that calls them; they reach the
// page through the thread's own MessagePort (installed by pre.js), never through the host.
// Field offsets of struct wp_call / wp_arg: c/src/runtime_wasm.h.

mergeInto(LibraryManager.library, {
  $wasmpool: {
    heap: function (Type) { return new Type(wasmMemory.buffer); },
    // TextDecoder refuses views of a SharedArrayBuffer: copy the bytes out first.
    text: function (ptr) {
      var bytes = new Uint8Array(wasmMemory.buffer, ptr);
      var end = bytes.indexOf(0);
      return new TextDecoder().decode(bytes.slice(0, end < 0 ? bytes.length : end));
    },
    // The host writes each export's name into memory once and reuses it (worker/host.ts
    // nameOf), so a name is decoded once per thread, not once per call.
    names: {},
    exportName: function (ptr) {
      return wasmpool.names[ptr] || (wasmpool.names[ptr] = wasmpool.text(ptr));
    },
  },

  wp_js_thread_start__deps: ['$wasmpool'],
  wp_js_thread_start: function (index) {
    self.wasmpoolThread.start(index);
  },

  wp_js_log__deps: ['$wasmpool'],
  wp_js_log: function (line) {
    self.wasmpoolThread.log('log', wasmpool.text(line));
  },

  wp_js_panic__deps: ['$wasmpool'],
  wp_js_panic: function (callId, message) {
    throw self.wasmpoolThread.panic(callId, wasmpool.text(message));
  },

  wp_js_progress: function (callId, done, total) {
    self.wasmpoolThread.progress(callId, done, total);
  },

  // Calls Module['_' + name] with the call's arguments and stores what it returns.
  wp_js_invoke__deps: ['$wasmpool'],
  wp_js_invoke: function (call) {
    var i32 = wasmpool.heap(Int32Array), f64 = wasmpool.heap(Float64Array), i64 = wasmpool.heap(BigInt64Array);
    var name = wasmpool.exportName(i32[(call + 12) >> 2]);
    var nargs = i32[(call + 16) >> 2], argp = i32[(call + 20) >> 2], returns = i32[(call + 24) >> 2];
    var args = [];
    for (var i = 0; i < nargs; i++) {
      var a = argp + 16 * i;
      args.push(i32[a >> 2] === 1 ? i64[(a + 8) >> 3] : f64[(a + 8) >> 3]);
    }
    var result = Module['_' + name].apply(null, args);
    // The page checks `returns` against the signature; this only keeps a mismatch (a
    // module without a signature table) from throwing here, on the pool thread.
    if (returns === 1) i64[(call + 32) >> 3] = typeof result === 'bigint' ? result : BigInt(Math.trunc(Number(result) || 0));
    else if (returns === 0) f64[(call + 32) >> 3] = Number(result);
  },

  // printf and fprintf(stderr) on a pool thread go to the page through the thread's port
  // (on the host, to its console), a line at a time. Emscripten would proxy them to the
  // host's event loop, which invariant 5 forbids.
  fd_write__deps: ['$wasmpool'],
  fd_write__proxy: false,
  fd_write__sig: 'iiiii',
  fd_write: function (fd, iov, iovcnt, pnum) {
    var u32 = wasmpool.heap(Uint32Array), u8 = wasmpool.heap(Uint8Array);
    var written = 0, chunks = [];
    for (var i = 0; i < iovcnt; i++) {
      var ptr = u32[(iov + 8 * i) >> 2], len = u32[(iov + 8 * i + 4) >> 2];
      chunks.push(u8.slice(ptr, ptr + len));
      written += len;
    }
    self.wasmpoolThread.write(fd, chunks);
    u32[pnum >> 2] = written;
    return 0;
  },
});
