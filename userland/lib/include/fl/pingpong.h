/*
 * The protocol of the ping and pong programs (userland/programs/), used by init's demo and by
 * the in-OS tests. pong serves one endpoint; ping calls it.
 *
 *   PING  call  w0 = value, w1 = sequence number
 *         reply FL_TAG(PONG_MSG_PONG, 4, 0): w0 = value + 1, w1 = the sequence number,
 *               w2 = the badge pong saw, w3 = how many requests pong has served (1, 2, ...)
 *   QUIT  call  (no words)
 *         reply FL_TAG(PONG_MSG_PONG, 1, 0): w0 = requests served before it; pong then exits
 *   other labels: reply FL_TAG(PONG_MSG_ERROR, 0, 0)
 */
#ifndef FL_PINGPONG_H
#define FL_PINGPONG_H

#define PONG_MSG_PING  1
#define PONG_MSG_QUIT  2
#define PONG_MSG_PONG  3
#define PONG_MSG_ERROR 4

/* ping's exit status beyond the count of bad replies. */
#define PING_EXIT_USAGE 200
#define PING_EXIT_IPC   201

#endif
