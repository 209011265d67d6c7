/* The simulated backend moved to the public <pager/sim.h> (libpager_sim); kept for old includes. */
#include <pager/sim.h>
