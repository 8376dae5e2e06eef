/*
 * check.h — the native tests' harness: one property per test function, TAP-style output.
 *
 *   static void each_item_processed_once(void) { ... CHECK(n == 1, "item %zu ran %d times", i, n); }
 *   int main(void) { RUN(each_item_processed_once); return check_summary(); }
 *
 * Each RUN prints "ok - name" or "not ok - name: first failure". The test runner counts
 * those lines, so every test binary reports its own passes and failures.
 */
#ifndef WASMPOOL_CHECK_H
#define WASMPOOL_CHECK_H

#include <stdarg.h>
#include <stdio.h>

static int check_failed_now;   /* failures in the running test */
static int check_passed_total, check_failed_total;
static char check_first_failure[512];

__attribute__((format(printf, 3, 4))) static void check_fail(const char *file, int line,
                                                             const char *fmt, ...) {
  if (check_failed_now++ == 0) {
    int n = snprintf(check_first_failure, sizeof check_first_failure, "%s:%d: ", file, line);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(check_first_failure + n, sizeof check_first_failure - (size_t)n, fmt, ap);
    va_end(ap);
  }
}

/* Records a failure (the test goes on, so one run shows the whole picture). */
#define CHECK(cond, ...) ((cond) ? (void)0 : check_fail(__FILE__, __LINE__, __VA_ARGS__))

#define RUN(test) check_run(#test, test)
static void check_run(const char *name, void (*test)(void)) {
  check_failed_now = 0;
  test();
  if (check_failed_now) {
    check_failed_total++;
    printf("not ok - %s: %s\n", name, check_first_failure);
  } else {
    check_passed_total++;
    printf("ok - %s\n", name);
  }
  fflush(stdout);
}

/* Prints the totals; returns main's exit status. */
static int check_summary(void) {
  printf("# %d passed, %d failed\n", check_passed_total, check_failed_total);
  return check_failed_total ? 1 : 0;
}

#endif /* WASMPOOL_CHECK_H */
