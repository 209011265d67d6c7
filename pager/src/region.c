/*
 * The region map of a space: an AVL tree of non-overlapping regions keyed by start address.
 * Each node also keeps, for its subtree, the lowest start, the highest end and the largest gap
 * between two consecutive regions, so that lookup, insert, remove and "find the lowest free
 * range of n bytes" are all O(log n) for spaces with thousands of regions.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int height(const region_t *n)
{
    return n ? n->height : 0;
}

static uint64_t max3(uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t m = a > b ? a : b;
    return m > c ? m : c;
}

/* Recompute a node's height and augmentation from its children. */
static void fix(region_t *n)
{
    int hl = height(n->left), hr = height(n->right);
    n->height = 1 + (hl > hr ? hl : hr);
    n->min_start = n->left ? n->left->min_start : n->start;
    n->max_end = n->right ? n->right->max_end : n->end;
    uint64_t gl = n->left ? n->start - n->left->max_end : 0;
    uint64_t gr = n->right ? n->right->min_start - n->end : 0;
    n->max_gap =
        max3(n->left ? n->left->max_gap : 0, n->right ? n->right->max_gap : 0, gl > gr ? gl : gr);
}

static region_t *rotate_right(region_t *n)
{
    region_t *l = n->left;
    n->left = l->right;
    l->right = n;
    fix(n);
    fix(l);
    return l;
}

static region_t *rotate_left(region_t *n)
{
    region_t *r = n->right;
    n->right = r->left;
    r->left = n;
    fix(n);
    fix(r);
    return r;
}

static region_t *balance(region_t *n)
{
    fix(n);
    int bf = height(n->left) - height(n->right);
    if (bf > 1) {
        if (height(n->left->left) < height(n->left->right))
            n->left = rotate_left(n->left);
        return rotate_right(n);
    }
    if (bf < -1) {
        if (height(n->right->right) < height(n->right->left))
            n->right = rotate_right(n->right);
        return rotate_left(n);
    }
    return n;
}

static region_t *insert(region_t *n, region_t *r)
{
    if (!n)
        return r;
    if (r->start < n->start)
        n->left = insert(n->left, r);
    else
        n->right = insert(n->right, r);
    return balance(n);
}

void region_insert(region_tree_t *t, region_t *r)
{
    r->left = r->right = NULL;
    fix(r);
    t->root = insert(t->root, r);
    t->count++;
}

/* Detach the minimum of subtree n into *min; returns the new subtree. */
static region_t *remove_min(region_t *n, region_t **min)
{
    if (!n->left) {
        *min = n;
        return n->right;
    }
    n->left = remove_min(n->left, min);
    return balance(n);
}

static region_t *remove_node(region_t *n, const region_t *r)
{
    if (n == r) {
        if (!n->left)
            return n->right;
        if (!n->right)
            return n->left;
        region_t *succ;
        region_t *right = remove_min(n->right, &succ);
        succ->left = n->left;
        succ->right = right;
        return balance(succ);
    }
    if (r->start < n->start)
        n->left = remove_node(n->left, r);
    else
        n->right = remove_node(n->right, r);
    return balance(n);
}

void region_remove(region_tree_t *t, region_t *r)
{
    t->hint = NULL; /* r may be freed, or change its bounds before it goes back in */
    t->root = remove_node(t->root, r);
    t->count--;
}

/* The region with the greatest start <= addr (it may end at or below addr). */
static region_t *floor_of(const region_tree_t *t, uint64_t addr)
{
    region_t *best = NULL;
    for (region_t *n = t->root; n;) {
        if (n->start <= addr) {
            best = n;
            n = n->right;
        } else {
            n = n->left;
        }
    }
    return best;
}

/* The region with the least start > addr. */
static region_t *above(const region_tree_t *t, uint64_t addr)
{
    region_t *best = NULL;
    for (region_t *n = t->root; n;) {
        if (n->start > addr) {
            best = n;
            n = n->left;
        } else {
            n = n->right;
        }
    }
    return best;
}

region_t *region_find(const region_tree_t *t, uint64_t addr)
{
    region_t *r = t->hint;
    if (r && addr >= r->start && addr < r->end)
        return r;
    r = floor_of(t, addr);
    if (!r || addr >= r->end)
        return NULL;
    ((region_tree_t *)t)->hint = r; /* a cache: the tree itself does not change */
    return r;
}

region_t *region_first_after(const region_tree_t *t, uint64_t addr)
{
    region_t *r = region_find(t, addr);
    return r ? r : above(t, addr);
}

region_t *region_next(const region_tree_t *t, const region_t *r)
{
    return above(t, r->start);
}

region_t *region_prev(const region_tree_t *t, const region_t *r)
{
    return r->start ? floor_of(t, r->start - 1) : NULL;
}

bool region_overlaps(const region_tree_t *t, uint64_t lo, uint64_t hi)
{
    region_t *r = region_first_after(t, lo);
    return r && r->start < hi;
}

/* Lowest gap of at least len strictly between two regions of subtree n. */
static bool gap_in(const region_t *n, uint64_t len, uint64_t *addr)
{
    while (n && n->max_gap >= len) {
        if (n->left && n->left->max_gap >= len) {
            n = n->left;
            continue;
        }
        if (n->left && n->start - n->left->max_end >= len) {
            *addr = n->left->max_end;
            return true;
        }
        if (n->right && n->right->min_start - n->end >= len) {
            *addr = n->end;
            return true;
        }
        n = n->right;
    }
    return false;
}

bool region_find_gap(const region_tree_t *t, uint64_t lo, uint64_t hi, uint64_t len,
                     uint64_t *addr_out)
{
    /* Every region lies inside [lo, hi), so the candidates are: before the first region,
     * between two regions, after the last. */
    if (len == 0 || len > hi - lo)
        return false;
    const region_t *root = t->root;
    if (!root) {
        *addr_out = lo;
        return true;
    }
    if (root->min_start - lo >= len) {
        *addr_out = lo;
        return true;
    }
    if (gap_in(root, len, addr_out))
        return true;
    if (hi - root->max_end >= len) {
        *addr_out = root->max_end;
        return true;
    }
    return false;
}

static region_t *clone(const region_t *n, bool *ok)
{
    if (!n || !*ok)
        return NULL;
    region_t *c = malloc(sizeof(*c));
    if (!c) {
        *ok = false;
        return NULL;
    }
    *c = *n;
    c->left = clone(n->left, ok);
    c->right = clone(n->right, ok);
    return c;
}

static void free_all(region_t *n)
{
    if (!n)
        return;
    free_all(n->left);
    free_all(n->right);
    free(n);
}

bool region_clone(region_tree_t *dst, const region_tree_t *src)
{
    bool ok = true;
    dst->hint = NULL;
    dst->root = clone(src->root, &ok);
    dst->count = src->count;
    if (!ok) {
        free_all(dst->root);
        dst->root = NULL;
        dst->count = 0;
    }
    return ok;
}

void region_free_all(region_tree_t *t)
{
    free_all(t->root);
    t->hint = NULL;
    t->root = NULL;
    t->count = 0;
}

bool region_compatible(const region_t *a, const region_t *b)
{
    if (a->end != b->start || a->prot != b->prot || a->flags != b->flags ||
        a->backing != b->backing)
        return false;
    switch (a->backing) {
    case PAGER_BACKING_ANON:
    case PAGER_BACKING_GUARD: return true;
    case PAGER_BACKING_FILE:
        return a->file_id == b->file_id && a->file_off + (a->end - a->start) == b->file_off;
    case PAGER_BACKING_STACK: return false; /* a stack keeps its own reservation */
    }
    return false;
}
