// The decoded-block cache: blocks whose addresses share a set both stay (an idle Linux's
// timer interrupt path had pairs that evicted each other on every tick while the cache
// was direct-mapped), and a page generation or an epoch change still misses.
#include "cpu/block_cache.h"

#include <doctest/doctest.h>

using namespace trapeze;

namespace {

void build(BlockCache& cache, uint64_t physical, uint32_t generation) {
  DecodedBlock& block = cache.begin(physical);
  block.count = 1;
  block.span = 2;
  cache.commit(block, physical, true, generation);
}

}  // namespace

TEST_CASE("Block cache: two blocks whose addresses share a set are both kept") {
  BlockCache cache;
  // Two blocks of an idle Linux's timer interrupt path that share a set (and shared the
  // one slot of the direct-mapped cache).
  const uint64_t a = 0x310AB6E, b = 0x390E36A;
  build(cache, a, 0);
  build(cache, b, 0);
  const DecodedBlock* found_a = cache.find(a, true, 0);
  const DecodedBlock* found_b = cache.find(b, true, 0);
  REQUIRE(found_a != nullptr);
  REQUIRE(found_b != nullptr);
  CHECK(found_a != found_b);
  CHECK(found_a->count == 1);
  // Keyed by code size too, and valid only for the page generation and epoch built in.
  CHECK(cache.find(a, false, 0) == nullptr);
  CHECK(cache.find(a, true, 1) == nullptr);
  cache.clear();
  CHECK(cache.find(a, true, 0) == nullptr);
  CHECK(cache.find(b, true, 0) == nullptr);
}
