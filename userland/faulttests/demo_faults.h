/*
 * The fault demo: init (demo_faults) is the pager of a small program (faultdemo) that touches
 * pages nobody mapped; each fault is printed with its decoded fields as init resolves it.
 */
#ifndef FAULTTESTS_DEMO_FAULTS_H
#define FAULTTESTS_DEMO_FAULTS_H

/* faultdemo's lazily mapped region: DEMO_PAGES pages at DEMO_VA. */
#define DEMO_VA          0x5000000000ULL
#define DEMO_PAGES       8
#define DEMO_AHEAD_FIRST 2 /* pages 2..5: mapped by one reply */
#define DEMO_AHEAD       4
#define DEMO_TEXT_PAGE   6  /* holds the text faultdemo writes with FL_SYS_DEBUG_WRITE */
#define DEMO_TEXT_LEN    61 /* strlen of demo_faults.c's demo_text */
#define DEMO_FAULTS      5  /* page 0, page 1, pages 2-5, the system call, the refused page */

/* Spawns faultdemo with init as its pager and serves its faults, printing one line each;
 * returns when faultdemo has ended. */
void demo_faults(void);
/* The same; 0 when it went as planned (DEMO_FAULTS faults, and faultdemo stopped by the
 * refusal), -1 otherwise. */
int demo_faults_run(void);

#endif
