/*
 * pong: serves the ping/pong protocol (fl/pingpong.h) on start handle 0 until told to quit.
 * Usage: pong [-q]. Prints each request unless -q. Exits 0 after QUIT, 1 if its endpoint
 * fails (e.g. every client handle is gone).
 */
#include <fl/pingpong.h>
#include <fl/runtime.h>
#include <fl/syscall.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    int quiet = argc > 1 && strcmp(argv[1], "-q") == 0;
    fl_handle_t ep = fl_start_handle(0);
    uint64_t served = 0;
    fl_msg_t m;

    if (!quiet)
        printf("pong: serving endpoint handle %u\n", ep);
    long r = fl_recv(ep, &m);
    for (;;) {
        if (r < 0) {
            printf("pong: receive failed: %s\n", fl_strerror(r));
            return 1;
        }
        uint64_t label = FL_TAG_LABEL(m.tag), badge = m.badge;
        if (label == PONG_MSG_QUIT) {
            if (!quiet)
                printf("pong: quit from badge %#llx after %llu pings\n", (unsigned long long)badge,
                       (unsigned long long)served);
            fl_msg_t reply = {.tag = FL_TAG(PONG_MSG_PONG, 1, 0), .w = {served}};
            fl_reply(&reply);
            return 0;
        }
        if (label == PONG_MSG_PING) {
            served++;
            if (!quiet)
                printf("pong: ping %llu from badge %#llx, value %llu\n", (unsigned long long)m.w[1],
                       (unsigned long long)badge, (unsigned long long)m.w[0]);
            m.tag = FL_TAG(PONG_MSG_PONG, 4, 0);
            m.w[0] = m.w[0] + 1;
            m.w[2] = badge;
            m.w[3] = served;
        } else {
            m.tag = FL_TAG(PONG_MSG_ERROR, 0, 0);
        }
        r = fl_reply_recv(ep, &m);
    }
}
