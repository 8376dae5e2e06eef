/*
 * wait.h — private: the platform's way to sleep on a 32-bit word and wake its sleepers.
 * Linux futex natively, Atomics.wait/notify (emscripten_futex_*) in the browser. Nothing
 * else in the core knows which platform it runs on.
 *
 * Waits may return spuriously; callers always re-check their condition in a loop.
 */
#ifndef WASMPOOL_WAIT_H
#define WASMPOOL_WAIT_H

#include <limits.h>
#include <stdatomic.h>
#include <stdint.h>

#ifdef __EMSCRIPTEN__
#include <emscripten/threading.h>
#include <math.h>

/* Sleeps while *word == expected. Pool threads are workers, so this really blocks. */
static inline void wp__wait(_Atomic uint32_t *word, uint32_t expected) {
  emscripten_futex_wait((volatile void *)word, expected, INFINITY);
}
static inline void wp__wake_all(_Atomic uint32_t *word) {
  emscripten_futex_wake((volatile void *)word, INT_MAX);
}
static inline void wp__cpu_relax(void) {}

#else
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

static inline void wp__wait(_Atomic uint32_t *word, uint32_t expected) {
  syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
}
static inline void wp__wake_all(_Atomic uint32_t *word) {
  syscall(SYS_futex, (uint32_t *)word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}
static inline void wp__cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}
#endif

#endif /* WASMPOOL_WAIT_H */
