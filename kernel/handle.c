/* Handle tables; see handle.h. A handle is (generation << 8) | (slot + 1). */
#include <faultline/errors.h>
#include <kernel/handle.h>

void handle_table_init(handle_table_t *t)
{
    for (unsigned i = 0; i < HANDLE_TABLE_SIZE; i++)
        t->e[i] = (handle_entry_t){0};
    t->used = 0;
}

static fl_handle_t make_handle(unsigned slot, uint16_t gen)
{
    return ((fl_handle_t)gen << 8) | (slot + 1);
}

int handle_install(handle_table_t *t, void *obj, fl_obj_type_t type, uint32_t rights,
                   uint64_t badge, fl_handle_t *out)
{
    for (unsigned i = 0; i < HANDLE_TABLE_SIZE; i++) {
        handle_entry_t *e = &t->e[i];
        if (e->obj)
            continue;
        e->obj = obj;
        e->type = (uint8_t)type;
        e->rights = rights & FL_RIGHTS_ALL;
        e->badge = badge;
        t->used++;
        *out = make_handle(i, e->gen);
        return FL_OK;
    }
    return FL_EFULL;
}

int handle_remove(handle_table_t *t, fl_handle_t h, handle_entry_t *removed)
{
    handle_entry_t *e = handle_find(t, h);
    if (!e)
        return FL_EBADH;
    *removed = *e;
    uint16_t gen = (uint16_t)(e->gen + 1);
    *e = (handle_entry_t){0};
    e->gen = gen;
    t->used--;
    return FL_OK;
}

bool handle_room(const handle_table_t *t, unsigned n)
{
    return t->used + n <= HANDLE_TABLE_SIZE;
}
