/*
 * The pattern pager: an EL0 server on the raw fault protocol with libpager deciding. Start
 * handle 0 is its endpoint (READ); each client's threads have a badged handle to it as their
 * pager, and the badge tells clients apart. Each fault becomes one reply: FL_FAULT_REPLY_MAP of
 * the frame libpager chose (the kernel maps it into the faulting thread's space and resumes the
 * thread) or FL_FAULT_REPLY_FAIL (the kernel stops the thread and logs the fault).
 *
 * libpager's effects (pager_ops_t): frames are pages of this pager's own address space, so a
 * frame's id is its address and zero/copy/fill are memset/memcpy/policy_fill. The pager holds no
 * handle to its clients' spaces: the only mapping it makes is the faulting page's, through the
 * reply, so map/unmap/protect have nothing to do here (no fork, no protect, no swap).
 */
#include <faultline/fault.h>
#include <fl/runtime.h>
#include <fl/syscall.h>
#include <stdio.h>
#include <string.h>

#include "layout.h"
#include "policy.h"

#define FRAME_BASE  0x4000000000UL /* where frames live here, away from the runtime's areas */
#define MAX_CLIENTS 8

static fl_handle_t self;
static uint64_t next_frame = FRAME_BASE, free_frames[64];
static unsigned nfree;
static uint64_t mapped, refused, filled; /* what PATTERN_QUIT reports */

static int alloc_frame(void *ctx, uint64_t *frame)
{
    (void)ctx;
    uint64_t va = nfree ? free_frames[--nfree] : next_frame;
    if (fl_vm_alloc(self, va, 1, FL_PROT_READ | FL_PROT_WRITE) < 0) {
        if (va != next_frame)
            free_frames[nfree++] = va;
        return PAGER_ENOMEM; /* libpager turns it into an OUT_OF_MEMORY bad access */
    }
    if (va == next_frame)
        next_frame += PAGER_PAGE_SIZE;
    *frame = va;
    return 0;
}

static void free_frame(void *ctx, uint64_t frame)
{
    (void)ctx;
    fl_vm_unmap(self, frame, 1); /* a client mapping keeps the page alive until it goes too */
    if (nfree < sizeof(free_frames) / sizeof(free_frames[0]))
        free_frames[nfree++] = frame;
}

static int zero_frame(void *ctx, uint64_t frame)
{
    (void)ctx;
    memset((void *)frame, 0, PAGER_PAGE_SIZE);
    return 0;
}

static int copy_frame(void *ctx, uint64_t dst, uint64_t src)
{
    (void)ctx;
    memcpy((void *)dst, (const void *)src, PAGER_PAGE_SIZE);
    return 0;
}

static int file_read(void *ctx, uint64_t file_id, uint64_t offset, uint64_t frame)
{
    (void)ctx, (void)file_id;
    policy_fill((void *)frame, offset);
    filled++;
    return 0;
}

static int map(void *ctx, void *space, uint64_t va, uint64_t frame, unsigned prot)
{
    (void)ctx, (void)space, (void)va, (void)frame, (void)prot;
    return 0; /* the faulting page: mapped by the reply */
}

static int unmap(void *ctx, void *space, uint64_t va)
{
    (void)ctx, (void)space, (void)va;
    return 0; /* only when a client is gone: its space went with it */
}

static int protect(void *ctx, void *space, uint64_t va, uint64_t frame, unsigned prot)
{
    (void)ctx, (void)space, (void)va, (void)frame, (void)prot;
    return 0;
}

static int harvest(void *ctx, void *space, uint64_t va, bool *accessed, bool *dirty)
{
    (void)ctx, (void)space, (void)va;
    *accessed = *dirty = false;
    return 0;
}

static const pager_ops_t ops = {
    .alloc_frame = alloc_frame,
    .free_frame = free_frame,
    .zero_frame = zero_frame,
    .copy_frame = copy_frame,
    .map = map,
    .unmap = unmap,
    .protect = protect,
    .harvest = harvest,
    .file_read = file_read,
};

static struct {
    uint64_t badge;
    pager_space_t *space;
} clients[MAX_CLIENTS];

/* The client with this badge, set up at its first fault. */
static pager_space_t *client(pager_t *pager, uint64_t badge)
{
    unsigned i;
    for (i = 0; i < MAX_CLIENTS && clients[i].space; i++)
        if (clients[i].badge == badge)
            return clients[i].space;
    if (i == MAX_CLIENTS || pager_space_create(pager, NULL, &clients[i].space) != 0)
        return NULL;
    clients[i].badge = badge;
    if (policy_space_init(clients[i].space) != 0) {
        pager_space_destroy(clients[i].space);
        clients[i].space = NULL;
        return NULL;
    }
    return clients[i].space;
}

int main(void)
{
    fl_handle_t ep = fl_start_handle(0);
    pager_config_t cfg;
    pager_t *pager;
    self = fl_self_space();
    policy_config(&cfg);
    if (pager_create(&ops, NULL, &cfg, &pager) != 0)
        return 1;

    fl_msg_t m = {.tag = 0}; /* the first reply_recv owes nothing: it only receives */
    for (;;) {
        if (fl_reply_recv(ep, &m) < 0) /* answer the last fault, wait for the next */
            return 1;
        if (FL_TAG_LABEL(m.tag) == PATTERN_QUIT) {
            printf("pattern_pager: %llu pages mapped, %llu refused, %llu pattern pages filled\n",
                   (unsigned long long)mapped, (unsigned long long)refused,
                   (unsigned long long)filled);
            m.tag = FL_TAG(PATTERN_QUIT, 3, 0);
            m.w[0] = mapped, m.w[1] = refused, m.w[2] = filled;
            fl_reply(&m);
            for (unsigned i = 0; i < MAX_CLIENTS && clients[i].space; i++)
                pager_space_destroy(clients[i].space);
            return pager_destroy(pager) == 0 ? 0 : 1;
        }
        if (FL_TAG_LABEL(m.tag) != FL_LABEL_PAGE_FAULT) {
            m.tag = FL_TAG(0, 0, 0); /* not ours: an empty answer */
            continue;
        }
        pager_space_t *space = client(pager, m.badge);
        policy_answer_t a = {.fail = FL_FAULT_FAIL_NO_MEMORY};
        if (!space || policy_fault(space, m.w[0], FL_FAULT_ACCESS(m.w[3]), &a) != 0)
            a.map = 0;
        if (a.map) {
            mapped++;
            m.tag = FL_TAG(FL_FAULT_REPLY_MAP, 4, 0);
            m.w[0] = a.page, m.w[1] = a.frame, m.w[2] = 1, m.w[3] = a.prot;
        } else {
            refused++;
            m.tag = FL_TAG(FL_FAULT_REPLY_FAIL, 1, 0);
            m.w[0] = a.fail;
        }
    }
}
