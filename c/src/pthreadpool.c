/*
 * pthreadpool.c — pthreadpool's pool handles: creating and destroying them, the core they
 * share (natively, the handles keep it running), their thread caps, and the lock that
 * serializes the calls into one handle. pthreadpool_run.c runs the loops themselves.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

#include "pool.h"
#include "pthreadpool.h"
#include "pthreadpool_handle.h"
#include "wasmpool.h"

/* A pool handle. */
struct pthreadpool {
  /* Held by the loop running on this pool, for the whole loop. A call from outside any loop
   * waits for it; a call from inside a loop's task only tries it (wp__pthreadpool_take). */
  pthread_mutex_t lock;
  _Atomic size_t threads; /* cap on a loop's participants, 1 .. max_threads; read once per
                             loop, written by pthreadpool_set_threads_count */
  size_t max_threads;     /* what the pool got when it was created; written once */
  bool counted;           /* counted in core.handles: this handle keeps the core running */
};

/* Natively, the first handle that finds the core stopped starts it, and the last handle
 * counted on it stops it. A core started by wp_start counts no handle, so none stops it. */
static struct {
  pthread_mutex_t lock; /* guards handles, and starting or stopping the core through it */
  size_t handles;       /* live handles counted on the core this file started */
} core = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* Counts a new handle on the core, starting the core with `threads` threads if it is not
 * running. Returns false, counting nothing, if the core runs on someone else's behalf (or
 * cannot start): the handle then uses whatever threads there are. */
static bool core_acquire(size_t threads) {
#ifdef __EMSCRIPTEN__
  (void)threads; /* the runtime started the core before any C code ran */
  return false;
#else
  pthread_mutex_lock(&core.lock);
  bool counted = core.handles > 0 || wp__pool_start(threads, 1) == 0;
  if (counted) core.handles++;
  pthread_mutex_unlock(&core.lock);
  return counted;
#endif
}

static void core_release(void) {
  pthread_mutex_lock(&core.lock);
  if (--core.handles == 0) wp__pool_stop();
  pthread_mutex_unlock(&core.lock);
}

pthreadpool_t pthreadpool_create(size_t threads_count) {
  struct pthreadpool *pool = malloc(sizeof *pool);
  if (!pool) return NULL;
  size_t threads = threads_count ? threads_count : wp__cpu_count();
  pool->counted = threads > 1 && core_acquire(threads);
  pool->max_threads = wp__min(threads, wp_threads_count());
  atomic_init(&pool->threads, pool->max_threads);
  pthread_mutex_init(&pool->lock, NULL);
  return pool;
}

size_t pthreadpool_get_threads_count(pthreadpool_t threadpool) {
  return threadpool ? atomic_load_explicit(&threadpool->threads, memory_order_relaxed) : 1;
}

size_t pthreadpool_set_threads_count(pthreadpool_t threadpool, size_t num_threads) {
  if (!threadpool) return 1;
  size_t max = threadpool->max_threads, n = num_threads == 0 ? max : wp__min(num_threads, max);
  atomic_store_explicit(&threadpool->threads, n, memory_order_relaxed);
  return n;
}

void pthreadpool_release_all_threads(pthreadpool_t threadpool) { (void)threadpool; }

void pthreadpool_release_executor_threads(pthreadpool_t threadpool) { (void)threadpool; }

void pthreadpool_destroy(pthreadpool_t threadpool) {
  if (!threadpool) return;
  if (threadpool->counted) core_release();
  pthread_mutex_destroy(&threadpool->lock);
  free(threadpool);
}

/* ---- The lock a loop holds on its handle (pthreadpool_handle.h) ---- */

/* Takes the pool's lock for one loop, or returns false if the loop must do without it. A
 * thread outside any loop waits its turn: calls into one pool stay serialized. A thread
 * inside a loop's item must not wait: the holder may be waiting for this very thread (it
 * ran one of the holder's items and, while that item waited for a nested loop, came to
 * help the item that called here). Then the loop runs serially on this thread instead. */
bool wp__pthreadpool_take(pthreadpool_t pool) {
  if (wp__item_depth() == 0) {
    pthread_mutex_lock(&pool->lock);
    return true;
  }
  return pthread_mutex_trylock(&pool->lock) == 0;
}

void wp__pthreadpool_give(pthreadpool_t pool) { pthread_mutex_unlock(&pool->lock); }
