// Which physical pages hold decoded instructions, and a generation number per page that
// changes whenever decoded code there is written: the decoded-instruction caches compare
// it to notice self-modifying code. Pages above 4 GiB are never cached, so the table
// covers 2^20 pages, allocated in chunks on first use.
//
// Each page records which of its 64-byte pieces hold decoded code: a store into the same
// page but beside the code (BIOS and boot loader stacks and variables often share a page
// with code) goes through without throwing the page's decoded code away.
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
    return c != nullptr && c->code[page_in_chunk(physical)] != 0;
  }
  // Whether a store of `size` bytes at `physical` (within one page) hits decoded code.
  bool hits_code(uint64_t physical, unsigned size) const {
    if (physical >= kLimit) return false;
    const Chunk* c = chunks_[chunk_index(physical)].get();
    return c != nullptr && (c->code[page_in_chunk(physical)] & pieces(physical, size)) != 0;
  }
  uint32_t generation(uint64_t physical) const {
    const Chunk* c = chunks_[chunk_index(physical)].get();
    return c != nullptr ? c->generation[page_in_chunk(physical)] : 0;
  }
  // Bytes [physical, physical + size) (within one page) now hold decoded instructions:
  // stores there must call invalidate(). Returns whether the page held no code before.
  bool mark_code(uint64_t physical, unsigned size) {
    auto& c = chunks_[chunk_index(physical)];
    if (!c) c = std::make_unique<Chunk>();
    uint64_t& mask = c->code[page_in_chunk(physical)];
    const bool first = mask == 0;
    mask |= pieces(physical, size);
    return first;
  }
  // A write reached decoded code (or a device wrote the page): everything decoded from
  // the page is stale.
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
    std::array<uint64_t, kPagesPerChunk> code{};  // bit n: bytes 64n..64n+63 hold code
  };
  // The 64-byte pieces [physical, physical + size) touches, as a mask.
  static uint64_t pieces(uint64_t physical, unsigned size) {
    const unsigned first = (physical >> 6) & 63;
    const unsigned last = ((physical + (size > 0 ? size - 1 : 0)) >> 6) & 63;
    const uint64_t upto_last = last == 63 ? ~uint64_t{0} : (uint64_t{1} << (last + 1)) - 1;
    return upto_last & ~((uint64_t{1} << first) - 1);
  }
  static unsigned chunk_index(uint64_t physical) { return static_cast<unsigned>(physical >> 22); }
  static unsigned page_in_chunk(uint64_t physical) {
    return (physical >> 12) & (kPagesPerChunk - 1);
  }

  std::vector<std::unique_ptr<Chunk>> chunks_;
};

}  // namespace trapeze
