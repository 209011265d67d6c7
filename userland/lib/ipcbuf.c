/* The IPC buffer for handle transfers; see fl/vm.h. It is allocated by the process itself
 * (FL_SYS_VM_ALLOC), never by a pager: the kernel needs the page mapped before the call, and
 * a forked child must not share the frame the kernel writes messages into. */
#include <fl/layout.h>
#include <fl/runtime.h>
#include <fl/syscall.h>
#include <fl/vm.h>

static unsigned refs;

fl_ipc_buffer_t *fl_ipcbuf_acquire(void)
{
    if (refs == 0) {
        if (fl_vm_alloc(fl_self_space(), FL_IPCBUF_VA, 1, FL_PROT_READ | FL_PROT_WRITE) < 0)
            return NULL;
        if (fl_thread_set_ipc_buffer((void *)FL_IPCBUF_VA) < 0) {
            fl_vm_unmap(fl_self_space(), FL_IPCBUF_VA, 1);
            return NULL;
        }
    }
    refs++;
    return (fl_ipc_buffer_t *)FL_IPCBUF_VA;
}

void fl_ipcbuf_release(void)
{
    if (refs == 0 || --refs)
        return;
    fl_thread_set_ipc_buffer(NULL);
    fl_vm_unmap(fl_self_space(), FL_IPCBUF_VA, 1);
}

void fl_ipcbuf_forget(void)
{
    refs = 0;
}
