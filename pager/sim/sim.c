/* Simulated MMU and frame pool: libpager's host backend (libpager_sim); see <pager/sim.h>. */
#include <stdlib.h>
#include <string.h>

#include <pager/sim.h>

#define SIM_PAGE 4096u

static bool frame_ok(const sim_t *sim, uint64_t id)
{
    return id >= 1 && id <= sim->cap && sim->frame[id - 1];
}

uint8_t *sim_frame_data(const sim_t *sim, uint64_t frame)
{
    return frame_ok(sim, frame) ? sim->frame[frame - 1] : NULL;
}

static int sim_alloc(void *ctx, uint64_t *out)
{
    sim_t *sim = ctx;
    if (sim->limit && sim->in_use >= sim->limit)
        return PAGER_ENOMEM;
    uint8_t *buf = malloc(SIM_PAGE);
    if (!buf)
        return PAGER_ENOMEM;
    memset(buf, 0xa5, SIM_PAGE); /* garbage: the library must zero or fill it */
    uint64_t id;
    if (sim->nfree) {
        id = sim->free_ids[--sim->nfree];
    } else {
        if (sim->cap % 1024 == 0) {
            size_t ncap = sim->cap + 1024;
            sim->frame = realloc(sim->frame, ncap * sizeof(*sim->frame));
            sim->mapcount = realloc(sim->mapcount, ncap * sizeof(*sim->mapcount));
            sim->free_ids = realloc(sim->free_ids, ncap * sizeof(*sim->free_ids));
        }
        id = ++sim->cap;
    }
    sim->frame[id - 1] = buf;
    sim->mapcount[id - 1] = 0;
    sim->in_use++;
    sim->allocs++;
    *out = id;
    return 0;
}

static void sim_free(void *ctx, uint64_t id)
{
    sim_t *sim = ctx;
    if (!frame_ok(sim, id) || sim->mapcount[id - 1]) {
        sim->errors++;
        return;
    }
    free(sim->frame[id - 1]);
    sim->frame[id - 1] = NULL;
    sim->free_ids[sim->nfree++] = id;
    sim->in_use--;
    sim->frees++;
}

static int sim_zero(void *ctx, uint64_t id)
{
    sim_t *sim = ctx;
    if (!frame_ok(sim, id))
        return sim->errors++, -1;
    memset(sim->frame[id - 1], 0, SIM_PAGE);
    sim->zeroes++;
    return 0;
}

static int sim_copy(void *ctx, uint64_t dst, uint64_t src)
{
    sim_t *sim = ctx;
    if (!frame_ok(sim, dst) || !frame_ok(sim, src) || dst == src)
        return sim->errors++, -1;
    memcpy(sim->frame[dst - 1], sim->frame[src - 1], SIM_PAGE);
    sim->copies++;
    return 0;
}

/* ---- the per-space hash map (linear probing, backward-shift deletion) ------------------- */

static size_t slot_of(const sim_space_t *ss, uint64_t vpn)
{
    uint64_t h = vpn * 0x9e3779b97f4a7c15ULL;
    return (size_t)(h >> 17) & (ss->cap - 1);
}

static sim_pte_t *find(const sim_space_t *ss, uint64_t vpn)
{
    for (size_t i = slot_of(ss, vpn);; i = (i + 1) & (ss->cap - 1)) {
        if (ss->tab[i].vpn == 0)
            return NULL;
        if (ss->tab[i].vpn == vpn + 1)
            return &ss->tab[i];
    }
}

static sim_pte_t *insert(sim_space_t *ss, uint64_t vpn)
{
    if ((ss->count + 1) * 2 > ss->cap) {
        sim_pte_t *old = ss->tab;
        size_t ocap = ss->cap;
        ss->cap *= 2;
        ss->tab = calloc(ss->cap, sizeof(*ss->tab));
        for (size_t i = 0; i < ocap; i++) {
            if (!old[i].vpn)
                continue;
            size_t j = slot_of(ss, old[i].vpn - 1);
            while (ss->tab[j].vpn)
                j = (j + 1) & (ss->cap - 1);
            ss->tab[j] = old[i];
        }
        free(old);
    }
    size_t i = slot_of(ss, vpn);
    while (ss->tab[i].vpn)
        i = (i + 1) & (ss->cap - 1);
    memset(&ss->tab[i], 0, sizeof(ss->tab[i]));
    ss->tab[i].vpn = vpn + 1;
    ss->count++;
    return &ss->tab[i];
}

static void erase(sim_space_t *ss, sim_pte_t *e)
{
    size_t i = (size_t)(e - ss->tab);
    size_t mask = ss->cap - 1;
    ss->tab[i].vpn = 0;
    for (size_t j = (i + 1) & mask; ss->tab[j].vpn; j = (j + 1) & mask) {
        size_t home = slot_of(ss, ss->tab[j].vpn - 1);
        /* move j into the hole at i if its home is not in (i, j] cyclically */
        bool between = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!between) {
            ss->tab[i] = ss->tab[j];
            ss->tab[j].vpn = 0;
            i = j;
        }
    }
    ss->count--;
}

sim_space_t *sim_space_new(sim_t *sim)
{
    sim_space_t *ss = calloc(1, sizeof(*ss));
    ss->sim = sim;
    ss->cap = 64;
    ss->tab = calloc(ss->cap, sizeof(*ss->tab));
    return ss;
}

void sim_space_free(sim_space_t *ss)
{
    if (!ss)
        return;
    free(ss->tab);
    free(ss);
}

const sim_pte_t *sim_lookup(const sim_space_t *ss, uint64_t vaddr)
{
    return find(ss, vaddr / SIM_PAGE);
}

size_t sim_mapped_count(const sim_space_t *ss)
{
    return ss->count;
}

static int sim_map(void *ctx, void *space, uint64_t va, uint64_t frame, unsigned prot)
{
    sim_t *sim = ctx;
    sim_space_t *ss = space;
    if (sim->fail_map > 0 && --sim->fail_map == 0)
        return PAGER_ENOMEM;
    if (va % SIM_PAGE || !frame_ok(sim, frame) || prot == 0 || prot & ~PAGER_PROT_ALL)
        return sim->errors++, -1;
    sim_pte_t *e = find(ss, va / SIM_PAGE);
    if (e)
        sim->mapcount[e->frame - 1]--;
    else
        e = insert(ss, va / SIM_PAGE);
    e->frame = frame;
    e->prot = (uint8_t)prot;
    e->accessed = e->dirty = 0;
    sim->mapcount[frame - 1]++;
    sim->maps++;
    return 0;
}

static int sim_unmap(void *ctx, void *space, uint64_t va)
{
    sim_t *sim = ctx;
    sim_space_t *ss = space;
    sim_pte_t *e = find(ss, va / SIM_PAGE);
    if (!e)
        return sim->errors++, -1;
    sim->mapcount[e->frame - 1]--;
    erase(ss, e);
    sim->unmaps++;
    return 0;
}

static int sim_protect(void *ctx, void *space, uint64_t va, uint64_t frame, unsigned prot)
{
    sim_t *sim = ctx;
    sim_pte_t *e = find(space, va / SIM_PAGE);
    /* the frame the library names must be the one mapped there */
    if (!e || e->frame != frame || prot == 0 || prot & ~PAGER_PROT_ALL)
        return sim->errors++, -1;
    e->prot = (uint8_t)prot;
    sim->protects++;
    return 0;
}

static int sim_harvest(void *ctx, void *space, uint64_t va, bool *accessed, bool *dirty)
{
    sim_t *sim = ctx;
    sim_pte_t *e = find(space, va / SIM_PAGE);
    if (!e)
        return sim->errors++, -1;
    *accessed = e->accessed;
    *dirty = e->dirty;
    e->accessed = e->dirty = 0;
    return 0;
}

uint8_t sim_file_byte(uint64_t file_id, uint64_t offset)
{
    return (uint8_t)(file_id * 131 + offset * 7 + (offset >> 12) * 13 + 1);
}

static int sim_file_read(void *ctx, uint64_t file_id, uint64_t offset, uint64_t frame)
{
    sim_t *sim = ctx;
    if (sim->fail_io)
        return -5;
    if (offset % SIM_PAGE || !frame_ok(sim, frame))
        return sim->errors++, -1;
    for (unsigned i = 0; i < SIM_PAGE; i++)
        sim->frame[frame - 1][i] = sim_file_byte(file_id, offset + i);
    sim->file_reads++;
    return 0;
}

void sim_swap_store(sim_t *sim, uint64_t slot, const uint8_t *data)
{
    if (slot >= sim->nswap) {
        sim->swap = realloc(sim->swap, (slot + 1) * sizeof(*sim->swap));
        memset(sim->swap + sim->nswap, 0, (slot + 1 - sim->nswap) * sizeof(*sim->swap));
        sim->nswap = slot + 1;
    }
    if (!sim->swap[slot])
        sim->swap[slot] = malloc(SIM_PAGE);
    memcpy(sim->swap[slot], data, SIM_PAGE);
}

static int sim_swap_out(void *ctx, uint64_t slot, uint64_t frame)
{
    sim_t *sim = ctx;
    if (sim->fail_swap_out)
        return -5;
    if (!frame_ok(sim, frame))
        return sim->errors++, -1;
    sim_swap_store(sim, slot, sim->frame[frame - 1]);
    sim->swap_outs++;
    return 0;
}

static int sim_swap_in(void *ctx, uint64_t slot, uint64_t frame)
{
    sim_t *sim = ctx;
    if (sim->fail_io)
        return -5;
    if (slot >= sim->nswap || !sim->swap[slot] || !frame_ok(sim, frame))
        return sim->errors++, -1;
    memcpy(sim->frame[frame - 1], sim->swap[slot], SIM_PAGE);
    sim->swap_ins++;
    return 0;
}

void sim_init(sim_t *sim)
{
    memset(sim, 0, sizeof(*sim));
    sim->ops = (pager_ops_t){
        .alloc_frame = sim_alloc,
        .free_frame = sim_free,
        .zero_frame = sim_zero,
        .copy_frame = sim_copy,
        .map = sim_map,
        .unmap = sim_unmap,
        .protect = sim_protect,
        .harvest = sim_harvest,
        .file_read = sim_file_read,
        .swap_in = sim_swap_in,
        .swap_out = sim_swap_out,
    };
}

void sim_fini(sim_t *sim)
{
    for (size_t i = 0; i < sim->cap; i++)
        free(sim->frame[i]);
    for (size_t i = 0; i < sim->nswap; i++)
        free(sim->swap[i]);
    free(sim->frame);
    free(sim->mapcount);
    free(sim->free_ids);
    free(sim->swap);
}

static unsigned need_of(pager_access_t access)
{
    return access == PAGER_ACCESS_WRITE  ? PAGER_PROT_WRITE
           : access == PAGER_ACCESS_EXEC ? PAGER_PROT_EXEC
                                         : PAGER_PROT_READ;
}

int sim_access(sim_space_t *ss, pager_space_t *space, uint64_t addr, pager_access_t access,
               uint64_t sp, uint8_t *byte, pager_fault_result_t *last, int *faults)
{
    unsigned need = need_of(access);
    for (int tries = 0; tries < 4; tries++) {
        sim_pte_t *e = find(ss, addr / SIM_PAGE);
        if (e && e->prot & need) {
            uint8_t *p = &ss->sim->frame[e->frame - 1][addr % SIM_PAGE];
            e->accessed = 1;
            if (access == PAGER_ACCESS_WRITE) {
                *p = *byte;
                e->dirty = 1;
            } else {
                *byte = *p;
            }
            return PAGER_BAD_NONE;
        }
        pager_fault_result_t r;
        if (pager_fault(space, addr, access, sp, &r) != 0)
            return -1;
        if (last)
            *last = r;
        if (faults)
            (*faults)++;
        if (r.outcome == PAGER_FAULT_BAD)
            return (int)r.reason;
    }
    return -1;
}

int sim_read(sim_space_t *ss, pager_space_t *space, uint64_t addr, uint8_t *byte)
{
    return sim_access(ss, space, addr, PAGER_ACCESS_READ, 0, byte, NULL, NULL);
}

int sim_write(sim_space_t *ss, pager_space_t *space, uint64_t addr, uint8_t byte)
{
    return sim_access(ss, space, addr, PAGER_ACCESS_WRITE, 0, &byte, NULL, NULL);
}

bool sim_peek(const sim_space_t *ss, uint64_t addr, uint8_t *byte)
{
    const sim_pte_t *e = find(ss, addr / SIM_PAGE);
    if (!e || !(e->prot & PAGER_PROT_READ))
        return false;
    *byte = ss->sim->frame[e->frame - 1][addr % SIM_PAGE];
    return true;
}

bool sim_forget(sim_space_t *ss, uint64_t vaddr)
{
    sim_pte_t *e = find(ss, vaddr / SIM_PAGE);
    if (!e)
        return false;
    ss->sim->mapcount[e->frame - 1]--;
    erase(ss, e);
    return true;
}
