/*
 * The protocol of the file server (userland/files/files.c): the files of the initrd, read-only,
 * and of an flfs disk (docs/storage.md), read-write, by name. docs/storage.md explains the design;
 * the reference pager is its main client.
 *
 * The server receives on one endpoint. Badge 0 (the unbadged handle its spawner holds, and
 * copies of it) may OPEN, STAT, ATTACH and ask INFO; a session badge (>= FILES_BADGE_MIN,
 * minted by ATTACH) may also READ. Every request is an FL_SYS_CALL; the reply has label
 * FILES_REPLY and w0 = a result (>= 0) or a negative fl_err_t.
 *
 *   OPEN    w0..w3 = the name, NUL-padded (at most FILES_NAME_MAX - 1 bytes).
 *           reply: w0 = file id (>= 1), w1 = size in bytes, w2 = FILES_F_* flags.
 *           Errors: ENOENT, EINVAL. A disk file (FILES_F_DISK) shadows an initrd one.
 *   STAT    w0 = file id. reply: w0 = 0, w1 = size.           Errors: ENOENT.
 *   ATTACH  handles: [0] the caller's space (MAP); w0 = a page-aligned address in it. The server
 *           maps one page of its own there, read-write: the session's buffer (READ leaves
 *           a page there, WRITE takes one from there).
 *           reply: handles [0] the session endpoint (WRITE), w0 = 0.
 *           Errors: EINVAL (no handle, unaligned), EFULL (FILES_SESSIONS in use), ENOMEM.
 *   READ    session only. w0 = file id, w1 = offset (page aligned). The server copies the
 *           file's page at offset into the session buffer, bytes past the end zero.
 *           reply: w0 = bytes of file data in the page (1..4096).
 *           Errors: ENOENT (id), EINVAL (unaligned), ERANGE (offset >= size), EPERM (badge 0).
 *   WRITE   session only. w0 = file id, w1 = offset (page aligned). The server writes the
 *           4096 bytes of the session buffer to the file's page at offset, on disk. The size
 *           does not change: only the file's capacity (whole blocks) bounds the offset.
 *           reply: w0 = 0.  Errors: ENOENT, EINVAL, EPERM (badge 0, or an initrd file),
 *           ERANGE (offset past the capacity), EIO (the disk failed).
 *   DETACH  session only: unmaps the buffer and ends the session.
 *   INFO    reply: w0 = files, w1 = READs served, w2 = sessions open.
 */
#ifndef FL_FILES_PROTO_H
#define FL_FILES_PROTO_H

#define FILES_REQ_OPEN   0xf11e01u
#define FILES_REQ_STAT   0xf11e02u
#define FILES_REQ_ATTACH 0xf11e03u
#define FILES_REQ_READ   0xf11e04u
#define FILES_REQ_DETACH 0xf11e05u
#define FILES_REQ_INFO   0xf11e06u
#define FILES_REQ_WRITE  0xf11e07u
#define FILES_REPLY      0xf11e80u

#define FILES_F_DISK 1u /* OPEN: a file of the disk image: WRITE works on it */

#define FILES_NAME_MAX  32u /* OPEN: 4 words, NUL included */
#define FILES_SESSIONS  8u
#define FILES_BADGE_MIN 16u
/* Where the server maps the initrd in its own space (read-only). */
#define FILES_INITRD_VA 0x1000000000UL
/* Where it maps its block session's buffer (one page) when it serves a disk. */
#define FILES_BLKBUF_VA 0x1400000000UL

/* ATTACH carries a handle: 5 words, for the reason given in fl/pager_proto.h. */
#define FILES_HANDLE_MSG_WORDS 5u

#endif
