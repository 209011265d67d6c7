/*
 * The file server: the files of the initrd, read-only, over IPC (protocol: fl/files_proto.h).
 *
 * Started as `files <initrd bytes>` with start handle 0 = its endpoint (READ | WRITE | GRANT)
 * and start handle 1 = the initrd's region (MAP). It maps the whole initrd read-only at
 * FILES_INITRD_VA and indexes it once (cpio_next); a file id is the entry's index + 1. cpio
 * data is aligned to 4 bytes only, so file pages cannot be mapped straight out of the initrd:
 * READ copies one page into the session's buffer, a page of this server mapped read-only into
 * the client. One thread, no state but the index and the sessions.
 *
 * With start handle 2, a blkdrv endpoint, it also serves the files of that disk, an image in
 * the flfs format of docs/storage.md (made by tools/mkflfs): READ and WRITE go to the disk
 * through one block session, one page at a time, nothing cached here (the pager caches).
 */
#include "blk_client.h"
#include "flfs.h"
#include <lib/cpio.h>
#include <fl/files_proto.h>
#include <fl/runtime.h>
#include <fl/syscall.h>
#include <fl/vm.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUF_VA 0x1800000000UL /* session i's buffer page at BUF_VA + i pages */

typedef struct file {
    const char *name;
    const uint8_t *data; /* initrd files */
    uint64_t size;
    bool disk;             /* a file of the flfs disk */
    uint64_t first, nblks; /* disk: first block and capacity in blocks */
} file_t;

#define SECTORS_PER_BLK (FLFS_BLOCK / BLK_SECTOR_SIZE)

static blk_client_t dev;

typedef struct session {
    bool used;
    uint64_t badge;
    fl_handle_t client; /* the client's space (MAP) */
    uint64_t client_va;
} session_t;

static file_t *files;
static unsigned nfiles;
static session_t sessions[FILES_SESSIONS];
static uint64_t reads, generation;
static fl_handle_t ep, self;
static fl_ipc_buffer_t *ipc;

static void reply(fl_msg_t *m, long r, uint64_t w1, uint64_t w2)
{
    m->tag = FL_TAG(FILES_REPLY, 3, 0);
    m->w[0] = (uint64_t)r;
    m->w[1] = w1;
    m->w[2] = w2;
}

static unsigned cap;

static int add_file(file_t f)
{
    if (nfiles == cap) {
        cap = cap ? 2 * cap : 32;
        file_t *more = realloc(files, cap * sizeof(*files));
        if (!more)
            return -1;
        files = more;
    }
    files[nfiles++] = f;
    return 0;
}

/* Reads the superblock of the disk behind blk_ep and adds its files; -1 if it has none. */
static int index_disk(fl_handle_t blk_ep)
{
    long r = blk_open(&dev, blk_ep, ipc, self, FILES_BLKBUF_VA, 1);
    if (r < 0) {
        printf("files: cannot open a block session: %s\n", fl_strerror(r));
        return -1;
    }
    if ((r = blk_read(&dev, 0, SECTORS_PER_BLK, 0)) < 0) {
        printf("files: cannot read the superblock: %s\n", fl_strerror(r));
        return -1;
    }
    uint64_t blocks = dev.capacity / SECTORS_PER_BLK;
    static flfs_file_t ents[FLFS_MAX_FILES];
    int n = flfs_parse(dev.buf, blocks, ents);
    if (n < 0) {
        printf("files: the disk holds no flfs image\n");
        return -1;
    }
    unsigned added = 0;
    for (int i = 0; i < n; i++) {
        file_t f = {.name = ents[i].name, .disk = true};
        f.first = ents[i].first;
        f.size = ents[i].size;
        f.nblks = ents[i].nblks;
        if (add_file(f) < 0)
            return -1;
        added++;
    }
    printf("files: flfs disk of %llu blocks: %u files\n", (unsigned long long)blocks, added);
    return 0;
}

static int index_initrd(const void *base, size_t size)
{
    cpio_iter_t it;
    cpio_entry_t e;
    cpio_iter_init(&it, base, size);
    while (cpio_next(&it, &e, NULL) == 1) {
        if ((e.mode & CPIO_MODE_TYPE) != CPIO_MODE_REG)
            continue;
        if (add_file((file_t){.name = e.name, .data = e.data, .size = e.size}) < 0)
            return -1;
    }
    return 0;
}

static const file_t *file_by_id(uint64_t id)
{
    return id >= 1 && id <= nfiles ? &files[id - 1] : NULL;
}

static long open_file(const uint64_t *w, uint64_t *size, uint64_t *flags)
{
    char name[FILES_NAME_MAX];
    memcpy(name, w, sizeof(name));
    if (memchr(name, '\0', sizeof(name)) == NULL || name[0] == '\0')
        return FL_EINVAL;
    for (unsigned i = nfiles; i-- > 0;) /* a later entry of the same name wins, as cpio_find */
        if (strcmp(files[i].name, name) == 0) {
            *size = files[i].size;
            *flags = files[i].disk ? FILES_F_DISK : 0;
            return (long)i + 1;
        }
    return FL_ENOENT;
}

static session_t *session_of(uint64_t badge)
{
    for (unsigned i = 0; i < FILES_SESSIONS; i++)
        if (sessions[i].used && sessions[i].badge == badge)
            return &sessions[i];
    return NULL;
}

static uint64_t buf_of(const session_t *s)
{
    return BUF_VA + (uint64_t)(s - sessions) * FL_PAGE_SIZE;
}

/* ATTACH: returns the session handle to send (closed after the reply), or 0 with *m set. */
static fl_handle_t attach(fl_msg_t *m)
{
    unsigned nh = FL_TAG_HANDLES(m->tag);
    fl_handle_t client = nh ? ipc->handles[0] : 0;
    uint64_t va = m->w[0];
    session_t *s = NULL;
    long r = FL_EINVAL;
    if (client && !(va & (FL_PAGE_SIZE - 1))) {
        r = FL_EFULL;
        for (unsigned i = 0; i < FILES_SESSIONS && !s; i++)
            if (!sessions[i].used)
                s = &sessions[i];
    }
    if (s) {
        uint64_t buf = buf_of(s);
        r = fl_vm_alloc(self, buf, 1, FL_PROT_READ | FL_PROT_WRITE);
        if (r >= 0) {
            r = fl_vm_map(client, va, buf, 1, FL_PROT_READ | FL_PROT_WRITE);
            if (r < 0)
                fl_vm_unmap(self, buf, 1);
        }
    }
    long h = FL_EINVAL;
    if (r >= 0) {
        uint64_t idx = (uint64_t)(s - sessions);
        s->badge = FILES_BADGE_MIN + idx + (++generation << 8);
        h = fl_handle_mint(ep, s->badge, FL_RIGHT_WRITE | FL_RIGHT_GRANT); /* GRANT: to send it */
        if (h < 0) {
            fl_vm_unmap(client, va, 1);
            fl_vm_unmap(self, buf_of(s), 1);
            r = h;
        }
    }
    if (r < 0) {
        for (unsigned i = 0; i < nh; i++)
            fl_handle_close(ipc->handles[i]);
        reply(m, r, 0, 0);
        return 0;
    }
    s->used = true;
    s->client = client;
    s->client_va = va;
    for (unsigned i = 1; i < nh; i++)
        fl_handle_close(ipc->handles[i]);
    reply(m, 0, 0, 0);
    m->tag = FL_TAG(FILES_REPLY, FILES_HANDLE_MSG_WORDS, 1);
    ipc->handles[0] = (fl_handle_t)h;
    ipc->handle_rights[0] = FL_RIGHT_WRITE;
    return (fl_handle_t)h;
}

static long read_page(session_t *s, uint64_t id, uint64_t off)
{
    const file_t *f = file_by_id(id);
    if (!f)
        return FL_ENOENT;
    if (off & (FL_PAGE_SIZE - 1))
        return FL_EINVAL;
    if (off >= f->size)
        return FL_ERANGE;
    uint64_t n = f->size - off < FL_PAGE_SIZE ? f->size - off : FL_PAGE_SIZE;
    uint8_t *buf = (uint8_t *)buf_of(s);
    if (f->disk) {
        uint64_t sector = (f->first + off / FLFS_BLOCK) * SECTORS_PER_BLK;
        if (blk_read(&dev, sector, SECTORS_PER_BLK, 0) < 0)
            return FL_EIO;
        memcpy(buf, dev.buf, n);
    } else {
        memcpy(buf, f->data + off, n);
    }
    memset(buf + n, 0, FL_PAGE_SIZE - n);
    reads++;
    return (long)n;
}

static long write_page(session_t *s, uint64_t id, uint64_t off)
{
    const file_t *f = file_by_id(id);
    if (!f)
        return FL_ENOENT;
    if (!f->disk)
        return FL_EPERM;
    if (off & (FL_PAGE_SIZE - 1))
        return FL_EINVAL;
    if (off / FLFS_BLOCK >= f->nblks)
        return FL_ERANGE;
    memcpy(dev.buf, (const void *)buf_of(s), FLFS_BLOCK);
    if (blk_write(&dev, (f->first + off / FLFS_BLOCK) * SECTORS_PER_BLK, SECTORS_PER_BLK, 0) < 0)
        return FL_EIO;
    return 0;
}

static void detach(session_t *s)
{
    fl_vm_unmap(s->client, s->client_va, 1); /* fails harmlessly if the client has ended */
    fl_vm_unmap(self, buf_of(s), 1);
    fl_handle_close(s->client);
    memset(s, 0, sizeof(*s));
}

int main(int argc, char **argv)
{
    ep = fl_start_handle(0);
    fl_handle_t region = fl_start_handle(1);
    self = fl_self_space();
    ipc = fl_ipcbuf_acquire();
    uint64_t size = argc > 1 ? strtoull(argv[1], NULL, 0) : 0;
    uint64_t mapped = (size + FL_PAGE_SIZE - 1) & ~(uint64_t)(FL_PAGE_SIZE - 1);
    if (!ep || !region || !ipc || !size) {
        printf("files: usage: files <initrd bytes>, with an endpoint and the initrd region\n");
        return 1;
    }
    fl_handle_t blk_ep = fl_start_handle(2);
    long r = fl_region_map(self, region, 0, FILES_INITRD_VA, mapped, FL_PROT_READ);
    if (r < 0 || index_initrd((const void *)FILES_INITRD_VA, size) < 0) {
        printf("files: cannot map or index the initrd: %s\n", fl_strerror(r < 0 ? r : FL_ENOMEM));
        return 1;
    }
    if (blk_ep && index_disk(blk_ep) < 0)
        printf("files: serving the initrd only\n");
    fl_msg_t m = {.tag = 0};
    for (;;) {
        fl_handle_t close_after = 0;
        if ((r = fl_reply_recv(ep, &m)) < 0) {
            if (r == FL_EPEER)
                break;
            m.tag = 0;
            continue;
        }
        session_t *s = m.badge ? session_of(m.badge) : NULL;
        uint64_t size_out = 0, flags = 0;
        switch (FL_TAG_LABEL(m.tag)) {
        case FILES_REQ_OPEN:
            r = open_file(m.w, &size_out, &flags);
            reply(&m, r, size_out, flags);
            break;
        case FILES_REQ_STAT: {
            const file_t *f = file_by_id(m.w[0]);
            reply(&m, f ? 0 : FL_ENOENT, f ? f->size : 0, 0);
            break;
        }
        case FILES_REQ_ATTACH: close_after = attach(&m); break;
        case FILES_REQ_READ: reply(&m, s ? read_page(s, m.w[0], m.w[1]) : FL_EPERM, 0, 0); break;
        case FILES_REQ_WRITE: reply(&m, s ? write_page(s, m.w[0], m.w[1]) : FL_EPERM, 0, 0); break;
        case FILES_REQ_DETACH:
            if (s)
                detach(s);
            reply(&m, s ? 0 : FL_EPERM, 0, 0);
            break;
        case FILES_REQ_INFO: {
            unsigned open = 0;
            for (unsigned i = 0; i < FILES_SESSIONS; i++)
                open += sessions[i].used;
            reply(&m, nfiles, reads, open);
            break;
        }
        default: reply(&m, FL_ENOSYS, 0, 0); break;
        }
        if (close_after) {
            fl_reply(&m);
            fl_handle_close(close_after);
            m.tag = 0;
        }
    }
    return 0;
}
