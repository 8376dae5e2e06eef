/*
 * platform_native.c — native delivery: logs and panics go to stderr, a panic aborts, and
 * nothing cancels a call. Each line is written by one fprintf, so lines from different
 * threads never interleave.
 */
#ifndef __EMSCRIPTEN__
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

void wp__platform_thread_run(size_t index, void (*loop)(void)) {
  (void)index;
  loop();
}

int wp__platform_cancelled(struct wp_call *call) {
  (void)call;
  return 0;
}

void wp__platform_progress(struct wp_call *call, size_t done, size_t total) {
  (void)call, (void)done, (void)total;
}
#endif
