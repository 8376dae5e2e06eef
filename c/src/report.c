/*
 * report.c — wp_log, wp_panic, wp_cancelled and wp_progress: formatting here, delivery in
 * the platform file (platform_*.c).
 */
#include <stdarg.h>
#include <stdio.h>

#include "platform.h"
#include "pool.h"
#include "wasmpool.h"

/* Longer lines are cut: a log line is a message, not a data channel. */
#define LINE_MAX_BYTES 1024

void wp_log(const char *fmt, ...) {
  char line[LINE_MAX_BYTES];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  wp__platform_log(line);
}

static _Noreturn void panic_with(const char *file, int line, const char *fmt, va_list ap) {
  char message[LINE_MAX_BYTES];
  int n = vsnprintf(message, sizeof message, fmt, ap);
  if (file && n >= 0 && (size_t)n < sizeof message)
    snprintf(message + n, sizeof message - (size_t)n, " (at %s:%d)", file, line);
  wp__platform_panic(message);
}

#undef wp_panic
void wp_panic(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  panic_with(NULL, 0, fmt, ap);
}

void wp_panic_at(const char *file, int line, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  panic_with(file, line, fmt, ap);
}

int wp_cancelled(void) { return wp__platform_cancelled(wp__current_call()); }

void wp_progress(size_t done, size_t total) {
  wp__platform_progress(wp__current_call(), done, total);
}
