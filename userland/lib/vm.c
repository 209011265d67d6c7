/* The client side of the reference pager's protocol; see fl/vm.h and fl/pager_proto.h. */
#include <fl/pager_proto.h>
#include <fl/runtime.h>
#include <fl/syscall.h>
#include <fl/vm.h>
#include <string.h>

long fl_pager_request(fl_handle_t ep, unsigned label, uint64_t w0, uint64_t w1, uint64_t w2,
                      uint64_t w3)
{
    fl_msg_t m = {.tag = FL_TAG(label, 4, 0), .w = {w0, w1, w2, w3}};
    if (!ep)
        return FL_EPEER;
    long r = fl_call(ep, &m);
    if (r < 0)
        return r;
    return FL_TAG_LABEL(m.tag) == PAGER_REPLY ? (long)m.w[0] : FL_EPEER;
}

static long call4(fl_handle_t ep, unsigned label, uint64_t w0, uint64_t w1, uint64_t w2,
                  uint64_t out[4])
{
    fl_msg_t m = {.tag = FL_TAG(label, 3, 0), .w = {w0, w1, w2}};
    long r = fl_call(ep, &m);
    if (r < 0)
        return r;
    if (FL_TAG_LABEL(m.tag) != PAGER_REPLY)
        return FL_EPEER;
    memcpy(out, m.w, 4 * sizeof(uint64_t));
    return (long)m.w[0];
}

long fl_pager_stats(fl_handle_t ep, uint64_t id, vm_stats_t *out)
{
    uint64_t a[4], b[4], c[4];
    long r;
    if ((r = call4(ep, PAGER_REQ_STATS, PAGER_STATS_FAULTS, id, 0, a)) < 0 ||
        (r = call4(ep, PAGER_REQ_STATS, PAGER_STATS_FILLS, id, 0, b)) < 0 ||
        (r = call4(ep, PAGER_REQ_STATS, PAGER_STATS_PAGER, id, 0, c)) < 0)
        return r;
    *out = (vm_stats_t){a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3], c[0], c[1], c[2], 0};
    if (call4(ep, PAGER_REQ_STATS, PAGER_STATS_PAGER, 0, 0, c) >= 0)
        out->pager_clients = c[3];
    return 0;
}

long fl_pager_report(fl_handle_t ep, uint64_t id, fl_pager_report_t *out)
{
    uint64_t a[4];
    long r = call4(ep, PAGER_REQ_REPORT, id, 0, 0, a);
    if (r < 0)
        return r;
    *out = (fl_pager_report_t){a[0], a[1], a[2], (unsigned)(a[3] & 0xff), (unsigned)(a[3] >> 8)};
    return 0;
}

long fl_pager_register(fl_handle_t ep, fl_handle_t space, const char *name, fl_handle_t notify,
                       uint64_t bits, uint64_t *id, fl_handle_t *badged)
{
    fl_ipc_buffer_t *buf = fl_ipcbuf_acquire();
    if (!buf)
        return FL_ENOMEM;
    uint64_t word = 0;
    strncpy((char *)&word, name ? name : "?", sizeof(word));
    unsigned n = 0;
    buf->handles[n] = space;
    buf->handle_rights[n++] = FL_RIGHT_MAP | FL_RIGHT_READ;
    buf->handles[n] = fl_self_space();
    buf->handle_rights[n++] = FL_RIGHT_MAP;
    if (notify) {
        buf->handles[n] = notify;
        buf->handle_rights[n++] = FL_RIGHT_WRITE;
    }
    uint64_t flags = PAGER_REG_LOADER | (notify ? PAGER_REG_NOTIFY : 0);
    fl_msg_t m = {.tag = FL_TAG(PAGER_REQ_REGISTER, PAGER_HANDLE_MSG_WORDS, n),
                  .w = {bits, word, flags}};
    long r = fl_call(ep, &m);
    if (r >= 0 && (FL_TAG_LABEL(m.tag) != PAGER_REPLY || (long)m.w[0] < 0))
        r = FL_TAG_LABEL(m.tag) == PAGER_REPLY ? (long)m.w[0] : FL_EPEER;
    else if (r >= 0 && FL_TAG_HANDLES(m.tag) < 1)
        r = FL_EPEER;
    if (r >= 0) {
        *id = m.w[0];
        *badged = buf->handles[0];
        r = 0;
    }
    fl_ipcbuf_release();
    return r;
}

long vm_map(void *hint, size_t length, unsigned prot, unsigned flags, void **out)
{
    uint64_t f = (flags & VM_FIXED) ? PAGER_PROTO_FIXED : 0;
    long r = fl_pager_request(fl_pager(), PAGER_REQ_MAP, (uint64_t)hint, length, prot | f << 8, 0);
    if (r >= 0) {
        *out = (void *)r;
        r = 0;
    }
    return r;
}

long vm_unmap(void *addr, size_t length)
{
    return fl_pager_request(fl_pager(), PAGER_REQ_UNMAP, (uint64_t)addr, length, 0, 0);
}

long vm_protect(void *addr, size_t length, unsigned prot)
{
    return fl_pager_request(fl_pager(), PAGER_REQ_PROTECT, (uint64_t)addr, length, prot, 0);
}

long vm_stats(vm_stats_t *out)
{
    if (!fl_pager())
        return FL_EPEER;
    return fl_pager_stats(fl_pager(), 0, out);
}

long vm_file_open(const char *name, uint64_t *size)
{
    uint64_t w[4] = {0};
    size_t n = strlen(name);
    if (n == 0 || n >= sizeof(w))
        return FL_EINVAL;
    memcpy(w, name, n);
    fl_msg_t m = {.tag = FL_TAG(PAGER_REQ_FILE_OPEN, 4, 0), .w = {w[0], w[1], w[2], w[3]}};
    if (!fl_pager())
        return FL_EPEER;
    long r = fl_call(fl_pager(), &m);
    if (r < 0)
        return r;
    if (FL_TAG_LABEL(m.tag) != PAGER_REPLY)
        return FL_EPEER;
    if ((long)m.w[0] >= 0 && size)
        *size = m.w[1];
    return (long)m.w[0];
}

long vm_map_file(void *hint, size_t length, unsigned prot, unsigned flags, uint64_t id, void **out)
{
    uint64_t f = ((flags & VM_FIXED) ? PAGER_PROTO_FIXED : 0) |
                 ((flags & VM_SHARED) ? PAGER_PROTO_SHARED : 0);
    long r =
        fl_pager_request(fl_pager(), PAGER_REQ_MAP_FILE, (uint64_t)hint, length, prot | f << 8, id);
    if (r >= 0) {
        *out = (void *)r;
        r = 0;
    }
    return r;
}

long vm_sync(void *addr, size_t length)
{
    return fl_pager_request(fl_pager(), PAGER_REQ_SYNC, (uint64_t)addr, length, 0, 0);
}

long fl_pager_cache_stats(fl_handle_t ep, vm_cache_stats_t *out)
{
    uint64_t a[4];
    long r = call4(ep, PAGER_REQ_STATS, PAGER_STATS_CACHE, 0, 0, a);
    if (r < 0)
        return r;
    *out = (vm_cache_stats_t){a[0], a[1], a[2], a[3]};
    return 0;
}
