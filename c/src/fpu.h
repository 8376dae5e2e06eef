/*
 * fpu.h — private: pthreadpool's PTHREADPOOL_FLAG_DISABLE_DENORMALS. Denormal inputs and
 * results are flushed to zero on x86 (MXCSR FTZ and DAZ). WebAssembly has no such mode, and
 * other targets keep their default, so there it does nothing.
 */
#ifndef WASMPOOL_FPU_H
#define WASMPOOL_FPU_H

#include <stdint.h>

#if defined(__SSE__) && !defined(__EMSCRIPTEN__)
#include <xmmintrin.h>
typedef uint32_t wp_fpu_state;
static inline wp_fpu_state wp__fpu_flush_denormals(void) {
  wp_fpu_state saved = _mm_getcsr();
  _mm_setcsr(saved | 0x8040u); /* FTZ (bit 15) | DAZ (bit 6) */
  return saved;
}
static inline void wp__fpu_restore(wp_fpu_state saved) { _mm_setcsr(saved); }
#else
typedef int wp_fpu_state;
static inline wp_fpu_state wp__fpu_flush_denormals(void) { return 0; }
static inline void wp__fpu_restore(wp_fpu_state saved) { (void)saved; }
#endif

#endif /* WASMPOOL_FPU_H */
