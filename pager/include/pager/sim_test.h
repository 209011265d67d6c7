/*
 * Criterion helpers over <pager/sim.h> for libpager's own tests and for pager authors' host
 * tests (installed with the SDK): one simulated backend and one pager (env_t), clients with a
 * simulated MMU each (client_t), byte reads and writes that fault like a CPU (rd, wr), and
 * checks that every frame came back. Short names: include it in test files only.
 */
#ifndef PAGER_SIM_TEST_H
#define PAGER_SIM_TEST_H

#include <criterion/criterion.h>

#include <pager/sim.h>

#define PG PAGER_PAGE_SIZE

typedef struct env {
    sim_t sim;
    pager_t *pager;
} env_t;

/* A client: the pager's space and its simulated MMU. */
typedef struct client {
    pager_space_t *space;
    sim_space_t *mmu;
} client_t;

static inline void env_init(env_t *e, bool zero_page)
{
    sim_init(&e->sim);
    pager_config_t cfg;
    pager_config_default(&cfg);
    cfg.zero_page = zero_page;
    cr_assert_eq(pager_create(&e->sim.ops, &e->sim, &cfg, &e->pager), 0);
}

/* Destroy the pager (all clients gone) and check every frame came back. */
static inline void env_fini(env_t *e)
{
    cr_assert_eq(pager_destroy(e->pager), 0);
    cr_assert_eq(e->sim.in_use, 0, "%zu frames leaked", e->sim.in_use);
    cr_assert_eq(e->sim.errors, 0, "%llu backend misuses", (unsigned long long)e->sim.errors);
    sim_fini(&e->sim);
}

static inline client_t client_new(env_t *e)
{
    client_t c;
    c.mmu = sim_space_new(&e->sim);
    cr_assert_eq(pager_space_create(e->pager, c.mmu, &c.space), 0);
    return c;
}

static inline client_t client_fork(client_t *parent)
{
    client_t c;
    c.mmu = sim_space_new(parent->mmu->sim);
    cr_assert_eq(pager_fork(parent->space, c.mmu, &c.space), 0);
    return c;
}

static inline void client_free(client_t *c)
{
    cr_assert_eq(pager_space_destroy(c->space), 0);
    cr_assert_eq(sim_mapped_count(c->mmu), 0, "mappings left after destroy");
    sim_space_free(c->mmu);
    c->space = NULL;
    c->mmu = NULL;
}

/* The frames the pager says it holds are the frames the backend has handed out. */
static inline void check_frames(env_t *e)
{
    cr_assert_eq(pager_frames_in_use(e->pager), e->sim.in_use);
    cr_assert_eq(e->sim.errors, 0);
}

static inline uint8_t rd(client_t *c, uint64_t addr)
{
    uint8_t b = 0;
    int rc = sim_read(c->mmu, c->space, addr, &b);
    cr_assert_eq(rc, 0, "read at %#llx: %d", (unsigned long long)addr, rc);
    return b;
}

static inline void wr(client_t *c, uint64_t addr, uint8_t b)
{
    int rc = sim_write(c->mmu, c->space, addr, b);
    cr_assert_eq(rc, 0, "write at %#llx: %d", (unsigned long long)addr, rc);
}

static inline pager_stats_t stats(client_t *c)
{
    pager_stats_t s;
    pager_space_stats(c->space, &s);
    return s;
}

static inline pager_page_info_t page(client_t *c, uint64_t addr)
{
    pager_page_info_t i;
    cr_assert_eq(pager_page_info(c->space, addr, &i), 0);
    return i;
}

static inline uint64_t map_at(client_t *c, uint64_t addr, uint64_t len, unsigned prot,
                              unsigned flags)
{
    uint64_t got;
    cr_assert_eq(pager_map_anon(c->space, addr, len, prot, flags | PAGER_MAP_FIXED, &got), 0);
    cr_assert_eq(got, addr);
    return got;
}

#define RW (PAGER_PROT_READ | PAGER_PROT_WRITE)

#endif
