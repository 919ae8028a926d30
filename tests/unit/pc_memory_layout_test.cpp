// The PC memory map handed to guests matches the RAM the board maps.
#include "devices/pc_memory_layout.h"

#include <doctest/doctest.h>

using namespace trapeze;
using namespace trapeze::pc_memory;

TEST_CASE("PC memory map: 128 MiB") {
  const std::vector<Range> expected = {
      {0, 0x9FC00, RangeType::kUsable},
      {0x9FC00, 0x60400, RangeType::kReserved},
      {0x100000, 127 * kMiB, RangeType::kUsable},
  };
  CHECK(memory_map(128 * kMiB) == expected);
}

TEST_CASE("PC memory map: 1 MiB has no extended memory") { CHECK(memory_map(kMiB).size() == 2); }

TEST_CASE("PC memory map: RAM beyond 3.5 GiB moves above 4 GiB") {
  const std::vector<Range> map = memory_map(4096 * kMiB);
  REQUIRE(map.size() == 4);
  CHECK(map[2] == Range{0x100000, 0xE0000000 - 0x100000, RangeType::kUsable});
  CHECK(map[3] == Range{uint64_t{1} << 32, 512 * kMiB, RangeType::kUsable});
}
