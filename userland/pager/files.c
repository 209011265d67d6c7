/*
 * File mappings: the pager's side of the file server (fl/files_proto.h). At start-up the pager
 * ATTACHes with its own space, so the server's session buffer appears at FILEBUF_VA; libpager's
 * file_read hook asks for one page (READ) and copies it out of there into the frame, its
 * file_write hook (dirty shared pages of disk files, on sync and eviction) copies the frame
 * in and asks for a WRITE. Clients name
 * files through the pager (PAGER_REQ_FILE_OPEN), which remembers id and size, so that a map
 * can only name a file the server knows and a bad access past the end can say so.
 * The page cache itself is libpager's (cfg.page_cache): a page is read once for all clients.
 */
#include <fl/files_proto.h>
#include <fl/page.h>
#include <stdio.h>
#include <string.h>

#include "server.h"

/* A session of the file server through ep with its buffer at va: its endpoint, or an error. */
static long attach(server_t *srv, fl_handle_t ep, fl_ipc_buffer_t *ipc, uint64_t va)
{
    ipc->handles[0] = srv->self;
    ipc->handle_rights[0] = FL_RIGHT_MAP;
    fl_msg_t m = {.tag = FL_TAG(FILES_REQ_ATTACH, FILES_HANDLE_MSG_WORDS, 1), .w = {va}};
    long r = fl_call(ep, &m);
    if (r >= 0 && FL_TAG_LABEL(m.tag) == FILES_REPLY && (long)m.w[0] == 0 &&
        FL_TAG_HANDLES(m.tag) >= 1)
        return (long)ipc->handles[0];
    return r < 0 ? r : (long)m.w[0] < 0 ? (long)m.w[0] : FL_EPEER;
}

void files_init(server_t *srv, fl_handle_t files_ep, fl_ipc_buffer_t *ipc)
{
    if (!files_ep)
        return;
    long r = attach(srv, files_ep, ipc, FILEBUF_VA);
    if (r >= 0) {
        srv->files = files_ep;
        srv->session = (fl_handle_t)r;
        return;
    }
    printf("pager: no file mappings: cannot attach to the file server (%s)\n", fl_strerror(r));
}

fl_handle_t files_attach(server_t *srv, fl_ipc_buffer_t *ipc, uint64_t va)
{
    long r = srv->files ? attach(srv, srv->files, ipc, va) : FL_ENOSYS;
    return r < 0 ? 0 : (fl_handle_t)r;
}

static long files_call(fl_handle_t ep, unsigned label, uint64_t w0, uint64_t w1, uint64_t *w1_out)
{
    fl_msg_t m = {.tag = FL_TAG(label, 2, 0), .w = {w0, w1}};
    long r = fl_call(ep, &m);
    if (r < 0)
        return r;
    if (FL_TAG_LABEL(m.tag) != FILES_REPLY)
        return FL_EPEER;
    if (w1_out)
        *w1_out = m.w[1];
    return (long)m.w[0];
}

long files_open(server_t *srv, const uint64_t name[4], uint64_t *size)
{
    if (!srv->files)
        return FL_ENOSYS;
    fl_msg_t m = {.tag = FL_TAG(FILES_REQ_OPEN, 4, 0), .w = {name[0], name[1], name[2], name[3]}};
    long r = fl_call(srv->files, &m);
    if (r < 0)
        return r;
    if ((long)m.w[0] < 0)
        return (long)m.w[0];
    uint64_t id = m.w[0];
    *size = m.w[1];
    bool disk = m.w[2] & FILES_F_DISK;
    if (!files_find(srv, id)) {
        if (srv->nfiletab == MAX_FILES)
            return FL_EFULL;
        file_ent_t *f = &srv->filetab[srv->nfiletab++];
        f->id = id;
        f->size = *size;
        f->disk = disk;
        memcpy(f->name, name, sizeof(f->name));
        f->name[sizeof(f->name) - 1] = '\0';
    }
    return (long)id;
}

const file_ent_t *files_find(const server_t *srv, uint64_t id)
{
    for (unsigned i = 0; i < srv->nfiletab; i++)
        if (srv->filetab[i].id == id)
            return &srv->filetab[i];
    return NULL;
}

/* libpager's file_read: one page through the session buffer. Past the end of the file the
 * server says FL_ERANGE, which libpager reports as PAGER_BAD_IO (a bus error). */
long files_session_read(fl_handle_t session, uint64_t file_id, uint64_t offset)
{
    return files_call(session, FILES_REQ_READ, file_id, offset, NULL);
}

int files_read(void *ctx, uint64_t file_id, uint64_t offset, uint64_t frame)
{
    server_t *srv = ctx;
    if (afile_take(file_id, offset, frame)) /* read by the reader thread meanwhile */
        return 0;
    if (!srv->session)
        return PAGER_EIO;
    long r = files_call(srv->session, FILES_REQ_READ, file_id, offset, NULL);
    if (r < 0)
        return r == FL_ENOMEM ? PAGER_ENOMEM : PAGER_EIO;
    stock_written(frame);
    fl_page_copy((void *)frame, (const void *)FILEBUF_VA);
    return 0;
}

int files_write(void *ctx, uint64_t file_id, uint64_t offset, uint64_t frame)
{
    server_t *srv = ctx;
    const file_ent_t *f = files_find(srv, file_id);
    if (!srv->session || !f || !f->disk)
        return PAGER_EPERM;
    fl_page_copy((void *)FILEBUF_VA, (const void *)frame);
    long r = files_call(srv->session, FILES_REQ_WRITE, file_id, offset, NULL);
    return r < 0 ? PAGER_EIO : 0;
}
