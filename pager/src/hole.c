/*
 * Reading a file page: ops->file_read fills the frame, or answers PAGER_FILE_HOLE for a page
 * a sparse file does not store, and the frame is zero-filled here instead, so a backend never
 * has to describe a sparse image as many small regions. The fault reports PAGER_ACT_FILE_HOLE
 * (observe.c); the page is otherwise an ordinary file page (cached, shared, copied on write).
 */
#include "internal.h"

int file_fill(pager_t *p, uint64_t file, uint64_t off, uint64_t frame)
{
    if (!p->ops->file_read)
        return -1;
    int rc = p->ops->file_read(p->ctx, file, off, frame);
    if (rc == PAGER_FILE_HOLE) {
        if (p->ops->zero_frame(p->ctx, frame) < 0)
            return -1;
        p->hole_seen = true;
        return 0;
    }
    return rc < 0 ? rc : 0;
}
