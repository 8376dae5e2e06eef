/*
 * platform_stdio.c — delivery through stdio: logs and panics go to stderr, a panic aborts,
 * and nothing cancels a call. Natively that is the whole story; in the browser it is the
 * fallback until the runtime posts them to the page. Each line is written by one fprintf,
 * so lines from different threads never interleave.
 */
#include <stdio.h>
#include <stdlib.h>

#include "platform.h"
#include "wasmpool.h"

void wp__platform_log(const char *line) {
  fprintf(stderr, "[wasmpool %zu] %s\n", wp_thread_index(), line);
}

_Noreturn void wp__platform_panic(const char *message) {
  fprintf(stderr, "[wasmpool] panic on thread %zu: %s\n", wp_thread_index(), message);
  abort();
}

int wp__platform_cancelled(int call) {
  (void)call;
  return 0;
}

void wp__platform_progress(int call, size_t done, size_t total) {
  (void)call, (void)done, (void)total;
}
