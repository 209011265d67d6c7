/* Extra threads in the calling process; see fl/thread.h. */
#include <fl/layout.h>
#include <fl/runtime.h>
#include <fl/syscall.h>
#include <fl/thread.h>
#include <fl/vm.h>
#include <picotls.h>
#include <stddef.h>
#include <stdint.h>

/* What fl_thread_entry (crt0.S) reads at the bottom of the slot. */
typedef struct fl_thread_cb {
    fl_thread_fn fn;
    void *arg;
    void *tls;
    uint32_t done;
} fl_thread_cb_t;

_Static_assert(offsetof(fl_thread_cb_t, fn) == 0 && offsetof(fl_thread_cb_t, arg) == 8 &&
                   offsetof(fl_thread_cb_t, tls) == 16 && offsetof(fl_thread_cb_t, done) == 24,
               "crt0.S fl_thread_entry reads this layout");
_Static_assert(FL_SYS_SIGNAL == 29 && FL_SYS_THREAD_EXIT == 19,
               "crt0.S fl_thread_entry uses these numbers");
_Static_assert(FL_THREAD_SLOTS *FL_THREAD_SLOT <= 0x200000, "the thread area is one 2 MiB block");

#define CB_SIZE 64 /* the TLS block follows, 64-byte aligned (user.ld asserts __tls_align) */

extern void fl_thread_entry(void);

static uint32_t slots_used; /* bit i: slot i is taken */

static uintptr_t slot_base(int slot)
{
    return FL_THREAD_AREA + (uintptr_t)slot * FL_THREAD_SLOT;
}

static void slot_free(int slot)
{
    fl_vm_unmap(fl_self_space(), slot_base(slot), FL_THREAD_SLOT / FL_PAGE_SIZE);
    slots_used &= ~(1u << slot);
}

long fl_thread_spawn(fl_thread_t *t, fl_thread_fn fn, void *arg, unsigned priority)
{
    _Static_assert(FL_THREAD_SLOTS <= 32, "slots_used is 32 bits");
    int slot = -1;
    long err;

    t->thread = t->done = FL_HANDLE_INVALID;
    t->slot = -1;
    for (int i = 0; i < FL_THREAD_SLOTS; i++) {
        if (!(slots_used & (1u << i))) {
            slot = i;
            break;
        }
    }
    if (slot < 0)
        return FL_EFULL;
    if (CB_SIZE + _tls_size() + 4096 > FL_THREAD_SLOT)
        return FL_ENOMEM; /* no room left for a stack */

    uintptr_t base = slot_base(slot);
    err = fl_vm_alloc(fl_self_space(), base, FL_THREAD_SLOT / FL_PAGE_SIZE,
                      FL_PROT_READ | FL_PROT_WRITE);
    if (err < 0)
        return err;
    slots_used |= 1u << slot;

    err = fl_notification_create();
    if (err < 0)
        goto fail;
    t->done = (fl_handle_t)err;

    fl_thread_cb_t *cb = (fl_thread_cb_t *)base;
    cb->fn = fn;
    cb->arg = arg;
    cb->tls = (void *)(base + CB_SIZE);
    cb->done = t->done;
    _init_tls(cb->tls);

    err = fl_thread_create(fl_self_space(), (uintptr_t)fl_thread_entry, base + FL_THREAD_SLOT,
                           (uintptr_t)cb, priority);
    if (err < 0)
        goto fail;
    t->thread = (fl_handle_t)err;
    /* In a process with a pager, every thread may touch pager memory (heap, mappings). */
    if (fl_pager() && (err = fl_thread_set_handler(t->thread, FL_HANDLER_PAGER, fl_pager())) < 0)
        goto fail;
    err = fl_thread_start(t->thread);
    if (err < 0)
        goto fail;
    t->slot = slot;
    return FL_OK;

fail:
    if (t->thread)
        fl_handle_close(t->thread); /* a thread never started dies with its last handle */
    if (t->done)
        fl_handle_close(t->done);
    t->thread = t->done = FL_HANDLE_INVALID;
    slot_free(slot);
    return err;
}

long fl_thread_join(fl_thread_t *t)
{
    if (t->slot < 0)
        return FL_EINVAL;
    long err = fl_wait(t->done);
    if (err < 0)
        return err;
    /* The thread may still be between its signal and its exit, but it no longer touches its
     * slot: freeing the slot now is safe. */
    slot_free(t->slot);
    fl_handle_close(t->done);
    fl_handle_close(t->thread);
    t->slot = -1;
    t->thread = t->done = FL_HANDLE_INVALID;
    return FL_OK;
}
