/*
 * runtime_wasm.c — the C half of the host worker: it starts the pool threads and hands
 * them calls from JavaScript. The host never blocks: it submits a call and awaits the
 * call's state word with Atomics.waitAsync; a pool thread runs it and notifies that word.
 */
#ifdef __EMSCRIPTEN__
#include <emscripten/threading.h>
#include <stddef.h>
#include <stdlib.h>

#include "pool.h"
#include "runtime_wasm.h"
#include "wasmpool.h"

_Static_assert(offsetof(struct wp_call, state) == 4, "worker/ reads state at 4");
_Static_assert(offsetof(struct wp_call, cancelled) == 8, "worker/ writes cancelled at 8");
_Static_assert(offsetof(struct wp_call, name) == 12, "worker/ writes name at 12");
_Static_assert(offsetof(struct wp_call, nargs) == 16, "worker/ reads nargs at 16");
_Static_assert(offsetof(struct wp_call, args) == 20, "worker/ reads args at 20");
_Static_assert(offsetof(struct wp_call, returns) == 24, "worker/ reads returns at 24");
_Static_assert(offsetof(struct wp_call, result) == 32, "worker/ reads result at 32");
_Static_assert(sizeof(struct wp_arg) == 16 && offsetof(struct wp_arg, value) == 8, "worker/ lays args out in 16 bytes");

/* Runs the export named by the call on this pool thread (worker/library.js). */
extern void wp_js_invoke(struct wp_call *call);

/* The host may free the call as soon as it sees RETURNED: nothing touches it after. */
static void returned(struct wp_call *call) {
  atomic_store(&call->state, WP_CALL_RETURNED);
  emscripten_futex_wake((volatile void *)&call->state, 1);
}

static void run_call(struct wp_task *task) {
  struct wp_call *call = (struct wp_call *)((char *)task - offsetof(struct wp_call, task));
  atomic_store(&call->state, WP_CALL_RUNNING);
  if (!atomic_load(&call->cancelled)) {
    wp__set_current_call(call);
    wp_js_invoke(call);
    wp__set_current_call(NULL);
  }
  returned(call);
}

/* Starts `threads` pool threads, all of them workers: JS calls run on them. 0 on success. */
WP_EXPORT int wp_rt_start(size_t threads) { return wp__pool_start(threads, 0); }

/* A zeroed call with room for nargs arguments, for the host to fill; NULL if out of memory. */
WP_EXPORT struct wp_call *wp_rt_call_new(int32_t nargs) {
  struct wp_call *call = calloc(1, sizeof *call + (size_t)nargs * sizeof(struct wp_arg));
  if (call) {
    call->nargs = nargs;
    call->args = (struct wp_arg *)(call + 1);
  }
  return call;
}

WP_EXPORT void wp_rt_call_free(struct wp_call *call) { free(call); }

/* Queues the call for the next idle pool thread. */
WP_EXPORT void wp_rt_submit(struct wp_call *call) {
  call->task.run = run_call;
  wp__submit(&call->task);
}

/* Cancels the call: wp_cancelled() becomes true for it, and if no pool thread has started
 * it yet, it never starts and returns at once. Returns 1 in that case. */
WP_EXPORT int wp_rt_cancel(struct wp_call *call) {
  atomic_store(&call->cancelled, 1);
  if (!wp__withdraw(&call->task)) return 0;
  returned(call);
  return 1;
}

/* The id of the call pool thread `index` works for, 0 if none: blames a trap on its call. */
WP_EXPORT int32_t wp_rt_call_id_of_thread(size_t index) {
  struct wp_call *call = wp__call_of_thread(index);
  return call ? call->id : 0;
}

/* exit() on a pool thread would end that thread silently and leave its loop waiting
 * forever. Linked with -Wl,--wrap=exit, it is a panic like any other. */
_Noreturn void __wrap_exit(int status) { (wp_panic)("exit(%d) called", status); }
#endif
