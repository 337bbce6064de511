/* The main of every unit-test executable: runs the file's suite and exits non-zero on any failure. */
#include "test_support.h"

#include <stdlib.h>

int main(void)
{
    SRunner *runner = srunner_create(make_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
