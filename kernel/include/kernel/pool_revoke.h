/* Pool revocation (kernel/pool_revoke.c): ending everything charged to a pool and below. */
#ifndef KERNEL_POOL_REVOKE_H
#define KERNEL_POOL_REVOKE_H

#include <kernel/pool.h>
#include <stdbool.h>

struct space;

/* The space list revocation walks: space_create adds, space_destroy_obj removes. */
void pool_revoke_space_added(struct space *s);
void pool_revoke_space_removed(struct space *s);
/* Whether q is p or a pool below it. */
bool pool_is_under(const pool_t *q, const pool_t *p);
/* Ends every process charged to p or a pool below it and cuts every reference other processes
 * hold to objects charged there. FL_EBUSY (nothing done) when the caller's own space is charged
 * there. Otherwise the frames p still has charged: 0 unless another space still maps a frame
 * a revoked process lent it, or a pager in another pool has not yet received the
 * FL_LABEL_SPACE_ENDED event of a revoked process. Allocates nothing. */
long pool_revoke(pool_t *p);

#endif
