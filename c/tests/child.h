/*
 * child.h — runs a test body in a forked child and reports how it ended: for tests of code
 * that must abort or exit (panics, failed assertions, crash_lab), and for tests that would
 * deadlock if they failed (the child's alarm ends them).
 */
#ifndef WASMPOOL_TEST_CHILD_H
#define WASMPOOL_TEST_CHILD_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "deadline.h"

/* How a child ended. */
struct child {
  int signal;    /* the signal that ended it, or 0 */
  int status;    /* its exit status if it exited */
  char err[8192]; /* the start of its stderr */
};

/* Runs fn(arg) in a forked child with its stderr captured, and waits for it to end. The
 * caller must not have started the pool: a fork copies only the calling thread. The child's
 * alarm rings after 2 * DEADLINE_SECONDS, so a wait with a deadline inside the child gives
 * up (and can say what it waited for) before the alarm ends a true deadlock. */
static inline void run_in_child(void (*fn)(void *), void *arg, struct child *out) {
  int fds[2];
  memset(out, 0, sizeof *out);
  if (pipe(fds) != 0) abort();
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid == 0) {
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core); /* dumping cores would only slow the test down */
    dup2(fds[1], 2);
    close(fds[0]);
    close(fds[1]);
    alarm(2 * DEADLINE_SECONDS); /* a hang ends as SIGALRM, not as a hung test */
    fn(arg);
    _exit(0);
  }
  close(fds[1]);
  size_t used = 0;
  char sink[4096];
  for (;;) {
    size_t room = sizeof out->err - 1 - used;
    ssize_t n = room ? read(fds[0], out->err + used, room) : read(fds[0], sink, sizeof sink);
    if (n <= 0) break;
    if (room) used += (size_t)n;
  }
  close(fds[0]);
  int status;
  waitpid(pid, &status, 0);
  out->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  out->status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

#endif /* WASMPOOL_TEST_CHILD_H */
