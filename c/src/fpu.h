/*
 * fpu.h — private: the denormal mode of the calling thread, for pthreadpool's
 * PTHREADPOOL_FLAG_DISABLE_DENORMALS. On x86 the mode is MXCSR's FTZ and DAZ bits: denormal
 * inputs and results flush to zero. WebAssembly has no such mode, and other targets keep
 * their default, so there the mode is always 0 and switching it does nothing.
 *
 * Every job runs its items in its own mode (pool.c), so a thread that helps another job
 * from inside a flagged item does not carry the flag over to it.
 */
#ifndef WASMPOOL_FPU_H
#define WASMPOOL_FPU_H

#include <stdint.h>

typedef uint32_t wp_fpu_mode;

#if defined(__SSE__) && !defined(__EMSCRIPTEN__)
#include <xmmintrin.h>
#define WP_FPU_FLUSH_DENORMALS 0x8040u /* FTZ (bit 15) | DAZ (bit 6) */

static inline wp_fpu_mode wp__fpu_mode(void) { return _mm_getcsr() & WP_FPU_FLUSH_DENORMALS; }

/* Puts the calling thread in `mode` and returns the mode it was in. Only the denormal bits
 * change, and MXCSR is written only if they do (the common case, an unflagged job on a
 * thread that never flushes, costs one read). */
static inline wp_fpu_mode wp__fpu_switch(wp_fpu_mode mode) {
  uint32_t csr = _mm_getcsr();
  wp_fpu_mode was = csr & WP_FPU_FLUSH_DENORMALS;
  if (was != mode) _mm_setcsr((csr & ~WP_FPU_FLUSH_DENORMALS) | mode);
  return was;
}
#else
#define WP_FPU_FLUSH_DENORMALS 0u
static inline wp_fpu_mode wp__fpu_mode(void) { return 0; }
static inline wp_fpu_mode wp__fpu_switch(wp_fpu_mode mode) { return mode; }
#endif

#endif /* WASMPOOL_FPU_H */
