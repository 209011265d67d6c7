/*
 * The client table. A client is one address space the pager serves; its badge (its id) names
 * it in every fault and request. Ids carry a generation so that a stale badged handle of an
 * ended client never reaches the slot's next owner. The slot index is also the client's bit in
 * the process-end notification (FL_SYS_SPACE_WATCH), which is how the pager learns that a
 * client ended and frees what it held.
 */
#include <stdio.h>
#include <string.h>

#include "server.h"

client_t *client_by_id(server_t *srv, uint64_t id)
{
    if (id < PAGER_BADGE_MIN)
        return NULL;
    uint64_t slot = (id - PAGER_BADGE_MIN) & 0xff;
    if (slot >= MAX_CLIENTS)
        return NULL;
    client_t *c = &srv->clients[slot];
    return c->used && c->id == id ? c : NULL;
}

client_t *client_by_badge(server_t *srv, uint64_t badge)
{
    return client_by_id(srv, badge);
}

long client_new(server_t *srv, fl_handle_t space, const char *name, client_t **out)
{
    for (unsigned i = 0; i < MAX_CLIENTS; i++) {
        client_t *c = &srv->clients[i];
        if (c->used)
            continue;
        memset(c, 0, sizeof(*c));
        c->id = PAGER_BADGE_MIN + i + ((uint64_t)++srv->generation << 8);
        c->space = space;
        strncpy(c->name, name, sizeof(c->name) - 1);
        c->used = true;
        *out = c;
        return 0;
    }
    return FL_EFULL;
}

long client_start(server_t *srv, client_t *c)
{
    unsigned slot = (unsigned)(c - srv->clients);
    long r = fl_space_watch(c->space, srv->ended, 1ULL << slot);
    if (r < 0)
        return r;
    return fl_handle_mint(srv->ep, c->id, FL_RIGHT_WRITE | FL_RIGHT_GRANT);
}

void client_end(server_t *srv, client_t *c, const char *why)
{
    pager_stats_t st = {0};
    if (c->ps) {
        pager_space_stats(c->ps, &st);
        pager_space_destroy(c->ps);
    }
    if (srv->verbose || why)
        printf("pager: %s (client %#llx) %s: %llu faults (%llu zero fills, %llu COW copies), "
               "%llu bad; its frames are free\n",
               c->name, (unsigned long long)c->id, why ? why : "ended",
               (unsigned long long)(st.minor + st.major), (unsigned long long)st.zero_fills,
               (unsigned long long)st.cow_copies, (unsigned long long)st.bad);
    /* Tell the parent last, so that when it wakes the pager already holds nothing of it. */
    if (c->notify) {
        fl_signal(c->notify, c->notify_bits);
        fl_handle_close(c->notify);
    }
    if (c->loader)
        fl_handle_close(c->loader);
    fl_handle_close(c->space);
    memset(c, 0, sizeof(*c));
}

void client_reap(server_t *srv, uint64_t bits)
{
    for (unsigned i = 0; i < MAX_CLIENTS; i++) {
        client_t *c = &srv->clients[i];
        if (!c->used || !(bits & (1ULL << i)))
            continue;
        long status = fl_space_status(c->space, NULL);
        if (status != 0) { /* 1: ended; an error: the handle is unusable, so treat it as gone */
            c->dead = true;
            client_end(srv, c, srv->verbose ? "ended" : NULL);
        }
    }
}

void report_add(server_t *srv, client_t *c, uint64_t addr, uint64_t pc, unsigned access,
                unsigned reason)
{
    report_t *r = NULL;
    for (unsigned i = 0; i < PAGER_REPORTS; i++)
        if (srv->reports[i].id == c->id)
            r = &srv->reports[i];
    if (!r) {
        r = &srv->reports[srv->next_report++ % PAGER_REPORTS];
        memset(r, 0, sizeof(*r));
        r->id = c->id;
    }
    r->count++;
    r->addr = addr;
    r->pc = pc;
    r->access = access;
    r->reason = reason;
}

const report_t *report_find(const server_t *srv, uint64_t id)
{
    for (unsigned i = 0; i < PAGER_REPORTS; i++)
        if (srv->reports[i].id == id && id)
            return &srv->reports[i];
    return NULL;
}
