// Linear-to-physical translation: the guest's page tables walked in software, and a TLB
// of host pointers in front of the walk.
//
// A hit costs one tag compare and one load: each entry holds, per access kind (read,
// write, execute, each for supervisor and user), the linear page tag when that kind is
// permitted and may touch the page directly, and the host address of the page. Misses,
// and pages that must not be touched directly (MMIO, ROM writes), take the slow path:
// the walk (which sets accessed/dirty bits and raises #PF), then a refill.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

#include "mmu/code_pages.h"
#include "mmu/memory_observer.h"
#include "mmu/physical_memory.h"

namespace trapeze {

// Reverses the bytes of an integer (std::byteswap is C++23).
template <typename T>
constexpr T byte_swap(T v) {
  T r = 0;
  for (unsigned i = 0; i < sizeof(T); ++i) r = static_cast<T>((r << 8) | ((v >> (8 * i)) & 0xFF));
  return r;
}

// Little-endian loads and stores of guest data through host pointers.
template <typename T>
inline T load_le(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  if constexpr (std::endian::native == std::endian::big) v = byte_swap(v);
  return v;
}
template <typename T>
inline void store_le(uint8_t* p, T v) {
  if constexpr (std::endian::native == std::endian::big) v = byte_swap(v);
  std::memcpy(p, &v, sizeof(T));
}

enum class Access : uint8_t { kRead = 0, kWrite = 1, kExecute = 2 };

// The paging controls, gathered from CR0, CR3, CR4 and EFER by the CPU.
struct PagingMode {
  bool enabled = false;        // CR0.PG
  bool write_protect = false;  // CR0.WP
  bool pse = false;            // CR4.PSE: 4 MiB pages without PAE
  bool pae = false;            // CR4.PAE
  bool pge = false;            // CR4.PGE: global pages survive CR3 loads
  bool nxe = false;            // EFER.NXE: bit 63 of PAE entries forbids execution
  uint64_t cr3 = 0;
};

class Mmu {
 public:
  explicit Mmu(PhysicalMemory& memory) : memory_(memory) { flush(); }

  // The A20 gate: when off, physical address bit 20 is forced to 0 (8086 wrap-around).
  void set_a20(bool enabled) {
    a20_mask_ = enabled ? ~uint64_t{0} : ~(uint64_t{1} << 20);
    flush();
  }
  bool a20() const { return a20_mask_ & (uint64_t{1} << 20); }
  // New paging controls: flushes the TLB. A CR3 load with PGE keeps global pages instead
  // (call load_cr3 for that).
  void set_paging(const PagingMode& mode);
  void load_cr3(uint64_t cr3);
  const PagingMode& paging() const { return paging_; }
  // Forgets every translation (memory map changes, mode changes).
  void flush();
  // A flag the MMU raises whenever something the CPU's decoded-block loop relies on may
  // have changed: translations (flushes, INVLPG), a store into a page holding decoded
  // code, or an access to a device (which may raise an interrupt).
  void set_attention_flag(bool* flag) { attention_ = flag; }
  // Takes direct write access away from every translation into physical
  // [base, base + size_bytes), so the next write there takes the slow path (a
  // framebuffer's write tracking re-armed); reads keep their fast path.
  void drop_write_access(uint64_t base, uint64_t size_bytes);
  // Forgets the translations of one linear page (INVLPG), global or not.
  void invalidate_page(uint64_t linear);

  // The host address of an access of sizeof(T) bytes at `linear` when the TLB lets
  // `access` touch it directly, else nullptr. One compare: the entry is picked by the
  // access's last byte and its tag names the first byte's page, so an access crossing
  // into the next page (or past 4 GiB) misses as well.
  template <typename T>
  uint8_t* hit(uint64_t linear, Access access, bool user) {
    Entry& e = tlb_[index(linear + (sizeof(T) - 1))];
    return e.tag[kind(access, user)] == tag(linear) ? e.host + (linear & kPageMask) : nullptr;
  }
  template <typename T>
  T read(uint64_t linear, bool user) {
    if (const uint8_t* p = hit<T>(linear, Access::kRead, user)) [[likely]]
      return load_le<T>(p);
    return static_cast<T>(read_slow(linear, sizeof(T), user));
  }
  template <typename T>
  void write(uint64_t linear, T value, bool user) {
    if (uint8_t* p = hit<T>(linear, Access::kWrite, user)) [[likely]] {
      store_le<T>(p, value);
      return;
    }
    write_slow(linear, sizeof(T), value, user);
  }
  // The host address of `linear` when the TLB lets `access` touch its page directly
  // (a hit on a RAM page; for writes, one holding no decoded code), else nullptr: the
  // caller then takes the ordinary path, which walks, faults and refills. For fast paths
  // that move many bytes at once (REP MOVS/STOS); never valid past the page's end.
  uint8_t* direct(uint64_t linear, Access access, bool user) {
    Entry& e = tlb_[index(linear)];
    return e.tag[kind(access, user)] == tag(linear) ? e.host + (linear & kPageMask) : nullptr;
  }
  // Copies up to `n` bytes of code starting at `linear`, stopping at the end of the page.
  // Returns the number copied. Faults (#PF) only for the first page.
  size_t fetch_in_page(uint64_t linear, uint8_t* dst, size_t n, bool user);

  // The physical address of the instruction at `linear` when decoded instructions from
  // there may be cached (plain RAM or ROM, not crossing into MMIO); kNotCacheable else.
  // Faults (#PF) as a fetch would.
  static constexpr uint64_t kNotCacheable = ~uint64_t{0};
  uint64_t translate_fetch(uint64_t linear, bool user) {
    const Entry& e = tlb_[index(linear)];
    if (e.tag[kind(Access::kExecute, user)] == tag(linear))
      return e.physical_page | (linear & kPageMask);
    return translate_fetch_slow(linear, user);
  }
  CodePages& code_pages() { return code_pages_; }
  // Decoded instructions now come from bytes [physical, physical + size) (within one
  // page): from here on, writes to the page take the slow path, which tells the code
  // caches when a store hits them.
  void protect_code(uint64_t physical, unsigned size);

  // The physical address of `linear` for an access of `kind`: walks the page tables,
  // sets accessed/dirty bits and throws CpuException #PF where the guest would fault.
  uint64_t translate(uint64_t linear, Access kind, bool user);
  // A translation for debuggers and traces: no faults, no accessed/dirty bits.
  std::optional<uint64_t> peek_translate(uint64_t linear) const;

  uint64_t to_physical_unpaged(uint64_t linear) const { return linear & a20_mask_; }

  // Reports every data access and page walk to `observer` (nullptr: stop). Flushes the
  // TLB so that no unmarked data translation survives (mmu/memory_observer.h).
  void set_observer(MemoryObserver* observer);
  MemoryObserver* observer() const { return observer_; }

 private:
  static constexpr unsigned kEntries = 4096;
  static constexpr unsigned kKinds = 6;  // read, write, execute x supervisor, user
  // One cache line per entry, so that a hit touches one line (a 72-byte entry straddled
  // two and made the TLB 288 KiB: MOV with a memory operand waited on both).
  struct alignas(64) Entry {
    std::array<uint64_t, kKinds> tag;  // linear page + 1 when this kind may use `host`
    uint8_t* host;
    uint64_t physical_page;
  };
  static_assert(sizeof(Entry) == 64);
  struct Walk {
    uint64_t physical = 0;
    bool writable = false;  // the translation allows writes for the kind's privilege
    bool global = false;
  };
  static unsigned index(uint64_t linear) { return (linear >> 12) & (kEntries - 1); }
  void raise_attention() {
    if (attention_ != nullptr) *attention_ = true;
  }
  // A tag is the linear page + 1 in the low 32 bits and the TLB generation above: a
  // flush starts a new generation instead of clearing 4096 entries, so the old tags stop
  // matching at once (mode switches flush often: SeaBIOS and boot loaders switch between
  // real and protected mode around every BIOS call).
  uint64_t tag(uint64_t linear) const { return ((linear >> 12) + 1) | generation_; }
  static constexpr uint64_t kGenerationUnit = uint64_t{1} << 32;
  void new_generation();
  static unsigned kind(Access a, bool user) { return static_cast<unsigned>(a) + (user ? 3 : 0); }

  bool* attention_ = nullptr;
  uint64_t generation_ = kGenerationUnit;
  // Per entry, the physical page number + 1 while the entry grants direct writes in the
  // current generation (else 0): the short table to scan when a page must lose them.
  std::array<uint32_t, kEntries> write_page_{};
  // Entries filled with global translations in this generation (may repeat): the ones a
  // CR3 load with PGE carries into the next generation.
  std::vector<uint16_t> globals_;
  void drop_writes_where(uint64_t base, uint64_t size_bytes);
  uint64_t read_slow(uint64_t linear, unsigned size, bool user);
  uint64_t translate_fetch_slow(uint64_t linear, bool user);
  void write_slow(uint64_t linear, unsigned size, uint64_t value, bool user);
  // Walks, checks, sets A/D and refills the TLB entry for this kind when the page is
  // directly accessible. Returns the physical address.
  uint64_t translate_and_fill(uint64_t linear, Access kind, bool user);
  // The slow paths proper; `physical` receives the first byte's physical address.
  uint64_t read_unobserved(uint64_t linear, unsigned size, bool user, uint64_t& physical);
  void write_unobserved(uint64_t linear, unsigned size, uint64_t value, bool user,
                        uint64_t& physical);
  // The physical address of a data access: from a marked TLB entry while observing,
  // else by a walk and refill.
  uint64_t data_translation(uint64_t linear, Access access, bool user);
  Walk walk(uint64_t linear, Access kind, bool user, bool side_effects) const;
  [[noreturn]] void page_fault(uint64_t linear, uint32_t error_code) const;
  uint64_t read_table(uint64_t address, bool wide) const;

  PhysicalMemory& memory_;
  uint64_t a20_mask_ = ~uint64_t{0};
  PagingMode paging_;
  alignas(64) std::array<Entry, kEntries> tlb_{};
  std::array<bool, kEntries> global_{};  // the entry holds a global translation
  CodePages code_pages_;
  // Observation: data tags carry kObservedTag (so inline hits fail), and the nested byte
  // accesses of a page-crossing access are not reported on their own.
  static constexpr uint64_t kObservedTag = uint64_t{1} << 63;
  MemoryObserver* observer_ = nullptr;
  uint64_t observed_tag_ = 0;
  bool quiet_ = false;
};

}  // namespace trapeze
