// Segment and gate descriptors as they sit in the GDT, LDT and IDT (SDM vol. 3, 3.4.5
// and 6.11), decoded from their 8 raw bytes.
#pragma once

#include <cstdint>

namespace trapeze {

// System descriptor and gate types (S = 0).
namespace sys {
inline constexpr unsigned kTss16Available = 1;
inline constexpr unsigned kLdt = 2;
inline constexpr unsigned kTss16Busy = 3;
inline constexpr unsigned kCallGate16 = 4;
inline constexpr unsigned kTaskGate = 5;
inline constexpr unsigned kInterruptGate16 = 6;
inline constexpr unsigned kTrapGate16 = 7;
inline constexpr unsigned kTss32Available = 9;
inline constexpr unsigned kTss32Busy = 11;
inline constexpr unsigned kCallGate32 = 12;
inline constexpr unsigned kInterruptGate32 = 14;
inline constexpr unsigned kTrapGate32 = 15;
}  // namespace sys

// Bits of Segment::rights (access byte in 0-7, flags nibble in 12-15).
namespace rights {
inline constexpr uint16_t kAccessed = 1u << 0;
inline constexpr uint16_t kReadWrite = 1u << 1;  // data: writable; code: readable
inline constexpr uint16_t kExpandDownConforming = 1u << 2;
inline constexpr uint16_t kCode = 1u << 3;
inline constexpr uint16_t kNonSystem = 1u << 4;  // S: code or data
inline constexpr uint16_t kPresent = 1u << 7;
inline constexpr uint16_t kLong = 1u << 13;
inline constexpr uint16_t kBig = 1u << 14;  // D/B
inline constexpr uint16_t kGranularity = 1u << 15;
}  // namespace rights

struct Descriptor {
  uint32_t low = 0;   // bytes 0-3
  uint32_t high = 0;  // bytes 4-7

  uint64_t base() const { return (low >> 16) | ((high & 0xFF) << 16) | (high & 0xFF000000); }
  uint32_t limit() const {
    uint32_t raw = (low & 0xFFFF) | (high & 0x000F0000);
    return (high & (1u << 23)) ? (raw << 12) | 0xFFF : raw;
  }
  // Access byte and flags in the layout of Segment::rights.
  uint16_t rights() const { return static_cast<uint16_t>(((high >> 8) & 0xFF) | ((high >> 8) & 0xF000)); }
  unsigned type() const { return (high >> 8) & 0xF; }
  bool system() const { return !((high >> 12) & 1); }
  unsigned dpl() const { return (high >> 13) & 3; }
  bool present() const { return (high >> 15) & 1; }
  bool code() const { return !system() && (type() & 8); }
  bool data() const { return !system() && !(type() & 8); }
  bool conforming() const { return code() && (type() & 4); }
  bool readable() const { return data() || (type() & 2); }  // code: R bit; data always
  bool writable_data() const { return data() && (type() & 2); }

  // Gates: target selector, offset (16-bit gates use the low word), parameter count.
  uint16_t gate_selector() const { return static_cast<uint16_t>(low >> 16); }
  uint32_t gate_offset() const { return (low & 0xFFFF) | (high & 0xFFFF0000); }
  unsigned gate_params() const { return high & 0x1F; }
  bool gate32() const { return type() & 8; }
};

}  // namespace trapeze
