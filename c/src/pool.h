/*
 * pool.h — private: the one scheduling primitive that every public loop is built on.
 *
 * A loop is `range` independent items. wp__run_loop splits them into contiguous slices, one
 * per participating thread; the caller is participant 0. Each participant takes items from
 * the front of its own slice and, once it is empty, steals from the back of the others'
 * (pthreadpool's scheme). wp__run_loop returns when every item has run.
 */
#ifndef WASMPOOL_POOL_H
#define WASMPOOL_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Flags, numerically equal to pthreadpool's so its flags pass straight through. */
#define WP_LOOP_DISABLE_DENORMALS 0x1u /* flush denormals to zero on every participant; an
                                          unflagged loop runs in the mode of its caller */
#define WP_LOOP_YIELD_WORKERS 0x2u     /* workers sleep at once afterwards, without spinning */

struct wp_loop;
/* Runs item `index` of the loop. `slot` is unique among the loop's participants and
 * < the loop's participant count: pthreadpool's "thread index". */
typedef void (*wp_loop_item)(const struct wp_loop *loop, size_t slot, size_t index);

/* What the core needs to know of a loop. An adapter embeds it first in a struct of its own
 * that carries the user's task and the loop's shape; `item` casts `loop` back to that
 * struct (loops.c, pthreadpool_run.c). */
struct wp_loop {
  wp_loop_item item;
  size_t range;       /* items in the loop */
  size_t max_threads; /* cap on participants; 0 = the whole pool */
  uint32_t flags;     /* WP_LOOP_* */
};

/* Runs every item of `loop` once, in parallel, on the caller and the pool. The caller's
 * `loop` must stay valid until this returns; it is never written. */
void wp__run_loop(const struct wp_loop *loop);

/* How many loop items the calling thread is inside right now, on its own stack: items it
 * runs for its own loops, for loops it helps while it waits, and items of loops nested in
 * those. 0 outside any loop. While it is > 0 some loop's caller may be waiting for this
 * thread, so the thread must not block on anything that caller could be holding. */
size_t wp__item_depth(void);

static inline size_t wp__min(size_t a, size_t b) { return a < b ? a : b; }

/* Tiles of `tile` items that cover `range`, rounding up (a tile of 0 or 1: range). Never
 * wraps, unlike (range + tile - 1) / tile near SIZE_MAX. */
static inline size_t wp__tiles(size_t range, size_t tile) {
  return tile <= 1 ? range : range / tile + (range % tile != 0);
}

/* *product = a * b, or false if it does not fit. size_t is 32 bits on wasm32: a count of
 * items that wraps would silently skip work, so callers panic instead. */
static inline bool wp__checked_mul(size_t a, size_t b, size_t *product) {
  return !__builtin_mul_overflow(a, b, product);
}

/* The participant count wp__run_loop would use for a loop capped at max_threads. */
size_t wp__participants(size_t range, size_t max_threads);

/* Logical CPUs of this machine (the browser's hardwareConcurrency), at least 1. */
size_t wp__cpu_count(void);

/* Pool lifecycle. Workers get thread indexes first_index .. threads-1. Natively the
 * caller of wp_start is thread 0 (first_index 1); in the browser every pool thread is a
 * worker (first_index 0). Returns 0 on success. */
int wp__pool_start(size_t threads, size_t first_index);
void wp__pool_stop(void);

/* The JS call the calling thread works for (NULL natively, and between calls). Loops hand
 * it to their helpers, so wp_cancelled and wp_progress know which call an item belongs to
 * on any thread. The runtime defines struct wp_call; the pool only carries the pointer. */
struct wp_call;
struct wp_call *wp__current_call(void);
void wp__set_current_call(struct wp_call *call);
/* What pool thread `index` is working for right now: how a fault on a thread that can no
 * longer run code is blamed on the right call. */
struct wp_call *wp__call_of_thread(size_t index);

/* Work with no caller waiting for it: a call from JS. Idle workers run tasks in the order
 * submitted, after helping with loops already under way. `task` stays owned by the
 * submitter and must live until `run` is called; `run` may free it. */
struct wp_task {
  void (*run)(struct wp_task *task);
  struct wp_task *next; /* the pool's, while queued */
};
void wp__submit(struct wp_task *task);
/* Takes a task back out of the queue if no thread has started it; true if it did. */
bool wp__withdraw(struct wp_task *task);

#endif /* WASMPOOL_POOL_H */
