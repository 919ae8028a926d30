// QEMU's firmware configuration device (fw_cfg), the channel through which SeaBIOS
// learns the machine's facts: RAM layout, CPU count, boot order, files such as
// `etc/e820`. I/O port interface only, as on QEMU's pc machine (docs/specs/fw_cfg.rst in
// QEMU's tree; SeaBIOS's fw/paravirt.c is the consumer this matches):
//  - 0x510, selector (16-bit write): chooses an item and rewinds to its first byte;
//  - 0x511, data (8-bit read): the item's next byte; past its end, and for items that do
//    not exist, zeros. (QEMU decodes 0x510-0x511 as one window: any byte read there is a
//    data read, any byte write a data write, which this ignores as QEMU 2.4+ does.)
// Items are little-endian integers or byte strings. The file directory (key 0x19) lists
// named items: a big-endian count, then per file a big-endian 32-bit size, 16-bit
// selector, 16 reserved bits and a 56-byte NUL-padded name. Files get selectors from
// 0x20 in the order they are added.
//
// The ID item (key 1) is 1: the traditional interface, no DMA (SeaBIOS then reads with
// `rep insb`, which is fine at its sizes).
//
// Wiring (the board): construct on the machine's IoBus with the RAM size and CPU count,
// then add what the firmware should see: etc/e820 (fw_cfg_e820_file with
// pc_memory::firmware_memory_map), bootorder, etc/boot-menu-wait, key 0x0E (show the
// boot menu, 16 bits; absent = 0 = no menu and no wait), key 0x8002 (IRQ 0 override, 1
// when the PIT reaches I/O APIC pin 2). No interrupts or events.
#pragma once

#include <spdlog/logger.h>

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "devices/io_bus.h"
#include "devices/pc_memory_layout.h"

namespace trapeze {

class FwCfg : public IoHandler {
 public:
  static constexpr uint16_t kSelectorPort = 0x510;
  static constexpr uint16_t kDataPort = 0x511;

  // Item keys (QEMU include/standard-headers/linux/qemu_fw_cfg.h).
  static constexpr uint16_t kSignature = 0x00;
  static constexpr uint16_t kId = 0x01;
  static constexpr uint16_t kUuid = 0x02;
  static constexpr uint16_t kRamSize = 0x03;
  static constexpr uint16_t kNoGraphic = 0x04;
  static constexpr uint16_t kCpuCount = 0x05;
  // Direct Linux boot (QEMU's x86_load_linux and its linuxboot option ROM): each part's
  // guest-physical address, size in bytes and contents.
  static constexpr uint16_t kKernelAddr = 0x07;
  static constexpr uint16_t kKernelSize = 0x08;
  static constexpr uint16_t kInitrdAddr = 0x0A;
  static constexpr uint16_t kInitrdSize = 0x0B;
  static constexpr uint16_t kBootMenu = 0x0E;
  static constexpr uint16_t kMaxCpus = 0x0F;
  static constexpr uint16_t kKernelData = 0x11;
  static constexpr uint16_t kInitrdData = 0x12;
  static constexpr uint16_t kCmdlineAddr = 0x13;
  static constexpr uint16_t kCmdlineSize = 0x14;  // including the terminating NUL
  static constexpr uint16_t kCmdlineData = 0x15;
  static constexpr uint16_t kSetupAddr = 0x16;
  static constexpr uint16_t kSetupSize = 0x17;
  static constexpr uint16_t kSetupData = 0x18;
  static constexpr uint16_t kFileDir = 0x19;
  static constexpr uint16_t kFileFirst = 0x20;
  static constexpr uint16_t kIrq0Override = 0x8002;
  static constexpr uint16_t kE820Table = 0x8003;
  static constexpr size_t kFileNameBytes = 56;  // including the terminating NUL

  static constexpr uint32_t kIdTraditional = 0x1;

  FwCfg(IoBus& io, uint64_t ram_bytes, uint16_t cpu_count, uint16_t max_cpus);
  FwCfg(const FwCfg&) = delete;
  FwCfg& operator=(const FwCfg&) = delete;

  // Sets a numbered item (a later call replaces it). Keys in the file range are the
  // files' own: use add_file for those.
  void set_item(uint16_t key, std::vector<uint8_t> bytes);
  void set_u16(uint16_t key, uint16_t value);
  void set_u32(uint16_t key, uint32_t value);
  void set_u64(uint16_t key, uint64_t value);
  // Adds a named file, or replaces the contents of the file of that name; returns its
  // selector. Throws std::invalid_argument for an empty name or one of 56 bytes or more.
  uint16_t add_file(const std::string& name, std::vector<uint8_t> bytes);
  uint16_t add_file(const std::string& name, std::string_view text);

  // Machine reset: the selection goes back to the signature (QEMU resets to key 0).
  void reset();

  uint16_t selector() const { return selector_; }
  // The item for `key`, or nullptr (for the monitor and tests).
  const std::vector<uint8_t>* item(uint16_t key) const;
  // The byte the next data read would return, without consuming it.
  uint8_t peek_data() const;

  // IoHandler.
  uint32_t io_read(uint16_t port, unsigned size_bytes) override;
  void io_write(uint16_t port, unsigned size_bytes, uint32_t value) override;

 private:
  struct File {
    std::string name;
    uint16_t selector = 0;
  };

  void rebuild_directory();
  uint8_t read_data();

  std::map<uint16_t, std::vector<uint8_t>> items_;
  std::vector<File> files_;
  uint16_t selector_ = kSignature;
  size_t offset_ = 0;
  std::shared_ptr<spdlog::logger> log_;
  IoRegistration registration_;
};

// The contents of `etc/e820` as SeaBIOS's qemu_cfg_e820 parses it: per range a 64-bit
// address, a 64-bit length and a 32-bit type, little-endian, packed (20 bytes each).
std::vector<uint8_t> fw_cfg_e820_file(std::span<const pc_memory::Range> ranges);

}  // namespace trapeze
