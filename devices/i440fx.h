// The Intel 82441FX PCI and memory controller (PMC), host bridge of the 440FX chipset,
// at PCI 00.0 (8086:1237, revision 02) as on QEMU's pc machine.
//
// What it emulates is the programmable attribute map (PAM, config 0x59-0x5F, Intel
// 82441FX datasheet section 3.2.17): the 256 KiB below 1 MiB is thirteen segments, each
// with two attribute bits, bit 0 RE (reads go to DRAM) and bit 1 WE (writes go to DRAM);
// an access the PAM does not send to DRAM goes to PCI, where the PIIX3 answers with the
// BIOS flash for the top 128 KiB and nothing answers below that:
//   0x59 bits 5:4    0xF0000-0xFFFFF (64 KiB, the BIOS segment)
//   0x5A bits 1:0    0xC0000-0xC3FFF, bits 5:4 0xC4000-0xC7FFF, and so on to
//   0x5F bits 5:4    0xEC000-0xEFFFF (16 KiB each)
// The four combinations are realised by remapping the AddressMap, so the CPU keeps its
// fast path in every mode but one:
//   0 (PCI)          the BIOS image where it reaches, otherwise unmapped (open bus);
//   1 (read DRAM)    a read-only copy of the shadow RAM (writes go to PCI: the flash
//                    drops them), which is exact because nothing else can change that
//                    RAM while it is not writable;
//   2 (write DRAM)   an MMIO window reading the PCI side and collecting writes, which
//                    reach the RAM when the mode changes (nothing can read them before);
//   3 (DRAM)         the RAM itself.
// The shadow RAM is the guest RAM block's bytes 0xC0000-0xFFFFF (QEMU's layout), so the
// board must map no RAM there itself and the machine needs at least 1 MiB of RAM.
//
// SeaBIOS (fw/shadow.c) reads 0x59 at POST: bit 4 clear means the BIOS is not shadowed
// yet, so it sets 0x30/0x33 and copies itself from the high flash; before booting it
// write-protects with 0x10/0x11. reset() restores the power-on PAM (all PCI), so a
// reboot shows the pristine flash again and SeaBIOS takes its cold-boot path.
//
// SMRAM control (0x72) keeps its value with the datasheet's lock semantics; SMM itself is
// not emulated (SeaBIOS skips SMM setup because PIIX4 PM config 0x5B bit 1 is preset), so
// opening or enabling SMRAM is logged and has no effect on 0xA0000-0xBFFFF.
//
// Wiring: construct after the PciBus with the machine's AddressMap and the bytes of the
// firmware image that appear just below 1 MiB (the last min(image, 128 KiB) bytes: see
// bios/bios_rom.h, bios_low_window_bytes); the board maps the full image below 4 GiB
// itself. Call reset() on machine reset. No ports, interrupts or events.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "devices/pci_device.h"
#include "mmu/address_map.h"

namespace trapeze {

class I440fx : public PciDevice {
 public:
  static constexpr PciAddress kAddress{0, 0};
  static constexpr uint16_t kVendorId = 0x8086;
  static constexpr uint16_t kDeviceId = 0x1237;
  static constexpr uint8_t kRevision = 0x02;

  static constexpr uint8_t kPam0 = 0x59;  // PAM0-PAM6: 0x59-0x5F
  static constexpr uint8_t kPamCount = 7;
  static constexpr uint8_t kSmram = 0x72;
  static constexpr uint8_t kSmramOpen = 0x40;     // D_OPEN
  static constexpr uint8_t kSmramClose = 0x20;    // D_CLS
  static constexpr uint8_t kSmramLock = 0x10;     // D_LCK
  static constexpr uint8_t kSmramEnable = 0x08;   // G_SMRAME
  static constexpr uint8_t kSmramBaseSeg = 0x02;  // C_BASE_SEG = 010b: SMRAM at 0xA0000

  static constexpr uint64_t kShadowStart = 0xC0000;
  static constexpr uint64_t kShadowEnd = 0x100000;

  // The two attribute bits of a PAM nibble.
  enum class PamMode : uint8_t { kPci = 0, kReadDram = 1, kWriteDram = 2, kDram = 3 };

  // `isa_bios` is what the PCI side shows just below 1 MiB (copied): a multiple of
  // 16 KiB, at most 256 KiB, ending at 0x100000. Throws std::invalid_argument for a bad
  // image size or when `memory` has less than 1 MiB of RAM.
  I440fx(PciBus& bus, AddressMap& memory, std::span<const uint8_t> isa_bios,
         PciAddress address = kAddress);
  ~I440fx() override;

  // Power-on state: registers to their defaults, every PAM segment back to PCI (shadow
  // RAM keeps its contents, as DRAM does across a reset).
  void reset();

  // The mode of the segment holding `address` (in [kShadowStart, kShadowEnd)).
  PamMode pam_mode(uint64_t address) const;

 private:
  // One PAM segment. In write-DRAM mode it is also the MMIO handler of its window.
  class Segment : public MmioHandler {
   public:
    uint64_t base = 0;
    uint64_t window_bytes = 0;
    uint8_t pam_register = 0;  // config offset of its PAM register
    unsigned shift = 0;        // 0 or 4: its nibble
    PamMode mode = PamMode::kPci;
    bool mapped = false;                  // something of ours sits at `base`
    std::span<const uint8_t> rom;         // the flash bytes behind it, empty if none
    std::vector<uint8_t> pending_writes;  // write-DRAM mode: the RAM as written so far

    uint64_t read(uint64_t offset, unsigned size_bytes) override;
    void write(uint64_t offset, unsigned size_bytes, uint64_t value) override;
  };
  static constexpr size_t kSegments = 13;

  void config_written(uint8_t offset, unsigned size_bytes) override;
  void define_registers();
  void apply_pam();
  void set_mode(Segment& segment, PamMode mode);
  void unmap_segment(Segment& segment);
  // The shadow RAM behind a segment, through a transient RAM mapping (the segment's own
  // mapping must be gone).
  std::vector<uint8_t> read_dram(const Segment& segment);
  void write_dram(const Segment& segment, std::span<const uint8_t> bytes);
  void update_smram();

  AddressMap& memory_;
  std::vector<uint8_t> isa_bios_;
  std::array<Segment, kSegments> segments_{};
  bool smram_logged_ = false;
};

}  // namespace trapeze
