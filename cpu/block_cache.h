// Decoded basic blocks: runs of instructions decoded once from one physical page and then
// executed back to back, so the per-instruction work is the handler call and one check
// (did the instruction branch, or ask the loop to look around?) instead of a TLB lookup,
// a code-page generation lookup and a cache probe per instruction (issue 10).
//
// A block starts where execution enters it and ends after an instruction that usually
// transfers control, at the page's end (an instruction that may cross into the next
// page is never in a block), or after kMaxInstructions. Blocks are keyed like the
// per-instruction cache (physical address and code size) and are valid while their
// page's generation and the cache epoch are unchanged; a store into the running block's
// page also stops the block at once (the MMU raises Cpu's attention flag).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "cpu/insn.h"

namespace trapeze {

struct DecodedBlock {
  static constexpr unsigned kMaxInstructions = 16;
  uint64_t key = 0;
  uint32_t generation = 0;
  uint32_t epoch = 0;
  uint32_t span = 0;  // bytes from the first instruction's start to the last one's end
  uint32_t count = 0;
  std::array<Insn, kMaxInstructions> insns;
};

// Per opcode-table row: true when a block ends after that instruction.
std::vector<bool> block_ending_rows();

class BlockCache {
 public:
  BlockCache() : blocks_(std::make_unique<std::array<DecodedBlock, kBlocks>>()) {}

  DecodedBlock* find(uint64_t physical, bool code32, uint32_t generation) {
    DecodedBlock* ways = set_of(physical);
    const uint64_t k = key(physical, code32);
    for (unsigned way = 0; way < kWays; ++way) {
      DecodedBlock& b = ways[way];
      if (b.key == k && b.generation == generation && b.epoch == epoch_) return &b;
    }
    return nullptr;
  }
  // The entry a new block for this address goes to; the caller fills the instructions and
  // then calls commit(). The set's newest block moves to the second way (its oldest is
  // dropped), so two hot blocks that share a set both stay: direct-mapped, an idle
  // Linux's timer interrupt path had six pairs of blocks evicting each other, decoded
  // again on every tick (22,000 decodes a second).
  DecodedBlock& begin(uint64_t physical) {
    DecodedBlock* ways = set_of(physical);
    std::swap(ways[0], ways[1]);
    DecodedBlock& b = ways[0];
    b.key = 0;
    b.count = 0;
    b.span = 0;
    return b;
  }
  void commit(DecodedBlock& b, uint64_t physical, bool code32, uint32_t generation) {
    b.key = key(physical, code32);
    b.generation = generation;
    b.epoch = epoch_;
  }
  // Forgets every block: reset, or physical memory remapped (PAM, BARs).
  void clear() { ++epoch_; }

 private:
  static constexpr unsigned kBlocks = 1u << 14;  // 16384 blocks, about 11 MB
  static constexpr unsigned kWays = 2;
  static constexpr unsigned kSets = kBlocks / kWays;
  DecodedBlock* set_of(uint64_t physical) {
    const auto set = static_cast<unsigned>((physical ^ (physical >> 12)) & (kSets - 1));
    return &(*blocks_)[set * kWays];
  }
  static uint64_t key(uint64_t physical, bool code32) {
    return (physical << 2) | (code32 ? 2 : 0) | 1;
  }

  std::unique_ptr<std::array<DecodedBlock, kBlocks>> blocks_;
  uint32_t epoch_ = 1;
};

}  // namespace trapeze
