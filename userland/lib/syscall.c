/* Out-of-line helpers for the system call stubs in fl/syscall.h. */
#include <fl/syscall.h>

const char *fl_strerror(long err)
{
    static const char *const names[] = {
        [0] = "FL_OK",
        [-FL_EINVAL] = "FL_EINVAL",
        [-FL_ENOMEM] = "FL_ENOMEM",
        [-FL_EBADH] = "FL_EBADH",
        [-FL_EPERM] = "FL_EPERM",
        [-FL_EFAULT] = "FL_EFAULT",
        [-FL_ERANGE] = "FL_ERANGE",
        [-FL_EBUSY] = "FL_EBUSY",
        [-FL_ENOENT] = "FL_ENOENT",
        [-FL_EEXIST] = "FL_EEXIST",
        [-FL_ENOSYS] = "FL_ENOSYS",
        [-FL_EPEER] = "FL_EPEER",
        [-FL_ETYPE] = "FL_ETYPE",
        [-FL_EFULL] = "FL_EFULL",
        [-FL_EAGAIN] = "FL_EAGAIN",
        [-FL_ECORRUPT] = "FL_ECORRUPT",
        [-FL_EIO] = "FL_EIO",
        [-FL_EPAGER] = "FL_EPAGER",
        [-FL_ETIMEDOUT] = "FL_ETIMEDOUT",
    };
    if (err >= 0)
        return "FL_OK";
    if (-err < (long)(sizeof(names) / sizeof(names[0])) && names[-err])
        return names[-err];
    return "?";
}

long fl_frames_free(void)
{
    fl_sysinfo_t info;
    long err = fl_system_info(&info);
    return err < 0 ? err : (long)info.frames_free;
}
