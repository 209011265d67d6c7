/*
 * IPC message layout. A message is a tag, up to FL_MSG_REG_WORDS words in registers, more
 * words in the sender's IPC buffer, and up to FL_MSG_MAX_HANDLES handles to transfer.
 *
 * Registers at `svc` for send/call/reply/reply_recv: x0 = endpoint handle (none for reply),
 * x1 = tag, x2..x5 = words 0..3. On return from recv/call/reply_recv: x0 = 0 or error,
 * x1 = tag, x2..x5 = words 0..3, x6 = badge of the sender's endpoint handle (recv side),
 * x7 = the faulting thread's SP for a fault message, 0 for any other (every successful receive),
 * x8 = the faulting thread's id for a fault message, 0 for any other (every successful receive).
 */
#ifndef FAULTLINE_IPC_H
#define FAULTLINE_IPC_H

#include <faultline/types.h>
#include <stdint.h>

#define FL_MSG_REG_WORDS   4
#define FL_MSG_MAX_WORDS   64 /* words beyond 4 travel in the IPC buffer */
#define FL_MSG_MAX_HANDLES 4

/* tag = label (bits 63..16, user-defined) | handles (bits 15..12) | words (bits 6..0). */
#define FL_TAG(label, words, handles)                                                              \
    (((uint64_t)(label) << 16) | ((uint64_t)(handles) << 12) | (uint64_t)(words))
#define FL_TAG_LABEL(tag)   ((tag) >> 16)
#define FL_TAG_HANDLES(tag) (((tag) >> 12) & 0xf)
#define FL_TAG_WORDS(tag)   ((tag)&0x7f)

/* The IPC buffer: one page per thread, registered with FL_SYS_THREAD_SET_IPC_BUFFER. words[i]
 * holds message word i for i >= 4 (words[0..3] are unused: they travel in registers). Handles
 * to send are read from handles[], received handles are written there. */
typedef struct fl_ipc_buffer {
    uint64_t words[FL_MSG_MAX_WORDS];
    fl_handle_t handles[FL_MSG_MAX_HANDLES];
    uint32_t handle_rights[FL_MSG_MAX_HANDLES]; /* rights to pass (reduced from the sender's) */
} fl_ipc_buffer_t;

_Static_assert(sizeof(fl_ipc_buffer_t) == 64 * 8 + 4 * 4 + 4 * 4, "IPC buffer layout is ABI");
_Static_assert(sizeof(fl_ipc_buffer_t) <= FL_PAGE_SIZE, "IPC buffer fits a page");

#endif
