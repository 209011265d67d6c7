/*
 * ping: calls a pong server (fl/pingpong.h) on start handle 0 and checks every reply.
 * Usage: ping <count> <badge> [-q]: <badge> is the badge its handle carries, which pong must
 * report back. Exits with the number of bad replies (0: all good), PING_EXIT_USAGE or
 * PING_EXIT_IPC.
 */
#include <fl/pingpong.h>
#include <fl/runtime.h>
#include <fl/syscall.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc < 3)
        return PING_EXIT_USAGE;
    unsigned long count = strtoul(argv[1], NULL, 0);
    unsigned long long badge = strtoull(argv[2], NULL, 0);
    int quiet = argc > 3 && strcmp(argv[3], "-q") == 0;
    fl_handle_t ep = fl_start_handle(0);
    int bad = 0;

    for (unsigned long i = 1; i <= count; i++) {
        fl_msg_t m = {.tag = FL_TAG(PONG_MSG_PING, 2, 0), .w = {i * 1000, i}};
        long r = fl_call(ep, &m);
        if (r < 0) {
            printf("ping: call %lu failed: %s\n", i, fl_strerror(r));
            return PING_EXIT_IPC;
        }
        int ok = FL_TAG_LABEL(m.tag) == PONG_MSG_PONG && m.w[0] == i * 1000 + 1 && m.w[1] == i &&
                 m.w[2] == badge;
        if (!ok)
            bad++;
        if (!quiet || !ok)
            printf("ping: sent %lu, got %llu back; pong saw badge %#llx (%s)\n", i * 1000,
                   (unsigned long long)m.w[0], (unsigned long long)m.w[2],
                   ok ? "as expected" : "WRONG");
    }
    return bad;
}
