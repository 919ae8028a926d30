// Guest-physical address space: which ranges are RAM, ROM or a device's registers
// (MMIO), and what is left unmapped (open bus).
//
// The machine owns one block of guest RAM (ram_size() bytes, zeroed) and maps windows of
// it into the physical space; PCs do not map RAM contiguously (the 640 KiB - 1 MiB hole,
// the PCI hole below 4 GiB), so a window says which part of the block appears where. ROMs
// are copies of their image; MMIO ranges forward to a device. Ranges never overlap: a
// second mapping over a live one is a wiring bug and throws. Remapping (PAM shadowing,
// PCI BARs) is unmap() followed by map_*(), and notifies the map-changed listener so the
// CPU drops its cached host pointers.
//
// Safety: every access is checked against the region it hits, and page_pointer() only
// hands out pages that lie wholly inside RAM (or ROM, for reads), so a guest can never
// reach host memory outside what the machine gave it.
#pragma once

#include <spdlog/logger.h>

#include <cstdint>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "mmu/physical_memory.h"

namespace trapeze {

// A device's registers in physical memory. `offset` is relative to the mapping's base;
// `size_bytes` is 1, 2, 4 or 8 and the access never leaves the mapped range.
class MmioHandler {
 public:
  virtual ~MmioHandler() = default;
  virtual uint64_t read(uint64_t offset, unsigned size_bytes) = 0;
  virtual void write(uint64_t offset, unsigned size_bytes, uint64_t value) = 0;
};

class AddressMap : public PhysicalMemory {
 public:
  // Allocates `ram_size_bytes` of zeroed guest RAM (a multiple of 4 KiB) and maps nothing.
  // Throws std::invalid_argument for a bad size, std::bad_alloc when the host refuses.
  explicit AddressMap(uint64_t ram_size_bytes);
  AddressMap(const AddressMap&) = delete;
  AddressMap& operator=(const AddressMap&) = delete;

  uint64_t ram_size() const { return ram_size_bytes_; }

  // Maps RAM bytes [ram_offset, ram_offset + size) at physical [base, base + size).
  // The two-argument form maps the RAM at its own address (ram_offset = base).
  void map_ram(uint64_t base, uint64_t size_bytes, uint64_t ram_offset);
  void map_ram(uint64_t base, uint64_t size_bytes) { map_ram(base, size_bytes, base); }
  // Maps a device's own memory (a framebuffer) at `base` as RAM: the CPU reads and
  // writes `buffer` directly through its TLB. The buffer must outlive the mapping and
  // have a size that is a multiple of 4 KiB. With `track_writes`, the first guest write
  // after each take_writes() goes through the slow path and marks the mapping written,
  // so a display can tell an idle framebuffer from a changed one without comparing it.
  void map_ram_buffer(std::string name, uint64_t base, std::span<uint8_t> buffer,
                      bool track_writes);
  // For the tracked buffer mapped at `base`: true when the guest wrote to it since the
  // last call. Re-arms the tracking: the write-tracking listener (else the map-changed
  // listener) is told to drop direct write access to the range.
  bool take_writes(uint64_t base);
  // Called when take_writes() re-arms [base, base + size): the CPU must forget direct
  // write pointers into the range (Mmu::drop_write_access), nothing else.
  void on_write_tracking_rearmed(std::function<void(uint64_t base, uint64_t size_bytes)> listener) {
    write_tracking_rearmed_ = std::move(listener);
  }
  // Maps a read-only copy of `image` at `base`. Guest writes are dropped.
  void map_rom(std::string name, uint64_t base, std::span<const uint8_t> image);
  // Forwards [base, base + size) to `handler`, which must outlive the mapping.
  void map_mmio(std::string name, uint64_t base, uint64_t size_bytes, MmioHandler& handler);
  // Removes the mapping that starts at `base` (throws std::invalid_argument if none).
  void unmap(uint64_t base);

  // Called after every map_*() and unmap(): cached translations (the CPU's TLB, decoded
  // code) may point at pages that now mean something else.
  void on_map_changed(std::function<void()> listener) { map_changed_ = std::move(listener); }

  // Loader access, without side effects: copies into RAM or from RAM/ROM. Throws
  // std::out_of_range when any byte of the range is not RAM (to) or not RAM/ROM (from),
  // because a loader that misses memory has been given a guest that does not fit.
  void copy_to_guest(uint64_t address, std::span<const uint8_t> bytes);
  void copy_from_guest(uint64_t address, std::span<uint8_t> bytes) const;

  // PhysicalMemory.
  uint8_t* page_pointer(uint64_t address, bool for_write) override;
  uint64_t read(uint64_t address, unsigned size_bytes) override;
  void write(uint64_t address, unsigned size_bytes, uint64_t value) override;

 private:
  enum class Kind { kRam, kRom, kMmio };
  struct Region {
    std::string name;
    Kind kind = Kind::kRam;
    uint64_t base = 0;
    uint64_t last = 0;         // inclusive, so a region may end at the top of the address space
    uint64_t ram_offset = 0;   // kRam: where in the RAM block the region starts
    std::vector<uint8_t> rom;  // kRom: the image
    MmioHandler* handler = nullptr;  // kMmio
    bool write_logged = false;       // kRom: a dropped write has been reported
    // kRam over a device buffer: direct writes are handed out only after a slow-path
    // write has set `written` (take_writes() clears it).
    bool track_writes = false;
    bool written = false;
    // Host bytes of a RAM or ROM region (nullptr for MMIO).
    uint8_t* host = nullptr;
  };
  struct FreeDeleter {
    void operator()(uint8_t* p) const { std::free(p); }
  };

  // The inclusive end of [base, base + size); throws for empty or wrapping ranges.
  static uint64_t last_address(const std::string& name, uint64_t base, uint64_t size_bytes);
  void insert(Region region);
  void notify_map_changed();
  // The region holding `address`, or nullptr.
  Region* find(uint64_t address);
  const Region* find(uint64_t address) const;
  // True when no byte of the access is mapped.
  bool hole(uint64_t address, unsigned size_bytes) const;
  void log_unmapped(const char* what, uint64_t address, unsigned size_bytes);

  uint64_t ram_size_bytes_ = 0;
  // calloc'ed: the host hands out zero pages lazily, so a large guest costs nothing
  // until it touches its memory.
  std::unique_ptr<uint8_t, FreeDeleter> ram_;
  std::map<uint64_t, Region> regions_;  // by base
  std::function<void()> map_changed_;
  std::function<void(uint64_t, uint64_t)> write_tracking_rearmed_;
  // Unmapped accesses are usually a guest probing for hardware; report the first few.
  unsigned unmapped_reports_left_ = 16;
  std::shared_ptr<spdlog::logger> log_;
};

}  // namespace trapeze
