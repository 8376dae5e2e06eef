/*
 * baseline_pool.c — the benchmark's yardstick: the loop API of wasmpool.h on the plainest
 * thread pool there is, one mutex and two condition variables around a FIFO queue of chunk
 * tasks. bench_pool.c links against this file or against libwasmpool.a, so both schedulers
 * run the same kernels under the same measuring code.
 *
 * A loop splits its range into up to threads*4 contiguous chunks, queues them, wakes the
 * workers, then pops and runs chunks itself (any loop's, oldest first) until its own are
 * done, sleeping on `done` when the queue is empty. There is no spinning, no stealing and
 * no per-item atomic: each chunk costs a lock round trip and a queue slot.
 *
 * Nested loops work, since a waiting thread runs whatever is queued, but a thread asleep on
 * `done` is not woken by new chunks, only by a loop finishing. Not part of the library: no
 * cancellation, no flags, no detached tasks.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include "../src/pool.h" /* wp__current_call, for report.c */
#include "wasmpool.h"

#define CHUNKS_PER_THREAD 4
#define QUEUE_CAPACITY 4096 /* a full queue makes the caller run the chunk itself */

struct loop;
/* Runs items [begin, end) of the loop: the loop's shape decides what an item is. */
typedef void (*run_items)(const struct loop *loop, size_t begin, size_t end);

/* A loop, on its caller's stack until its last chunk is done. */
struct loop {
  run_items run;
  void *fn, *ctx; /* the user's task and context */
  size_t arg[2];  /* shape: range_j (2d), range and tile (tiled), b and b_ctx (join) */
  size_t pending; /* queued chunks not finished yet; under bl.lock */
};

struct chunk {
  struct loop *loop;
  size_t begin, end;
};

static struct {
  pthread_mutex_t lock;  /* guards everything below but threads and workers[] */
  pthread_cond_t work;   /* the queue got chunks, or the pool is stopping */
  pthread_cond_t done;   /* some loop's last chunk finished */
  struct chunk queue[QUEUE_CAPACITY];
  size_t head, count;    /* FIFO ring: queue[head] is the oldest of `count` chunks */
  bool stopping;
  _Atomic size_t threads; /* pool size, the caller included; 0 when stopped */
  pthread_t workers[WP_MAX_THREADS]; /* written by wp_start and wp_stop only */
} bl = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .work = PTHREAD_COND_INITIALIZER,
    .done = PTHREAD_COND_INITIALIZER,
};

static _Thread_local size_t thread_index;

size_t wp_threads_count(void) {
  size_t n = atomic_load_explicit(&bl.threads, memory_order_relaxed);
  return n ? n : 1;
}

size_t wp_thread_index(void) { return thread_index; }

/* report.c asks which JS call the thread works for: natively, none. */
struct wp_call *wp__current_call(void) { return NULL; }
void wp__set_current_call(struct wp_call *call) { (void)call; }

/* Pops the oldest chunk and runs it with the lock released. Called and returns with
 * bl.lock held; the queue must not be empty. */
static void run_one_locked(void) {
  struct chunk c = bl.queue[bl.head];
  bl.head = (bl.head + 1) % QUEUE_CAPACITY;
  bl.count--;
  pthread_mutex_unlock(&bl.lock);
  c.loop->run(c.loop, c.begin, c.end);
  pthread_mutex_lock(&bl.lock);
  /* After this the loop's caller may return: c.loop is not touched again. */
  if (--c.loop->pending == 0) pthread_cond_broadcast(&bl.done);
}

/* Runs items [0, range) of `loop` on the caller and the pool; returns when all are done. */
static void run_loop(struct loop *loop, size_t range) {
  size_t threads = wp_threads_count();
  if (threads <= 1 || range <= 1) {
    loop->run(loop, 0, range);
    return;
  }
  size_t chunks = threads * CHUNKS_PER_THREAD < range ? threads * CHUNKS_PER_THREAD : range;
  loop->pending = 0;
  pthread_mutex_lock(&bl.lock);
  for (size_t c = 0; c < chunks; c++) {
    size_t begin = range * c / chunks, end = range * (c + 1) / chunks;
    if (bl.count == QUEUE_CAPACITY) {
      pthread_mutex_unlock(&bl.lock);
      loop->run(loop, begin, end);
      pthread_mutex_lock(&bl.lock);
      continue;
    }
    bl.queue[(bl.head + bl.count++) % QUEUE_CAPACITY] = (struct chunk){loop, begin, end};
    loop->pending++;
  }
  pthread_cond_broadcast(&bl.work);
  while (loop->pending) {
    if (bl.count) run_one_locked();
    else pthread_cond_wait(&bl.done, &bl.lock);
  }
  pthread_mutex_unlock(&bl.lock);
}

static void run_1d(const struct loop *loop, size_t begin, size_t end) {
  for (size_t i = begin; i < end; i++) ((wp_task_1d)loop->fn)(loop->ctx, i);
}

void wp_parallel_for(wp_task_1d task, void *ctx, size_t range) {
  struct loop loop = {.run = run_1d, .fn = (void *)task, .ctx = ctx};
  run_loop(&loop, range);
}

/* Items are tiles; arg[0] = range, arg[1] = tile. */
static void run_tiled(const struct loop *loop, size_t begin, size_t end) {
  size_t range = loop->arg[0], tile = loop->arg[1];
  for (size_t t = begin; t < end; t++) {
    size_t start = t * tile, count = range - start < tile ? range - start : tile;
    ((wp_task_tile_1d)loop->fn)(loop->ctx, start, count);
  }
}

void wp_parallel_for_tiled(wp_task_tile_1d task, void *ctx, size_t range, size_t tile) {
  if (tile == 0) tile = 1;
  struct loop loop = {.run = run_tiled, .fn = (void *)task, .ctx = ctx, .arg = {range, tile}};
  run_loop(&loop, range / tile + (range % tile != 0));
}

/* Items are i * range_j + j; arg[0] = range_j. */
static void run_2d(const struct loop *loop, size_t begin, size_t end) {
  size_t range_j = loop->arg[0];
  for (size_t n = begin; n < end; n++) ((wp_task_2d)loop->fn)(loop->ctx, n / range_j, n % range_j);
}

void wp_parallel_for_2d(wp_task_2d task, void *ctx, size_t range_i, size_t range_j) {
  if (range_i == 0 || range_j == 0) return;
  struct loop loop = {.run = run_2d, .fn = (void *)task, .ctx = ctx, .arg = {range_j}};
  run_loop(&loop, range_i * range_j);
}

/* The one queued item is b; arg[0] = b, arg[1] = b_ctx. */
static void run_b(const struct loop *loop, size_t begin, size_t end) {
  (void)begin, (void)end;
  ((void (*)(void *))loop->arg[0])((void *)loop->arg[1]);
}

void wp_join(void (*a)(void *), void *a_ctx, void (*b)(void *), void *b_ctx) {
  if (wp_threads_count() <= 1) {
    a(a_ctx);
    b(b_ctx);
    return;
  }
  struct loop loop = {.run = run_b, .arg = {(size_t)b, (size_t)b_ctx}};
  pthread_mutex_lock(&bl.lock);
  if (bl.count == QUEUE_CAPACITY) {
    pthread_mutex_unlock(&bl.lock);
    a(a_ctx);
    b(b_ctx);
    return;
  }
  bl.queue[(bl.head + bl.count++) % QUEUE_CAPACITY] = (struct chunk){&loop, 0, 1};
  loop.pending = 1;
  pthread_cond_signal(&bl.work);
  pthread_mutex_unlock(&bl.lock);
  a(a_ctx);
  pthread_mutex_lock(&bl.lock);
  while (loop.pending) {
    if (bl.count) run_one_locked();
    else pthread_cond_wait(&bl.done, &bl.lock);
  }
  pthread_mutex_unlock(&bl.lock);
}

static void *worker_main(void *arg) {
  thread_index = (size_t)(uintptr_t)arg;
  pthread_mutex_lock(&bl.lock);
  for (;;) {
    while (bl.count == 0 && !bl.stopping) pthread_cond_wait(&bl.work, &bl.lock);
    if (bl.count == 0) break; /* stopping, and nothing left to run */
    run_one_locked();
  }
  pthread_mutex_unlock(&bl.lock);
  return NULL;
}

int wp_start(size_t threads) {
  if (threads == 0) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    threads = n > 0 ? (size_t)n : 1;
  }
  if (threads > WP_MAX_THREADS) threads = WP_MAX_THREADS;
  size_t stopped = 0;
  if (!atomic_compare_exchange_strong(&bl.threads, &stopped, threads)) return 1; /* running */
  for (size_t i = 1; i < threads; i++) {
    if (pthread_create(&bl.workers[i], NULL, worker_main, (void *)(uintptr_t)i) != 0) {
      atomic_store(&bl.threads, i); /* wp_stop joins the workers created so far */
      wp_stop();
      return 1;
    }
  }
  return 0;
}

void wp_stop(void) {
  size_t threads = atomic_load(&bl.threads);
  pthread_mutex_lock(&bl.lock);
  bl.stopping = true;
  pthread_cond_broadcast(&bl.work);
  pthread_mutex_unlock(&bl.lock);
  for (size_t i = 1; i < threads; i++) pthread_join(bl.workers[i], NULL);
  pthread_mutex_lock(&bl.lock);
  bl.stopping = false;
  pthread_mutex_unlock(&bl.lock);
  atomic_store(&bl.threads, 0);
}
