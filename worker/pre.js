// pre.js — runs inside the Emscripten module factory, on the host and on every pool thread
// (Emscripten imports the module script into each pthread worker). On a pool thread it
// installs `self.wasmpoolThread`, the thread's line to the page: logs, progress, and the
// report of its own death. Linked with --pre-js; library.js calls into it.
(function () {
  if (!Module['ENVIRONMENT_IS_PTHREAD']) {
    // The host reads memory through this: its HEAP views go stale when a pool thread grows
    // memory, but wasmMemory.buffer is always current.
    Module['wasmpoolMemory'] = function () { return wasmMemory; };
    // C on the host thread (rare: the runtime's own start-up) writes straight to its
    // console. A streaming decoder per fd keeps a UTF-8 character split across writes whole.
    var hostDecoders = { 1: new TextDecoder(), 2: new TextDecoder() };
    self.wasmpoolThread = {
      write: function (fd, chunks) {
        fd = fd === 2 ? 2 : 1;
        var text = chunks.map(function (c) { return hostDecoders[fd].decode(c, { stream: true }); }).join('');
        if (text) (fd === 2 ? console.error : console.log)(text.replace(/\n$/, ''));
      },
    };
    return;
  }

  var port = null;       // this thread's MessagePort to the page, from the host
  var early = [];        // what was said before the port arrived
  var index = -1;        // wp_thread_index(), once the pool thread starts
  var faulted = false;   // the page has this thread's death report
  var partial = { 1: '', 2: '' };
  var decoders = { 1: new TextDecoder(), 2: new TextDecoder() };
  var progressCall = 0, progressTime = 0;

  function now() { return performance.timeOrigin + performance.now(); }
  function post(message) {
    if (port) port.postMessage(message);
    else early.push(message);
  }
  function log(level, text) {
    post({ type: 'wasmpool:log', thread: index, level: level, text: text, time: now() });
  }
  function flushPartialLines() {
    [1, 2].forEach(function (fd) {
      if (partial[fd]) log(fd === 2 ? 'error' : 'log', partial[fd]);
      partial[fd] = '';
    });
  }
  function reportDeath(callId, message, stack) {
    if (faulted) return;
    faulted = true;
    flushPartialLines(); // last words first
    post({ type: 'wasmpool:panic', thread: index, callId: callId, message: message, stack: stack });
  }
  function stackOf(ex) {
    return ex && typeof ex.stack === 'string' ? ex.stack : undefined;
  }

  // Emscripten's own complaints on this thread. abort() prints 'Aborted(...)' before it
  // throws, and worker.js prints every exception that kills the thread, then its stack,
  // before rethrowing it: the death report below carries both, so the console would say
  // it all twice. Anything else Emscripten prints reaches the page as an error line.
  Module['printErr'] = function (text) {
    if (!/^Aborted\(/.test(String(text))) log('error', String(text));
  };
  var swallowStack = false;
  self.err = function () {
    var text = Array.prototype.slice.call(arguments).join(' ');
    if (swallowStack) swallowStack = false;
    else if (text.indexOf('worker.js onmessage() captured an uncaught exception') === 0) swallowStack = true;
    else log('error', text);
  };
  // What the page shows for an exception that escaped C: the trap's name, or abort's text.
  function describe(ex) {
    var message = String(ex && ex.message !== undefined ? ex.message : ex);
    // 3.1.6 words it 'Aborted(<what>). Build with -s ASSERTIONS=1 for more info.'
    var aborted = /^Aborted\((.*)\)(\. Build with.*)?$/s.exec(message);
    if (aborted) return aborted[1] ? 'abort: ' + aborted[1] : 'abort()';
    if (ex instanceof RangeError && /call stack/.test(message)) return 'stack overflow (' + message + ')';
    if (ex instanceof WebAssembly.RuntimeError) return 'trap: ' + message;
    return (ex && ex.name ? ex.name + ': ' : '') + message;
  }

  self.wasmpoolThread = {
    start: function (i) {
      index = i;
      early.forEach(function (m) { if (m.thread === -1) m.thread = i; });
    },
    log: log,
    write: function (fd, chunks) {
      fd = fd === 2 ? 2 : 1; // stdout and stderr are all there is
      var level = fd === 2 ? 'error' : 'log';
      chunks.forEach(function (c) { partial[fd] += decoders[fd].decode(c, { stream: true }); });
      var lines = partial[fd].split('\n');
      partial[fd] = lines.pop();
      lines.forEach(function (line) { log(level, line); });
    },
    // Returns the exception that unwinds the panicking thread; the page already knows why.
    panic: function (callId, message) {
      var ex = new Error(message);
      ex.name = 'WasmPoolPanic';
      reportDeath(callId, message, stackOf(ex));
      return ex;
    },
    // At most ~60 updates a second leave the thread for one call; the last always does.
    progress: function (callId, done, total) {
      var t = now();
      if (callId === progressCall && done < total && t - progressTime < 16) return;
      progressCall = callId;
      progressTime = t;
      post({ type: 'wasmpool:progress', callId: callId, done: done, total: total });
    },
  };

  // worker.js has just set self.onmessage (this runs inside its 'load' handler). Wrap it:
  // wasmpool's own messages stop here, and any exception that escapes the thread's C code
  // (a trap, abort, a JS error) is reported to the page before the thread dies.
  var workerOnMessage = self.onmessage;
  self.onmessage = function (e) {
    var d = e.data;
    if (d && d.cmd === 'wasmpool:port') {
      port = d.port;
      early.forEach(function (m) { port.postMessage(m); });
      early = [];
      return;
    }
    try {
      workerOnMessage.call(self, e);
    } catch (ex) {
      reportDeath(callOfThisThread(), describe(ex), stackOf(ex));
      throw ex;
    }
    // A pool thread's loop never returns. If 'run' came back, the thread ended without a
    // trap: pthread_exit or _exit, whose 'unwind' worker.js swallows. That is a death too.
    if (d && d.cmd === 'run' && index >= 0) {
      reportDeath(callOfThisThread(), 'the pool thread exited (pthread_exit or _exit)');
    }
  };
  function callOfThisThread() {
    try { return Module['_wp_rt_call_id_of_thread'](index); } catch (ignored) { return 0; /* memory is suspect */ }
  }
})();
