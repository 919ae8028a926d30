// Which physical pages hold decoded instructions, and a generation number per page that
// changes whenever such a page is written: the decoded-instruction cache compares it to
// notice self-modifying code. Pages above 4 GiB are never cached, so the table covers
// 2^20 pages, allocated in chunks on first use.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

namespace trapeze {

class CodePages {
 public:
  static constexpr uint64_t kLimit = uint64_t{1} << 32;  // cacheable physical addresses

  CodePages() : chunks_(kChunks) {}

  bool contains_code(uint64_t physical) const {
    if (physical >= kLimit) return false;
    const Chunk* c = chunks_[chunk_index(physical)].get();
    return c != nullptr && c->code[page_in_chunk(physical)];
  }
  uint32_t generation(uint64_t physical) const {
    const Chunk* c = chunks_[chunk_index(physical)].get();
    return c != nullptr ? c->generation[page_in_chunk(physical)] : 0;
  }
  // The page now holds decoded instructions: writes to it must call invalidate().
  void mark_code(uint64_t physical) {
    auto& c = chunks_[chunk_index(physical)];
    if (!c) c = std::make_unique<Chunk>();
    c->code[page_in_chunk(physical)] = 1;
  }
  // A write reached a code page: everything decoded from it is stale.
  void invalidate(uint64_t physical) {
    Chunk* c = chunks_[chunk_index(physical)].get();
    if (c == nullptr) return;
    const unsigned n = page_in_chunk(physical);
    c->code[n] = 0;
    ++c->generation[n];
  }

 private:
  static constexpr unsigned kPagesPerChunk = 1024;
  static constexpr unsigned kChunks = static_cast<unsigned>((kLimit >> 12) / kPagesPerChunk);
  struct Chunk {
    std::array<uint32_t, kPagesPerChunk> generation{};
    std::array<uint8_t, kPagesPerChunk> code{};
  };
  static unsigned chunk_index(uint64_t physical) { return static_cast<unsigned>(physical >> 22); }
  static unsigned page_in_chunk(uint64_t physical) { return (physical >> 12) & (kPagesPerChunk - 1); }

  std::vector<std::unique_ptr<Chunk>> chunks_;
};

}  // namespace trapeze
