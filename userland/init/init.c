/*
 * init: the root task. Prints what the kernel's boot information says, then runs the in-OS
 * test suite when booted with fl.test=<all|name,name...>, or else the ping/pong demo, and
 * powers off with FL_EXIT_PASS or FL_EXIT_TEST_FAILED (exit() does FL_SYS_SYSTEM_EXIT for
 * init, runtime.c).
 */
#include "init.h"
#include <faultline/exit.h>
#include <fl/runtime.h>
#include <fl/syscall.h>
#include <stdio.h>
#include <string.h>

/* Copies the value of the boot argument key=... into out (a word of bootargs). */
static int bootarg(const char *args, const char *key, char *out, size_t outsz)
{
    size_t klen = strlen(key);
    for (const char *p = args; *p;) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, " ");
        if (n > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
            size_t vlen = n - klen - 1;
            if (vlen >= outsz)
                vlen = outsz - 1;
            memcpy(out, p + klen + 1, vlen);
            out[vlen] = '\0';
            return 1;
        }
        p += n;
    }
    return 0;
}

int main(void)
{
    const fl_bootinfo_t *bi = fl_bootinfo;
    char args[sizeof(bi->bootargs) + 1], which[128];
    fl_sysinfo_t info;

    if (!bi) {
        printf("init: started without boot information\n");
        return FL_EXIT_BOOT_FAILED;
    }
    memcpy(args, bi->bootargs, sizeof(bi->bootargs));
    args[sizeof(bi->bootargs)] = '\0';
    fl_system_info(&info);
    printf("init: faultline root task at EL0 (boot info v%u at %p)\n", bi->version, (void *)bi);
    printf("init: %llu frames, %llu free; handles: space %u, thread %u, pool %u, initrd %u\n",
           (unsigned long long)bi->frames_total, (unsigned long long)info.frames_free,
           bi->self_space, bi->self_thread, bi->root_pool, bi->initrd);
    printf("init: initrd %llu bytes at %#llx; %u devices; bootargs \"%s\"\n",
           (unsigned long long)bi->initrd_size, (unsigned long long)bi->initrd_vaddr, bi->ndevices,
           args);
    unsigned ndev = bi->ndevices < FL_BOOTINFO_MAX_DEV ? bi->ndevices : FL_BOOTINFO_MAX_DEV;
    if (ndev) {
        const fl_bootinfo_device_t *d0 = &bi->devices[0], *dn = &bi->devices[ndev - 1];
        printf("init: devices: kind %u at %#llx (region %u) .. kind %u at %#llx (region %u)\n",
               d0->kind, (unsigned long long)d0->base, d0->region, dn->kind,
               (unsigned long long)dn->base, dn->region);
    }

    if (bootarg(args, "fl.test", which, sizeof(which))) {
        int failed = tests_run(which);
        return failed ? FL_EXIT_TEST_FAILED : FL_EXIT_PASS;
    }
    if (bootarg(args, "fl.fuzz", which, sizeof(which))) {
        int failed = fuzz_run(which);
        return failed ? FL_EXIT_TEST_FAILED : FL_EXIT_PASS;
    }
    return demo_run();
}
