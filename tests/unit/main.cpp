// The one translation unit that provides doctest's main(); every other file in
// tests/unit/ only includes <doctest/doctest.h>.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
