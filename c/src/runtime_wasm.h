/*
 * runtime_wasm.h — private: a call from JavaScript, as the host worker lays it out in wasm
 * memory. worker/library.js and worker/host.ts read and write these fields by offset; the
 * static asserts in runtime_wasm.c keep the three in step.
 */
#ifndef WASMPOOL_RUNTIME_WASM_H
#define WASMPOOL_RUNTIME_WASM_H

#include <stdatomic.h>
#include <stdint.h>

#include "pool.h"

enum wp_arg_kind { WP_ARG_F64 = 0, WP_ARG_I64 = 1 };
enum wp_returns { WP_RETURNS_NUMBER = 0, WP_RETURNS_BIGINT = 1, WP_RETURNS_VOID = 2 };
enum wp_call_state { WP_CALL_QUEUED = 0, WP_CALL_RUNNING = 1, WP_CALL_RETURNED = 2 };

struct wp_arg {
  int32_t kind; /* enum wp_arg_kind */
  int32_t pad;
  union {
    double f64; /* numbers, and pointers to the host's copies of strings and arrays */
    int64_t i64;
  } value;
};

struct wp_call {
  int32_t id;                /*  0: the page's call id; written by the host */
  _Atomic int32_t state;     /*  4: enum wp_call_state; the host awaits RETURNED */
  _Atomic int32_t cancelled; /*  8: set by the host when the caller aborts or times out */
  const char *name;          /* 12: the export, without its leading underscore */
  int32_t nargs;             /* 16 */
  struct wp_arg *args;       /* 20: nargs of them, right after this struct */
  int32_t returns;           /* 24: enum wp_returns */
  int32_t pad;
  union {                    /* 32: written by the pool thread before RETURNED */
    double f64;
    int64_t i64;
  } result;
  struct wp_task task;       /* 40: the pool's, while queued */
};

#endif /* WASMPOOL_RUNTIME_WASM_H */
