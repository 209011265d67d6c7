/*
 * Per-space page state: a sparse four-level radix tree keyed by virtual page number (36 bits
 * for a 48-bit address space, 9 bits a level, like the MMU's own tables). Lookup is four
 * loads; absent subtrees cost nothing, so a space with millions of touched pages costs about
 * 16 bytes a page and one with a few scattered pages costs a few small nodes.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define PT_BITS   9
#define PT_FAN    (1u << PT_BITS)
#define PT_LEVELS 3 /* node levels 2 (root) .. 0; level 0 points at leaves */

typedef struct pt_node {
    void *slot[PT_FAN]; /* pt_node_t below level 0, pt_leaf_t at level 0 */
} pt_node_t;

typedef struct pt_leaf {
    pte_t pte[PT_FAN];
} pt_leaf_t;

static unsigned index_at(uint64_t vpn, int level)
{
    /* level -1 is the leaf index */
    return (unsigned)(vpn >> ((level + 1) * PT_BITS)) & (PT_FAN - 1);
}

/* Number of pages one slot at `level` covers. */
static uint64_t span_at(int level)
{
    return 1ULL << ((level + 1) * PT_BITS);
}

pte_t *pagetab_lookup(const pagetab_t *pt, uint64_t vpn)
{
    void *n = pt->root;
    for (int level = PT_LEVELS - 1; n && level >= 0; level--)
        n = ((pt_node_t *)n)->slot[index_at(vpn, level)];
    return n ? &((pt_leaf_t *)n)->pte[vpn & (PT_FAN - 1)] : NULL;
}

pte_t *pagetab_ensure(pagetab_t *pt, uint64_t vpn)
{
    void **slot = &pt->root;
    for (int level = PT_LEVELS - 1; level >= -1; level--) {
        if (!*slot) {
            size_t size = level >= 0 ? sizeof(pt_node_t) : sizeof(pt_leaf_t);
            void *n = calloc(1, size); /* all-zero = NULL slots / NONE entries */
            if (!n)
                return NULL;
            *slot = n;
        }
        if (level >= 0)
            slot = &((pt_node_t *)*slot)->slot[index_at(vpn, level)];
    }
    return &((pt_leaf_t *)*slot)->pte[vpn & (PT_FAN - 1)];
}

/* Walk subtree n at `level` whose first page is `base`. */
static int walk(void *n, int level, uint64_t base, uint64_t lo, uint64_t hi, pagetab_fn fn,
                void *arg)
{
    if (level < 0) {
        pt_leaf_t *leaf = n;
        uint64_t first = lo > base ? lo - base : 0;
        uint64_t last = hi - base < PT_FAN ? hi - base : PT_FAN;
        for (uint64_t i = first; i < last; i++) {
            if (leaf->pte[i].state == PAGER_PAGE_NONE)
                continue;
            int rc = fn(base + i, &leaf->pte[i], arg);
            if (rc)
                return rc;
        }
        return 0;
    }
    pt_node_t *node = n;
    uint64_t span = span_at(level);
    for (unsigned i = 0; i < PT_FAN; i++) {
        uint64_t b = base + i * span;
        if (b >= hi)
            break;
        if (b + span <= lo || !node->slot[i])
            continue;
        int rc = walk(node->slot[i], level - 1, b, lo, hi, fn, arg);
        if (rc)
            return rc;
    }
    return 0;
}

int pagetab_walk(pagetab_t *pt, uint64_t lo, uint64_t hi, pagetab_fn fn, void *arg)
{
    if (!pt->root || lo >= hi)
        return 0;
    return walk(pt->root, PT_LEVELS - 1, 0, lo, hi, fn, arg);
}

/* Prune subtree *slot; returns true if it is now empty (and freed). Only the slots that meet
 * [lo, hi) are visited; the rest are only checked for being empty, stopping at the first
 * that is not, so pruning a few pages costs a few steps a level, not a scan of every slot. */
static bool prune(void **slot, int level, uint64_t base, uint64_t lo, uint64_t hi)
{
    if (level < 0) {
        pt_leaf_t *leaf = *slot;
        for (unsigned i = 0; i < PT_FAN; i++)
            if (leaf->pte[i].state != PAGER_PAGE_NONE)
                return false;
        free(leaf);
        *slot = NULL;
        return true;
    }
    pt_node_t *node = *slot;
    uint64_t span = span_at(level);
    uint64_t first = lo > base ? (lo - base) / span : 0;
    uint64_t last = (hi - base + span - 1) / span; /* hi > base: the caller checked */
    if (last > PT_FAN)
        last = PT_FAN;
    for (uint64_t i = first; i < last; i++)
        if (node->slot[i])
            prune(&node->slot[i], level - 1, base + i * span, lo, hi);
    for (unsigned i = 0; i < PT_FAN; i++)
        if (node->slot[i])
            return false;
    free(node);
    *slot = NULL;
    return true;
}

void pagetab_prune(pagetab_t *pt, uint64_t lo, uint64_t hi)
{
    if (pt->root && lo < hi)
        prune(&pt->root, PT_LEVELS - 1, 0, lo, hi);
}

static void free_tree(void *n, int level)
{
    if (level >= 0) {
        pt_node_t *node = n;
        for (unsigned i = 0; i < PT_FAN; i++)
            if (node->slot[i])
                free_tree(node->slot[i], level - 1);
    }
    free(n);
}

void pagetab_free(pagetab_t *pt)
{
    if (pt->root)
        free_tree(pt->root, PT_LEVELS - 1);
    pt->root = NULL;
}
