/* The tests' helpers are public as <pager/sim_test.h> (installed with the SDK). */
#include <pager/sim_test.h>
