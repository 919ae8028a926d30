// The doctest runner of trapeze-frontend-tests; the cases live one file per unit.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
