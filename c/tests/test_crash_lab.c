/*
 * test_crash_lab.c — each way crash_lab can fail a pool thread, natively: a forked child
 * starts a two-thread pool and calls crash_lab(thread, mode); the parent checks how the
 * child ended and what it left on stderr (its last words, and the message and call site
 * where there is one).
 *
 * CRASH_INFINITE_LOOP and CRASH_CANCELLABLE_LOOP are not run here: natively nothing ever
 * cancels a call (wp_cancelled() is always 0), so neither mode can end. The browser tests
 * cover them, with a timeout and an AbortSignal.
 *
 * The parent never starts a pool: fork copies only the calling thread, so a child of a
 * process with a running pool would inherit a pool without its threads.
 */
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kernels/kernels.h"
#include "check.h"
#include "child.h"

struct lab_args {
  int thread, mode;
};

#define POSITIVE INT_MAX        /* `expect` for a positive count */
#define MUST_NOT_RETURN INT_MIN /* `expect` for the modes that fail */

/* The child's whole life: a fresh pool and one crash_lab call. Exits 0 if crash_lab
 * returned what `expect` says, 100+ otherwise. */
static void lab_child(const struct lab_args *a, int expect) {
  if (wp_start(2) != 0) _exit(100);
  int r = crash_lab(a->thread, a->mode);
  if (expect == MUST_NOT_RETURN) _exit(101);
  _exit(expect == POSITIVE ? (r > 0 ? 0 : 102) : (r == expect ? 0 : 103));
}

struct lab_run {
  struct lab_args args;
  int expect;
};

static void lab_body(void *arg) {
  struct lab_run *run = arg;
  lab_child(&run->args, run->expect);
}

static void run_lab(int thread, int mode, int expect, struct child *out) {
  struct lab_run run = {{thread, mode}, expect};
  run_in_child(lab_body, &run, out);
}

static struct child c; /* the last child; static: 8 KiB of stderr */

#define CHECK_SIGNAL(sig1, sig2)                                                          \
  CHECK(c.signal == (sig1) || c.signal == (sig2), "ended with signal %d (%s), status %d; " \
        "stderr: %s", c.signal, c.signal ? strsignal(c.signal) : "none", c.status, c.err)
#define CHECK_STDERR(text) CHECK(strstr(c.err, text), "stderr lacks \"%s\": %s", text, c.err)

/* Runs crash_lab(1, mode) in a child, which must end by one of two signals after its last
 * words. */
static void expect_killed(int mode, const char *name, int sig1, int sig2) {
  run_lab(1, mode, MUST_NOT_RETURN, &c);
  CHECK_SIGNAL(sig1, sig2);
  char last_words[128];
  snprintf(last_words, sizeof last_words, "crash_lab: thread 1 about to fail with %s", name);
  CHECK_STDERR(last_words);
}

static void none_returns_a_count(void) {
  run_lab(1, CRASH_NONE, POSITIVE, &c);
  CHECK(c.signal == 0 && c.status == 0, "signal %d, status %d; stderr: %s", c.signal, c.status,
        c.err);
  CHECK_STDERR("crash_lab: thread 1 about to fail with none");
}

static void thread_outside_the_pool_returns_minus_1(void) {
  run_lab(2, CRASH_PANIC, -1, &c);
  CHECK(c.signal == 0 && c.status == 0, "thread 2: signal %d, status %d", c.signal, c.status);
  run_lab(-1, CRASH_PANIC, -1, &c);
  CHECK(c.signal == 0 && c.status == 0, "thread -1: signal %d, status %d", c.signal, c.status);
}

static void unknown_mode_returns_minus_2(void) {
  run_lab(1, CRASH_MODES, -2, &c);
  CHECK(c.signal == 0 && c.status == 0, "signal %d, status %d", c.signal, c.status);
}

static void panic_aborts_with_message_and_call_site(void) {
  expect_killed(CRASH_PANIC, "panic", SIGABRT, SIGABRT);
  CHECK_STDERR("crash_lab: thread 1 panics on purpose in item");
  CHECK_STDERR("crash_lab.c:");
}

static void panic_on_the_calling_thread_aborts(void) {
  run_lab(0, CRASH_PANIC, MUST_NOT_RETURN, &c);
  CHECK_SIGNAL(SIGABRT, SIGABRT);
  CHECK_STDERR("crash_lab: thread 0 panics on purpose in item");
}

static void wp_assert_aborts_naming_the_condition(void) {
  expect_killed(CRASH_WP_ASSERT, "wp_assert", SIGABRT, SIGABRT);
  CHECK_STDERR("assertion failed: lab->mode != CRASH_WP_ASSERT");
  CHECK_STDERR("crash_lab.c:");
}

static void abort_raises_sigabrt(void) { expect_killed(CRASH_ABORT, "abort", SIGABRT, SIGABRT); }

static void assert_raises_sigabrt(void) {
  expect_killed(CRASH_ASSERT, "assert", SIGABRT, SIGABRT);
  CHECK_STDERR("lab->mode != CRASH_ASSERT"); /* the C library's own message */
  CHECK_STDERR("crash_lab.c:");
}

static void trap_raises_sigill_or_sigtrap(void) {
  expect_killed(CRASH_TRAP, "trap", SIGILL, SIGTRAP);
}

static void oob_load_raises_sigsegv_or_sigbus(void) {
  expect_killed(CRASH_OOB, "oob", SIGSEGV, SIGBUS);
}

static void stack_overflow_raises_sigsegv(void) {
  expect_killed(CRASH_STACK_OVERFLOW, "stack_overflow", SIGSEGV, SIGSEGV);
}

static void exit_ends_with_status_3(void) {
  run_lab(1, CRASH_EXIT, MUST_NOT_RETURN, &c);
  CHECK(c.signal == 0 && c.status == 3, "signal %d, status %d; stderr: %s", c.signal, c.status,
        c.err);
  CHECK_STDERR("crash_lab: thread 1 about to fail with exit");
}

int main(void) {
  RUN(none_returns_a_count);
  RUN(thread_outside_the_pool_returns_minus_1);
  RUN(unknown_mode_returns_minus_2);
  RUN(panic_aborts_with_message_and_call_site);
  RUN(panic_on_the_calling_thread_aborts);
  RUN(wp_assert_aborts_naming_the_condition);
  RUN(abort_raises_sigabrt);
  RUN(assert_raises_sigabrt);
  RUN(trap_raises_sigill_or_sigtrap);
  RUN(oob_load_raises_sigsegv_or_sigbus);
  RUN(stack_overflow_raises_sigsegv);
  RUN(exit_ends_with_status_3);
  return check_summary();
}
