// What a debugger or trace sees of the MMU: every guest data access (linear and physical
// address, size, value) and, on request, every page-table walk.
//
// Observation never slows the unobserved TLB hit path: while an observer is attached, the
// TLB stores data translations with a marker bit in the tag, so the inline one-compare
// hit test fails and every data access takes the slow path, which reports it and then
// still uses the cached host pointer (no extra walks, so accessed/dirty bits are set
// exactly as in an unobserved run).
#pragma once

#include <cstdint>

namespace trapeze {

struct MemoryAccess {
  uint64_t linear = 0;
  uint64_t physical = 0;  // of the first byte (a page-crossing access is one record)
  unsigned size_bytes = 0;
  uint64_t value = 0;
  bool write = false;
};

struct PageWalk {
  uint64_t linear = 0;
  uint64_t physical = 0;
  uint8_t access = 0;  // mmu Access: 0 read, 1 write, 2 execute
  bool user = false;
};

class MemoryObserver {
 public:
  virtual ~MemoryObserver() = default;
  virtual void memory_access(const MemoryAccess& access) = 0;
  // A successful walk of the guest page tables (a TLB miss), with accessed/dirty updates.
  virtual void page_walk(const PageWalk& /*walk*/) {}
};

}  // namespace trapeze
