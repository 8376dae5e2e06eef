/*
 * platform_wasm.c — browser delivery. Logs, panics and progress leave the pool thread
 * through its own MessagePort straight to the page (worker/library.js), never through the
 * host, so they arrive while the host is busy and before the fault that follows them.
 */
#ifdef __EMSCRIPTEN__
#include <stdatomic.h>

#include "platform.h"
#include "runtime_wasm.h"
#include "wasmpool.h"

/* worker/library.js */
extern void wp_js_thread_start(size_t index);
extern void wp_js_log(const char *line);
extern _Noreturn void wp_js_panic(int32_t call_id, const char *message);
extern void wp_js_progress(int32_t call_id, double done, double total);

void wp__platform_thread_run(size_t index, void (*loop)(void)) {
  wp_js_thread_start(index);
  loop();
}

void wp__platform_log(const char *line) { wp_js_log(line); }

_Noreturn void wp__platform_panic(const char *message) {
  struct wp_call *call = wp__current_call();
  wp_js_panic(call ? call->id : 0, message);
}

int wp__platform_cancelled(struct wp_call *call) {
  return call ? atomic_load_explicit(&call->cancelled, memory_order_relaxed) : 0;
}

void wp__platform_progress(struct wp_call *call, size_t done, size_t total) {
  if (call) wp_js_progress(call->id, (double)done, (double)total);
}
#endif
