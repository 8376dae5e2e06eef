// The script-tag demo (cdn.html): wasmpool as a plain global, no bundler and no modules.
// Each step writes its result into the page; data-ok says whether it went as expected.
(function () {
  'use strict';
  var encoder = new TextEncoder();

  function show(id, text, ok) {
    var out = document.getElementById(id);
    out.textContent = text;
    out.className = ok ? 'yes' : 'no';
    out.dataset.ok = String(ok);
  }

  function describe(err) {
    return err.name + ' (' + err.code + '): ' + err.message;
  }

  async function run() {
    var pool = new WasmPool.ThreadPoolManager({ module: '/dist/kernels.js', threads: 2 });
    var input = encoder.encode('123456789');

    try {
      var crc = (await pool.call('crc32', [input])) >>> 0;
      show('cdn-call', '0x' + crc.toString(16), crc === 0xcbf43926);
    } catch (err) {
      show('cdn-call', describe(err), false);
    }

    try {
      await pool.call('crash_lab', [1, 1]);
      show('cdn-panic', 'resolved: no panic?', false);
    } catch (err) {
      var panicked = err instanceof WasmPool.PanicError && err.code === 'PANIC';
      show('cdn-panic', describe(err) + (err.thread === undefined ? '' : ' [thread ' + err.thread + ']'), panicked);
    }

    try {
      var again = (await pool.call('crc32', [input])) >>> 0;
      show('cdn-recovery', '0x' + again.toString(16) + ' (pool restarts: ' + pool.stats.restarts + ')', again === 0xcbf43926);
    } catch (err) {
      show('cdn-recovery', describe(err), false);
    }
    document.body.dataset.done = 'true';
  }

  run();
})();
