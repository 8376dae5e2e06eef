/*
 * pool.c — the scheduler: worker threads, the list of running loops, and wp__run_loop.
 *
 * A running loop is a `job` on its caller's stack, linked into one global list while it
 * may still have unclaimed items. Its items are split into contiguous slices, one per
 * participant slot. A participant claims items from the front of its own slice and then
 * steals from the back of the others' slices (pthreadpool's scheme: a claim first
 * decrements the slice's `left`, so the owner's front and the thieves' back never cross).
 *
 * Idle workers, and callers whose own items are all claimed, look for any job with work
 * and join it. That is what makes nesting safe: a thread that waits for a loop helps run
 * whatever is runnable, and the items it runs sit on top of its stack, so no wait ever
 * depends on a frame below it. Threads never get created per loop.
 *
 * Sleeping: every sleeper (idle worker, or caller waiting for its helpers) waits on the
 * global `epoch` word. Whoever publishes a job, finishes the last item of a job whose caller
 * sleeps, or stops the pool, increments `epoch` and wakes the sleepers if there are any.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <unistd.h>

#include "fpu.h"
#include "platform.h"
#include "pool.h"
#include "wait.h"
#include "wasmpool.h"

#ifdef __EMSCRIPTEN__
#include <emscripten/threading.h>
#endif

/* How long an idle worker, or a waiting caller, polls before it sleeps. Long enough to
 * catch the next loop of a tight sequence (dispatch then costs no wake-up), short enough
 * that an idle pool is asleep within a fraction of a millisecond. */
#define SPIN_ITERATIONS 20000

#define CACHE_LINE 64

/* pool.lock is held for a few dozen instructions at a time, so a waiter does better to spin
 * a little than to sleep at once (glibc's adaptive mutex); elsewhere, a plain mutex. */
#ifdef PTHREAD_ADAPTIVE_MUTEX_INITIALIZER_NP
#define POOL_LOCK_INITIALIZER PTHREAD_ADAPTIVE_MUTEX_INITIALIZER_NP
#else
#define POOL_LOCK_INITIALIZER PTHREAD_MUTEX_INITIALIZER
#endif

/* One participant's contiguous share of a loop's items: [front, back). */
struct slice {
  size_t front;         /* first item; its owner counts up from here on its own */
  _Atomic size_t back;  /* one past the last item; thieves take --back */
  _Atomic size_t left;  /* unclaimed items; every claim decrements it first */
} __attribute__((aligned(CACHE_LINE)));

/* The caller of a job sets this bit in `joiners` before it sleeps, so the last helper
 * to leave knows it must wake it. */
#define CALLER_SLEEPS 0x80000000u

struct job {
  const struct wp_loop *loop; /* read-only for the job's lifetime */
  struct slice *slices;       /* `participants` slices, on the caller's stack */
  size_t participants;
  struct wp_call *call;       /* the JS call this loop runs for; helpers adopt it */
  wp_fpu_mode fpu;            /* denormal mode of its items on every thread (fpu.h) */
  /* Under pool.lock: */
  size_t next_slot;           /* slots handed out so far; slot 0 is the caller's */
  struct job *prev, *next;    /* in pool.first .. pool.last while it may take new helpers */
  /* Helpers inside the job (they incremented it under pool.lock, and decrement it as
   * the last thing they do with the job), plus CALLER_SLEEPS. The job lives until the
   * count drops to zero: the caller waits for that before its frame goes away. */
  _Atomic uint32_t joiners;
};

static struct {
  pthread_mutex_t lock;      /* guards both lists, and every job's next_slot/prev/next */
  struct job *first, *last;  /* jobs that may take helpers, oldest first */
  struct wp_task *first_task, *last_task; /* detached tasks, oldest first */
  /* How many jobs and tasks the lists hold: written under lock, read without it, so an
   * idle thread can see there is nothing to take without contending for the lock. A
   * stale zero is harmless: whoever adds work bumps epoch afterwards, and every idle
   * thread looks again when epoch moves. */
  _Atomic size_t open_jobs, queued_tasks;
  _Atomic uint32_t epoch;    /* bumped on every event a sleeper may wait for */
  _Atomic uint32_t sleepers; /* threads in wp__wait on epoch, or about to be */
  _Atomic size_t threads;    /* pool size, the caller included; 0 when stopped */
  _Atomic bool stopping;
  pthread_t workers[WP_MAX_THREADS];
  size_t first_worker, worker_end; /* indexes of the running workers */
  pthread_mutex_t lifecycle; /* serializes start and stop */
} pool = {
    .lock = POOL_LOCK_INITIALIZER,
    .lifecycle = PTHREAD_MUTEX_INITIALIZER,
};

static _Thread_local size_t thread_index; /* this thread's wp_thread_index() */
static _Thread_local bool is_worker;      /* a pool thread, so thread_index is its own */
static _Thread_local struct wp_call *current_call; /* the JS call this thread works for */
/* current_call of every worker, for fault reports that cannot ask the failed thread. */
static struct wp_call *_Atomic calls_by_thread[WP_MAX_THREADS];
static _Thread_local bool yield_after_job; /* the last job asked workers not to spin */
static _Thread_local size_t item_depth;    /* wp__item_depth() */

size_t wp_threads_count(void) {
  size_t n = atomic_load_explicit(&pool.threads, memory_order_relaxed);
  return n ? n : 1;
}

size_t wp_thread_index(void) { return thread_index; }

size_t wp__item_depth(void) { return item_depth; }

struct wp_call *wp__current_call(void) { return current_call; }

void wp__set_current_call(struct wp_call *call) {
  current_call = call;
  if (is_worker) atomic_store_explicit(&calls_by_thread[thread_index], call, memory_order_relaxed);
}

struct wp_call *wp__call_of_thread(size_t index) {
  return index < WP_MAX_THREADS ? atomic_load_explicit(&calls_by_thread[index], memory_order_relaxed) : NULL;
}

size_t wp__participants(size_t range, size_t max_threads) {
  size_t n = wp_threads_count();
  if (max_threads && max_threads < n) n = max_threads;
  return range < n ? range : n;
}

/* Wakes every sleeper so it re-checks what it waits for. */
static void notify(void) {
  atomic_fetch_add(&pool.epoch, 1);
  if (atomic_load(&pool.sleepers)) wp__wake_all(&pool.epoch);
}

/* Sleeps until epoch moves past `seen`. The sleepers count is raised before the final
 * check of epoch, and notify() bumps epoch before it reads the count (both seq_cst), so
 * either this thread sees the new epoch or the notifier sees a sleeper and wakes it. */
static void sleep_past(uint32_t seen) {
  atomic_fetch_add(&pool.sleepers, 1);
  if (atomic_load(&pool.epoch) == seen) wp__wait(&pool.epoch, seen);
  atomic_fetch_sub(&pool.sleepers, 1);
}

static bool try_claim(_Atomic size_t *left) {
  size_t n = atomic_load_explicit(left, memory_order_relaxed);
  while (n) {
    if (atomic_compare_exchange_weak_explicit(left, &n, n - 1, memory_order_relaxed,
                                              memory_order_relaxed))
      return true;
  }
  return false;
}

/* Runs items as participant `slot` until none is left to claim: its own slice from the
 * front, then the others' from the back, nearest neighbour first. The items run in the
 * job's denormal mode, whatever job this thread was in before it came here to help. */
static void participate(const struct job *job, size_t slot) {
  const struct wp_loop *loop = job->loop;
  wp_fpu_mode outer_fpu = wp__fpu_switch(job->fpu);
  item_depth++;

  /* Only the slot's holder moves its front, so a local counter does (pthreadpool's
   * range_start++): one atomic per item, the claim, instead of two. */
  struct slice *own = &job->slices[slot];
  for (size_t i = own->front; try_claim(&own->left); i++) loop->item(loop, slot, i);
  for (size_t k = 1; k < job->participants; k++) {
    struct slice *victim = &job->slices[(slot + k) % job->participants];
    while (try_claim(&victim->left)) {
      size_t i = atomic_fetch_sub_explicit(&victim->back, 1, memory_order_relaxed) - 1;
      loop->item(loop, slot, i);
    }
  }

  item_depth--;
  wp__fpu_switch(outer_fpu);
}

static bool has_unclaimed(const struct job *job) {
  for (size_t s = 0; s < job->participants; s++)
    if (atomic_load_explicit(&job->slices[s].left, memory_order_relaxed)) return true;
  return false;
}

static void unlink_job(struct job *job) {
  atomic_fetch_sub_explicit(&pool.open_jobs, 1, memory_order_relaxed);
  if (job->prev) job->prev->next = job->next; else pool.first = job->next;
  if (job->next) job->next->prev = job->prev; else pool.last = job->prev;
  job->prev = job->next = NULL;
}

/* Joins the oldest job that has unclaimed items and a free slot, runs what it can, and
 * leaves. Returns false if no job had work. */
static bool help_once(void) {
  if (atomic_load_explicit(&pool.open_jobs, memory_order_relaxed) == 0) return false;
  struct job *job = NULL;
  size_t slot = 0;
  pthread_mutex_lock(&pool.lock);
  for (struct job *j = pool.first; j; j = j->next) {
    if (has_unclaimed(j)) {
      job = j;
      slot = j->next_slot++;
      /* A job whose slots are all handed out can take no more helpers. */
      if (j->next_slot == j->participants) unlink_job(j);
      atomic_fetch_add_explicit(&j->joiners, 1, memory_order_relaxed);
      break;
    }
  }
  pthread_mutex_unlock(&pool.lock);
  if (!job) return false;

  struct wp_call *outer_call = current_call;
  wp__set_current_call(job->call);
  participate(job, slot);
  wp__set_current_call(outer_call);
  yield_after_job = job->loop->flags & WP_LOOP_YIELD_WORKERS;

  /* The last use of `job`: after this decrement its caller may return. The release makes
   * every item this thread ran visible to the caller's acquire in wait_for_helpers. */
  uint32_t before = atomic_fetch_sub_explicit(&job->joiners, 1, memory_order_acq_rel);
  if (before == (CALLER_SLEEPS | 1)) notify();
  return true;
}

/* Returns once every helper has left `job`, helping other jobs meanwhile. Jobs only ever
 * lose unclaimed items, so after one fruitless look, only a new epoch is worth a look. */
static void wait_for_helpers(struct job *job) {
  for (;;) {
    uint32_t seen = atomic_load(&pool.epoch);
    if (atomic_load_explicit(&job->joiners, memory_order_acquire) == 0) return;
    if (help_once()) continue;
    for (int spin = 0; spin < SPIN_ITERATIONS; spin++) {
      if (atomic_load_explicit(&job->joiners, memory_order_acquire) == 0) return;
      if (atomic_load_explicit(&pool.epoch, memory_order_relaxed) != seen) break;
      wp__cpu_relax();
    }
    if (atomic_load(&pool.epoch) != seen) continue;
    /* A seq_cst RMW: if it sees no helper left, it also acquires their items' writes. */
    uint32_t joiners = atomic_fetch_or(&job->joiners, CALLER_SLEEPS);
    if ((joiners & ~CALLER_SLEEPS) == 0) return;
    sleep_past(seen);
    atomic_fetch_and(&job->joiners, ~CALLER_SLEEPS);
  }
}

static void run_serially(const struct wp_loop *loop, wp_fpu_mode fpu) {
  wp_fpu_mode outer_fpu = wp__fpu_switch(fpu);
  item_depth++;
  for (size_t i = 0; i < loop->range; i++) loop->item(loop, 0, i);
  item_depth--;
  wp__fpu_switch(outer_fpu);
}

void wp__run_loop(const struct wp_loop *loop) {
  size_t range = loop->range;
  /* A flagged loop flushes; any other runs as its caller does, on every thread. */
  wp_fpu_mode fpu =
      loop->flags & WP_LOOP_DISABLE_DENORMALS ? WP_FPU_FLUSH_DENORMALS : wp__fpu_mode();
  size_t participants = wp__participants(range, loop->max_threads);
  if (participants <= 1) {
    run_serially(loop, fpu);
    return;
  }

  /* Slice s gets range/participants items, the first range%participants one more. */
  struct slice slices[participants];
  size_t base = range / participants, extra = range % participants, start = 0;
  for (size_t s = 0; s < participants; s++) {
    size_t count = base + (s < extra);
    slices[s].front = start;
    atomic_init(&slices[s].back, start + count);
    atomic_init(&slices[s].left, count);
    start += count;
  }
  struct job job = {
      .loop = loop,
      .slices = slices,
      .participants = participants,
      .call = current_call,
      .fpu = fpu,
      .next_slot = 1,
  };
  atomic_init(&job.joiners, 0);

  pthread_mutex_lock(&pool.lock);
  job.prev = pool.last;
  if (pool.last) pool.last->next = &job; else pool.first = &job;
  pool.last = &job;
  atomic_fetch_add_explicit(&pool.open_jobs, 1, memory_order_relaxed);
  pthread_mutex_unlock(&pool.lock);
  notify();

  participate(&job, 0);

  /* Every item is claimed now; no newcomer could find work, so stop taking any. */
  pthread_mutex_lock(&pool.lock);
  if (job.next_slot < job.participants) unlink_job(&job);
  pthread_mutex_unlock(&pool.lock);
  wait_for_helpers(&job);
}

void wp__submit(struct wp_task *task) {
  task->next = NULL;
  pthread_mutex_lock(&pool.lock);
  if (pool.last_task) pool.last_task->next = task; else pool.first_task = task;
  pool.last_task = task;
  atomic_fetch_add_explicit(&pool.queued_tasks, 1, memory_order_relaxed);
  pthread_mutex_unlock(&pool.lock);
  notify();
}

bool wp__withdraw(struct wp_task *task) {
  bool found = false;
  pthread_mutex_lock(&pool.lock);
  for (struct wp_task **link = &pool.first_task, *prev = NULL; *link; prev = *link, link = &(*link)->next) {
    if (*link == task) {
      *link = task->next;
      if (pool.last_task == task) pool.last_task = prev;
      atomic_fetch_sub_explicit(&pool.queued_tasks, 1, memory_order_relaxed);
      found = true;
      break;
    }
  }
  pthread_mutex_unlock(&pool.lock);
  return found;
}

/* Runs the oldest detached task, if any. Only idle workers run them: a caller waiting for
 * its loop must not take on a whole new call beneath it. */
static bool run_task(void) {
  if (atomic_load_explicit(&pool.queued_tasks, memory_order_relaxed) == 0) return false;
  pthread_mutex_lock(&pool.lock);
  struct wp_task *task = pool.first_task;
  if (task) {
    if (!(pool.first_task = task->next)) pool.last_task = NULL;
    atomic_fetch_sub_explicit(&pool.queued_tasks, 1, memory_order_relaxed);
  }
  pthread_mutex_unlock(&pool.lock);
  if (task) task->run(task);
  return task != NULL;
}

static void worker_loop(void) {
  for (;;) {
    uint32_t seen = atomic_load(&pool.epoch);
    if (atomic_load(&pool.stopping)) break;
    /* Loops under way first: they finish calls that have started. */
    if (help_once() || run_task()) continue;
    /* Poll for the next job before sleeping, unless the last job asked us not to. */
    int spins = yield_after_job ? 0 : SPIN_ITERATIONS;
    while (spins-- && atomic_load_explicit(&pool.epoch, memory_order_relaxed) == seen)
      wp__cpu_relax();
    if (atomic_load(&pool.epoch) == seen) {
      yield_after_job = false;
      sleep_past(seen);
    }
  }
}

static void *worker_main(void *arg) {
  thread_index = (size_t)(uintptr_t)arg;
  is_worker = true;
  wp__platform_thread_run(thread_index, worker_loop);
  return NULL;
}

size_t wp__cpu_count(void) {
#ifdef __EMSCRIPTEN__
  return (size_t)emscripten_num_logical_cores();
#else
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (size_t)n : 1;
#endif
}

static void join_workers(void) {
  atomic_store(&pool.stopping, true);
  notify();
  for (size_t i = pool.first_worker; i < pool.worker_end; i++) pthread_join(pool.workers[i], NULL);
  pool.worker_end = pool.first_worker;
  atomic_store(&pool.threads, 0);
  atomic_store(&pool.stopping, false);
}

int wp__pool_start(size_t threads, size_t first_index) {
  if (threads == 0) threads = wp__cpu_count();
  if (threads > WP_MAX_THREADS) threads = WP_MAX_THREADS;
  pthread_mutex_lock(&pool.lifecycle);
  int status = 0;
  if (atomic_load(&pool.threads)) {
    status = 1; /* already running */
  } else {
    /* Loops see the pool size as soon as the first worker can join them. */
    atomic_store(&pool.threads, threads);
    pool.first_worker = pool.worker_end = first_index;
    for (size_t i = first_index; i < threads && status == 0; i++) {
      status = pthread_create(&pool.workers[i], NULL, worker_main, (void *)(uintptr_t)i);
      if (status == 0) pool.worker_end = i + 1;
    }
    if (status) join_workers();
  }
  pthread_mutex_unlock(&pool.lifecycle);
  return status;
}

void wp__pool_stop(void) {
  pthread_mutex_lock(&pool.lifecycle);
  if (atomic_load(&pool.threads)) join_workers();
  pthread_mutex_unlock(&pool.lifecycle);
}

int wp_start(size_t threads) { return wp__pool_start(threads, 1); }
void wp_stop(void) { wp__pool_stop(); }
