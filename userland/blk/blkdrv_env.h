/*
 * For in-OS tests that need a disk (swap, disk files): start blkdrv in a pool of its own and
 * give it the first virtio-blk transport in init's boot information, then stop it cleanly.
 */
#ifndef BLK_BLKDRV_ENV_H
#define BLK_BLKDRV_ENV_H

#include <faultline/ipc.h>
#include <fl/spawn.h>
#include <stdint.h>

typedef struct blkdrv_env {
    fl_handle_t pool;    /* blkdrv's pool (it manages it: DMA addresses) */
    fl_handle_t ep;      /* blkdrv's endpoint (read, write, grant) */
    fl_handle_t reports; /* blkdrv's exit report arrives here */
    int dev;             /* index of the attached transport in the boot information, or -1 */
    uint64_t capacity;   /* sectors */
} blkdrv_env_t;

/* The IPC buffer blkdrv_env_start registers for this thread (blk_open sends through it). */
fl_ipc_buffer_t *blkdrv_env_ipc(void);

/* Spawns blkdrv into *drv (tracked for the runner's cleanup, so drv must outlive the test)
 * and attaches the first block device; e->dev stays -1 when there is none. NULL or a reason. */
const char *blkdrv_env_start(blkdrv_env_t *e, fl_proc_t *drv, uint64_t badge);
/* Shuts blkdrv down (its device is reset; if it does not answer, the test resets the device
 * itself through a window in init's stack block) and rebinds the IRQ, which init still holds, to a
 * parking notification so the dead driver's notification and pool are not kept alive. */
void blkdrv_env_stop(blkdrv_env_t *e, fl_proc_t *drv);

#endif
