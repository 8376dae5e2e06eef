/*
 * pthreadpool_handle.h — private: what the loop adapter (pthreadpool_run.c) needs from a
 * pool handle (pthreadpool.c) beyond pthreadpool.h: the lock that serializes its loops.
 */
#ifndef WASMPOOL_PTHREADPOOL_HANDLE_H
#define WASMPOOL_PTHREADPOOL_HANDLE_H

#include <stdbool.h>

#include "pthreadpool.h"

/* Takes `pool` (not NULL) for one loop; false if the loop must run serially without it.
 * After true, the caller gives the pool back with wp__pthreadpool_give once the loop is
 * done. */
bool wp__pthreadpool_take(pthreadpool_t pool);
void wp__pthreadpool_give(pthreadpool_t pool);

#endif /* WASMPOOL_PTHREADPOOL_HANDLE_H */
