/*
 * platform.h — private: where logs, panics, cancellation and progress go. Natively that is
 * stderr and abort (platform_native.c); in the browser, the page (platform_wasm.c).
 */
#ifndef WASMPOOL_PLATFORM_H
#define WASMPOOL_PLATFORM_H

#include <stddef.h>

struct wp_call;

/* Runs pool thread `index`'s whole life, `loop`, under the platform's fault handling. */
void wp__platform_thread_run(size_t index, void (*loop)(void));

/* Delivers one log line from the calling thread. */
void wp__platform_log(const char *line);

/* Reports the calling thread's panic and ends it, and with it the pool's instance. */
_Noreturn void wp__platform_panic(const char *message);

/* Nonzero once `call` was aborted or timed out. */
int wp__platform_cancelled(struct wp_call *call);

/* Progress of `call`. */
void wp__platform_progress(struct wp_call *call, size_t done, size_t total);

#endif /* WASMPOOL_PLATFORM_H */
