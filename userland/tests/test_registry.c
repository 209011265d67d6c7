/* Checks FL_TEST registration itself: a test defined outside runner.c's table runs. */
#include "tests.h"

FL_TEST(registry_self)
{
    return NULL;
}
