/* Creating a process from an ELF image; see fl/spawn.h for the steps. */
#include <fl/layout.h>
#include <fl/runtime.h>
#include <fl/spawn.h>
#include <fl/pager_proto.h>
#include <fl/syscall.h>
#include <fl/vm.h>
#include <lib/cpio.h>
#include <lib/elf.h>
#include <string.h>

#define SCRATCH_BYTES ((uint64_t)FL_SCRATCH_PAGES * FL_PAGE_SIZE)

_Static_assert(FL_SCRATCH_VA % 0x200000 == 0 && SCRATCH_BYTES <= 0x200000,
               "the scratch window is one last-level table");

static unsigned segment_prot(unsigned elf_prot)
{
    /* FL_SYS_VM_* want READ in every mapping; AArch64 has no write- or exec-only pages. */
    return FL_PROT_READ | ((elf_prot & ELF_PROT_W) ? FL_PROT_WRITE : 0) |
           ((elf_prot & ELF_PROT_X) ? FL_PROT_EXEC : 0);
}

/*
 * Fills [va, va + pages) of the child from the caller's scratch window: allocate there with the
 * final protection plus WRITE (FL_SYS_VM_MAP never grants more than the caller has), let fill
 * write the bytes, map the frames into the child, and unmap them from the caller, which leaves
 * the child holding the only reference.
 */
typedef void (*fill_fn)(uint8_t *dst, uint64_t va, uint64_t len, const void *ctx);

static long map_filled(fl_handle_t child, uint64_t va, uint64_t pages, unsigned prot, fill_fn fill,
                       const void *ctx, const char **err)
{
    fl_handle_t self = fl_self_space();
    while (pages) {
        uint64_t n = pages < FL_SCRATCH_PAGES ? pages : FL_SCRATCH_PAGES;
        long r = fl_vm_alloc(self, FL_SCRATCH_VA, n, prot | FL_PROT_WRITE);
        if (r < 0) {
            *err = "cannot allocate scratch pages";
            return r;
        }
        fill((uint8_t *)FL_SCRATCH_VA, va, n * FL_PAGE_SIZE, ctx);
        r = fl_vm_map(child, va, FL_SCRATCH_VA, n, prot);
        fl_vm_unmap(self, FL_SCRATCH_VA, n);
        if (r < 0) {
            *err = "cannot map pages into the child";
            return r;
        }
        va += n * FL_PAGE_SIZE;
        pages -= n;
    }
    return FL_OK;
}

/*
 * The same with the pager owning the pages: [va, va + pages) becomes a pager region, writable
 * while it is filled; the pages holding bytes (the first `filled` ones) are lent to this
 * process through LOAD windows in the scratch area and returned; then the region gets its
 * final rights. Pages past `filled` stay untouched: the pager zero-fills them on first use.
 */
static long pager_filled(fl_handle_t pager, uint64_t va, uint64_t pages, uint64_t filled,
                         unsigned prot, fill_fn fill, const void *ctx, const char **err)
{
    unsigned rw = FL_PROT_READ | FL_PROT_WRITE;
    long r = fl_pager_request(pager, PAGER_REQ_MAP, va, pages * FL_PAGE_SIZE,
                              (prot | rw) | PAGER_PROTO_FIXED << 8, 0);
    if (r < 0) {
        *err = "the pager cannot map a segment";
        return r;
    }
    for (uint64_t done = 0; done < filled;) {
        uint64_t n = filled - done < PAGER_LOAD_MAX ? filled - done : PAGER_LOAD_MAX;
        uint64_t at = va + done * FL_PAGE_SIZE;
        r = fl_pager_request(pager, PAGER_REQ_LOAD, at, FL_SCRATCH_VA, n, 0);
        if (r < 0) {
            *err = "the pager cannot lend pages to load";
            return r;
        }
        fill((uint8_t *)FL_SCRATCH_VA, at, n * FL_PAGE_SIZE, ctx);
        fl_vm_unmap(fl_self_space(), FL_SCRATCH_VA, n);
        done += n;
    }
    if ((prot | rw) != prot &&
        (r = fl_pager_request(pager, PAGER_REQ_PROTECT, va, pages * FL_PAGE_SIZE, prot, 0)) < 0) {
        *err = "the pager cannot protect a segment";
        return r;
    }
    return FL_OK;
}

/* Registers the child with the pager and makes its heap, stack and runtime area regions. */
static long pager_setup(const fl_spawn_args_t *a, fl_proc_t *out, fl_handle_t *pager,
                        const char **err)
{
    char name[9] = {0};
    strncpy(name, a->args ? a->args : "?", 8);
    name[strcspn(name, " ")] = '\0';
    long r = fl_pager_register(a->pager, out->space, name, a->pager_notify, a->pager_notify_bits,
                               &out->pager_id, pager);
    if (r < 0) {
        *err = "the pager refused to register the process";
        return r;
    }
    uint64_t max = a->stack_max ? a->stack_max : FL_STACK_MAX_DEFAULT;
    uint64_t initial = FL_STACK_PAGES * FL_PAGE_SIZE < max ? FL_STACK_PAGES * FL_PAGE_SIZE : max;
    if ((r = fl_pager_request(*pager, PAGER_REQ_STACK, FL_STACK_TOP, initial, max,
                              FL_STACK_GUARD_DEFAULT)) < 0) {
        *err = "the pager cannot make the stack";
        return r;
    }
    if ((r = fl_pager_request(*pager, PAGER_REQ_MAP, FL_HEAP_BASE, FL_HEAP_MAX,
                              (FL_PROT_READ | FL_PROT_WRITE) | PAGER_PROTO_FIXED << 8, 0)) < 0) {
        *err = "the pager cannot make the heap";
        return r;
    }
    /* The runtime's own pages (threads, IPC buffer) are allocated by the process itself:
     * a guard keeps the pager from placing anything there. */
    if ((r = fl_pager_request(*pager, PAGER_REQ_GUARD, FL_RUNTIME_AREA, FL_RUNTIME_SIZE, 0, 0)) <
        0) {
        *err = "the pager cannot reserve the runtime area";
        return r;
    }
    return FL_OK;
}

typedef struct {
    const uint8_t *file;
    const elf_segment_t *seg;
} seg_ctx_t;

/* Copies the part of the segment's file bytes that falls in [va, va + len); the rest stays
 * zero as FL_SYS_VM_ALLOC gave it. */
static void fill_segment(uint8_t *dst, uint64_t va, uint64_t len, const void *ctx)
{
    const seg_ctx_t *c = ctx;
    uint64_t lo = c->seg->vaddr, hi = c->seg->vaddr + c->seg->filesz;
    if (lo < va)
        lo = va;
    if (hi > va + len)
        hi = va + len;
    if (lo < hi)
        memcpy(dst + (lo - va), c->file + c->seg->file_off + (lo - c->seg->vaddr), hi - lo);
}

static void fill_start(uint8_t *dst, uint64_t va, uint64_t len, const void *ctx)
{
    (void)va;
    (void)len;
    memcpy(dst, ctx, sizeof(fl_start_t));
}

/* Gives h to the child; returns its value there or an error with *err set. */
static long give(fl_handle_t child, fl_handle_t h, uint32_t rights, const char *what,
                 const char **err)
{
    long r = fl_handle_give(child, h, rights);
    if (r < 0)
        *err = what;
    return r;
}

static long build(const fl_spawn_args_t *a, const elf_image_t *img, fl_proc_t *out,
                  fl_handle_t *pager_out, const char **err)
{
    fl_handle_t child = out->space, pager = FL_HANDLE_INVALID;
    fl_start_t st;
    long r;

    if (a->pager && (r = pager_setup(a, out, &pager, err)) < 0)
        return r;
    *pager_out = pager;
    for (unsigned i = 0; i < img->count; i++) {
        const elf_segment_t *seg = &img->seg[i];
        uint64_t mask = FL_PAGE_SIZE - 1;
        uint64_t start = seg->vaddr & ~mask;
        uint64_t end = (seg->vaddr + seg->memsz + mask) & ~mask;
        uint64_t fend = (seg->vaddr + seg->filesz + mask) & ~mask;
        seg_ctx_t ctx = {a->image, seg};
        if (pager)
            r = pager_filled(pager, start, (end - start) / FL_PAGE_SIZE,
                             (fend - start) / FL_PAGE_SIZE, segment_prot(seg->prot), fill_segment,
                             &ctx, err);
        else
            r = map_filled(child, start, (end - start) / FL_PAGE_SIZE, segment_prot(seg->prot),
                           fill_segment, &ctx, err);
        if (r < 0)
            return r;
    }

    if (!pager) {
        r = fl_vm_alloc(child, FL_STACK_TOP - FL_STACK_PAGES * FL_PAGE_SIZE, FL_STACK_PAGES,
                        FL_PROT_READ | FL_PROT_WRITE);
        if (r < 0) {
            *err = "cannot allocate the stack";
            return r;
        }
    }

    memset(&st, 0, sizeof(st));
    st.magic = FL_START_MAGIC;
    st.version = FL_START_VERSION;
    if ((r = give(child, child, FL_RIGHTS_ALL, "cannot give the child its space", err)) < 0)
        return r;
    st.self_space = (fl_handle_t)r;
    if (a->give_pool) {
        r = give(child, a->give_pool, a->give_pool_rights, "cannot give the pool", err);
        if (r < 0)
            return r;
        st.pool = (fl_handle_t)r;
    }
    if (a->parent) {
        /* A badged copy that only sends, handed over and then dropped here. */
        long minted = fl_handle_mint(a->parent, a->parent_badge, FL_RIGHT_WRITE | FL_RIGHT_GRANT);
        if (minted < 0) {
            *err = "cannot mint the parent endpoint";
            return minted;
        }
        r = give(child, (fl_handle_t)minted, FL_RIGHT_WRITE, "cannot give the parent endpoint",
                 err);
        fl_handle_close((fl_handle_t)minted);
        if (r < 0)
            return r;
        st.parent = (fl_handle_t)r;
    }
    if (a->nhandles > FL_START_MAX_HANDLES) {
        *err = "too many handles";
        return FL_EINVAL;
    }
    for (unsigned i = 0; i < a->nhandles; i++) {
        r = give(child, a->handles[i], a->rights[i], "cannot give a handle", err);
        if (r < 0)
            return r;
        st.handles[i] = (fl_handle_t)r;
    }
    st.nhandles = a->nhandles;
    if (a->args)
        strncpy(st.args, a->args, sizeof(st.args) - 1);
    if (pager) {
        r = give(child, pager, FL_RIGHT_WRITE, "cannot give the pager endpoint", err);
        if (r < 0)
            return r;
        st.pager = (fl_handle_t)r;
        r = pager_filled(pager, FL_START_VA, 1, 1, FL_PROT_READ, fill_start, &st, err);
    } else {
        r = map_filled(child, FL_START_VA, 1, FL_PROT_READ, fill_start, &st, err);
    }
    if (r < 0)
        return r;

    r = fl_thread_create(child, img->entry, FL_STACK_TOP, FL_START_VA, a->priority);
    if (r < 0) {
        *err = "cannot create the thread";
        return r;
    }
    out->thread = (fl_handle_t)r;
    fl_handle_t handler = pager ? pager : a->fault_handler;
    if (handler && (r = fl_thread_set_handler(out->thread, FL_HANDLER_PAGER, handler)) < 0) {
        *err = "cannot set the thread's pager";
        return r;
    }
    r = fl_thread_start(out->thread);
    if (r < 0) {
        *err = "cannot start the thread";
        return r;
    }
    return FL_OK;
}

long fl_spawn(const fl_spawn_args_t *a, fl_proc_t *out, const char **err)
{
    const char *dummy;
    elf_image_t img;
    if (!err)
        err = &dummy;
    out->space = out->thread = FL_HANDLE_INVALID;
    out->pager_id = 0;

    long r = elf_parse(a->image, a->image_size, FL_USER_TOP, &img, err);
    if (r < 0)
        return r;
    if (!fl_self_space()) {
        *err = "this process has no handle to its own space";
        return FL_EBADH;
    }
    r = fl_space_create(a->pool);
    if (r < 0) {
        *err = "cannot create the address space";
        return r;
    }
    out->space = (fl_handle_t)r;
    fl_handle_t pager = FL_HANDLE_INVALID;
    r = build(a, &img, out, &pager, err);
    if (pager)
        fl_handle_close(pager); /* the child and its thread hold what they need */
    if (r < 0)
        fl_proc_destroy(out);
    return r;
}

long fl_spawn_initrd(const fl_spawn_args_t *a, fl_proc_t *out, const char **err)
{
    const char *dummy;
    const void *initrd;
    size_t size;
    char name[64];
    cpio_entry_t ent;

    if (!err)
        err = &dummy;
    out->space = out->thread = FL_HANDLE_INVALID;
    if (fl_initrd(&initrd, &size) != FL_OK) {
        *err = "no initrd";
        return FL_ENOENT;
    }
    size_t n = a->args ? strcspn(a->args, " ") : 0;
    if (n == 0 || n >= sizeof(name)) {
        *err = "no program name in args";
        return FL_EINVAL;
    }
    memcpy(name, a->args, n);
    name[n] = '\0';
    long r = cpio_find(initrd, size, name, &ent, err);
    if (r < 0)
        return r;
    if ((ent.mode & CPIO_MODE_TYPE) != CPIO_MODE_REG) {
        *err = "not a regular file";
        return FL_ENOENT;
    }
    fl_spawn_args_t copy = *a;
    copy.image = ent.data;
    copy.image_size = ent.size;
    return fl_spawn(&copy, out, err);
}

void fl_proc_destroy(fl_proc_t *p)
{
    if (p->space) {
        fl_space_destroy(p->space);
        fl_handle_close(p->space);
    }
    if (p->thread)
        fl_handle_close(p->thread);
    p->space = p->thread = FL_HANDLE_INVALID;
}

long fl_proc_wait(const fl_proc_t *p, fl_handle_t notify, uint64_t bits, long *status)
{
    /* Bits that arrived while waiting for another child: kept for that child's wait. */
    static uint64_t pending;
    while (!(pending & bits)) {
        long r = fl_wait(notify);
        if (r < 0)
            return r;
        pending |= (uint64_t)r;
    }
    pending &= ~bits;
    long r = fl_space_status(p->space, status);
    return r == 1 ? FL_OK : r < 0 ? r : FL_EBUSY;
}
