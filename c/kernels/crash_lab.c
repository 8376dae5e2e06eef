/*
 * crash_lab.c — fails one chosen pool thread, on purpose, in the middle of a parallel
 * loop that every pool thread is running: the situation wasmpool exists for. The tests
 * (natively and in the browser) use it to check that each kind of failure is reported,
 * with the thread's last words, and that nothing hangs.
 */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L /* clock_gettime and sched_yield, even under -std=c11 */
#endif
#undef NDEBUG /* CRASH_ASSERT needs a live assert(), whatever the build flags say */
#include <assert.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "kernels.h"

#define ITEMS_PER_THREAD 16
#define JOIN_TIMEOUT_NS 2000000000LL /* how long the others wait for the target to join */

static const char *const mode_names[CRASH_MODES] = {
    "none", "panic", "wp_assert", "abort", "assert", "trap", "oob", "stack_overflow",
    "infinite_loop", "cancellable_loop", "exit"};

enum { WAITING, JOINED, GAVE_UP }; /* lab.state: moves once, from WAITING, by CAS */

struct lab {
  int thread, mode;
  long long deadline_ns;     /* monotonic time after which waiters give up */
  atomic_int state;          /* WAITING until the target takes an item or a waiter gives up */
  atomic_size_t processed;   /* items that ran to the end */
};

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Never equal to a depth reached, but the compiler cannot know that: it keeps the
 * recursion below from being called infinite (a warning) or optimised away. */
static volatile int depth_limit = -1;

/* Each frame hands its address to the next, so no frame can be reused (no tail call).
 * The frame is small on purpose: in wasm it lives on the shadow stack in linear memory. */
static int recurse(volatile char *parent, int depth) {
  volatile char frame[4];
  frame[0] = (char)(parent[0] + 1);
  if (depth == depth_limit) return frame[0];
  return recurse(frame, depth + 1) + frame[0];
}

/* The target thread's failure. Returns only for CRASH_NONE and CRASH_CANCELLABLE_LOOP. */
static void fail(const struct lab *lab, size_t item) {
  wp_log("crash_lab: thread %d about to fail with %s", lab->thread, mode_names[lab->mode]);
  switch (lab->mode) {
  case CRASH_NONE:
    return;
  case CRASH_PANIC:
    wp_panic("crash_lab: thread %d panics on purpose in item %zu", lab->thread, item);
  case CRASH_WP_ASSERT:
    WP_ASSERT(lab->mode != CRASH_WP_ASSERT);
    break;
  case CRASH_ABORT:
    abort();
  case CRASH_ASSERT:
    assert(lab->mode != CRASH_ASSERT);
    break;
  case CRASH_TRAP:
    __builtin_trap();
  case CRASH_OOB: {
    /* Volatile, so the compiler neither sees the address nor drops the load. */
    volatile uintptr_t far = UINTPTR_MAX - 15;
    volatile uint8_t byte = *(volatile const uint8_t *)far;
    (void)byte;
    break;
  }
  case CRASH_STACK_OVERFLOW: {
    volatile char root[1] = {0};
    volatile int sink = recurse(root, 0);
    (void)sink;
    break;
  }
  case CRASH_INFINITE_LOOP:
    for (volatile unsigned spins = 0;; spins++) {
    }
  case CRASH_CANCELLABLE_LOOP:
    while (!wp_cancelled()) sched_yield();
    return;
  case CRASH_EXIT:
    exit(3);
  }
  wp_panic("crash_lab: mode %s did not fail on thread %d", mode_names[lab->mode], lab->thread);
}

/* Spins until the target thread has taken an item, or until the deadline passes. */
static void wait_for_target(struct lab *lab) {
  while (atomic_load_explicit(&lab->state, memory_order_acquire) == WAITING) {
    if (wp_cancelled()) return;
    if (now_ns() > lab->deadline_ns) {
      int expected = WAITING;
      atomic_compare_exchange_strong(&lab->state, &expected, GAVE_UP);
      return;
    }
    sched_yield();
  }
}

static void lab_item(void *ctx, size_t i) {
  struct lab *lab = ctx;
  if ((int)wp_thread_index() == lab->thread) {
    /* Only the target's first item fails, and only if the waiters have not given up. */
    int expected = WAITING;
    if (atomic_compare_exchange_strong(&lab->state, &expected, JOINED)) fail(lab, i);
  } else {
    wait_for_target(lab);
  }
  if (wp_cancelled()) return;
  atomic_fetch_add_explicit(&lab->processed, 1, memory_order_relaxed);
}

WP_EXPORT int crash_lab(int thread, int mode) {
  if (mode < 0 || mode >= CRASH_MODES) return -2;
  size_t threads = wp_threads_count();
  if (thread < 0 || (size_t)thread >= threads) {
    wp_log("crash_lab: thread %d is not a pool thread (the pool has %zu)", thread, threads);
    return -1;
  }
  struct lab lab = {.thread = thread, .mode = mode, .deadline_ns = now_ns() + JOIN_TIMEOUT_NS};
  atomic_init(&lab.state, WAITING);
  atomic_init(&lab.processed, 0);
  wp_parallel_for(lab_item, &lab, threads * ITEMS_PER_THREAD);
  if (atomic_load(&lab.state) == GAVE_UP) {
    wp_log("crash_lab: thread %d did not join the loop within 2 s", thread);
    return -1;
  }
  return (int)atomic_load(&lab.processed);
}
