/*
 * A process's handle table: slots naming kernel objects with rights. Pure logic: the caller
 * manages object reference counts, so this is tested on the host. Handle values carry a
 * generation so a closed handle stays invalid after its slot is reused.
 */
#ifndef KERNEL_HANDLE_H
#define KERNEL_HANDLE_H

#include <faultline/errors.h>
#include <faultline/types.h>
#include <stdbool.h>
#include <stdint.h>

#define HANDLE_TABLE_SIZE 128

typedef struct handle_entry {
    void *obj;       /* NULL: free slot */
    uint64_t badge;  /* endpoint handles: delivered to receivers */
    uint32_t rights; /* FL_RIGHT_* */
    uint16_t gen;    /* bumped on each close */
    uint8_t type;    /* fl_obj_type_t */
    uint8_t pad;
} handle_entry_t;

typedef struct handle_table {
    handle_entry_t e[HANDLE_TABLE_SIZE];
    unsigned used;
} handle_table_t;

void handle_table_init(handle_table_t *t);
/* FL_EFULL when no slot is free. */
int handle_install(handle_table_t *t, void *obj, fl_obj_type_t type, uint32_t rights,
                   uint64_t badge, fl_handle_t *out);
/* The live entry h names, or NULL. Inline: every system call starts here. */
static inline handle_entry_t *handle_find(handle_table_t *t, fl_handle_t h)
{
    unsigned slot = h & 0xff;
    if (slot == 0 || slot > HANDLE_TABLE_SIZE)
        return 0;
    handle_entry_t *e = &t->e[slot - 1];
    if (!e->obj || (h >> 8) != e->gen)
        return 0;
    return e;
}

/* Checks that h names a live entry of type (FL_OBJ_NONE: any type) holding every right in
 * need. FL_EBADH, FL_ETYPE or FL_EPERM otherwise. */
static inline int handle_lookup(handle_table_t *t, fl_handle_t h, fl_obj_type_t type, uint32_t need,
                                handle_entry_t **out)
{
    handle_entry_t *e = handle_find(t, h);
    if (!e)
        return FL_EBADH;
    if (type != FL_OBJ_NONE && e->type != type)
        return FL_ETYPE;
    if ((e->rights & need) != need)
        return FL_EPERM;
    *out = e;
    return FL_OK;
}
/* Frees h's slot and returns what it held (for the caller to drop its reference). */
int handle_remove(handle_table_t *t, fl_handle_t h, handle_entry_t *removed);
/* Whether install would succeed for n more handles. */
bool handle_room(const handle_table_t *t, unsigned n);

#endif
