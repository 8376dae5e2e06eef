/*
 * deadline.h — waits for other threads that give up instead of hanging: a test whose
 * scheduler never runs the awaited work fails at a deadline, and the next test runs.
 *
 *   double give_up = clock_seconds(CLOCK_MONOTONIC) + DEADLINE_SECONDS;
 *   if (!await_at_least(&done, items, give_up)) ... count a timeout ...
 *
 * A child (child.h) that deadlocks anyway, where no deadline can reach, is ended by its
 * alarm, which rings only after twice DEADLINE_SECONDS: a child that merely waited in vain
 * reports its own failure first.
 */
#ifndef WASMPOOL_TEST_DEADLINE_H
#define WASMPOOL_TEST_DEADLINE_H

#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* How long a test waits for another thread before it records a failure and goes on. */
#define DEADLINE_SECONDS 10

/* Seconds on `clock` (CLOCK_MONOTONIC for deadlines, CLOCK_PROCESS_CPUTIME_ID for CPU). */
static inline double clock_seconds(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Yields until other threads raise *n to at least `target` (acquiring what they wrote
 * before); false once CLOCK_MONOTONIC passes `give_up`. */
static inline bool await_at_least(_Atomic size_t *n, size_t target, double give_up) {
  while (atomic_load_explicit(n, memory_order_acquire) < target) {
    if (clock_seconds(CLOCK_MONOTONIC) > give_up) return false;
    sched_yield();
  }
  return true;
}

#endif /* WASMPOOL_TEST_DEADLINE_H */
