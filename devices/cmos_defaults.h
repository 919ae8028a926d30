// The CMOS RAM contents a PC BIOS reads at POST, filled in the layout QEMU's pc machine
// uses (hw/i386/pc.c pc_cmos_init) and SeaBIOS reads without fw_cfg (src/hw/rtc.h;
// src/fw/paravirt.c qemu_preinit, src/boot.c boot_init, src/hw/floppy.c):
//
//   0x10        floppy drive types (drive 0 high nibble, drive 1 low nibble)
//   0x14        equipment byte: bit 0 floppies present, bit 1 FPU, bit 2 PS/2 mouse,
//               bits 6-7 floppy count - 1
//   0x15/0x16   base memory in KiB (640)
//   0x17/0x18   extended memory above 1 MiB in KiB, at most 0xFFFF (the AT's field)
//   0x30/0x31   the same again (what SeaBIOS reads when 0x34/0x35 is zero)
//   0x34/0x35   memory between 16 MiB and the PCI hole in 64 KiB units, at most 0xFFFF
//   0x38        bits 4-7 the third boot device; bit 0 set = do not check the floppy's
//               boot signature
//   0x3D        bits 0-3 the first, 4-7 the second boot device (1 floppy, 2 disk, 3 CD,
//               4 network)
//   0x5B-0x5D   memory above 4 GiB in 64 KiB units (24 bits)
//   0x5F        CPU count - 1
//   0x2E/0x2F   the AT checksum of 0x10-0x2D, high byte first
// The century (0x32) is not set here: the clock keeps it (rtc_cmos.h).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "devices/rtc_cmos.h"

namespace trapeze {

enum class BootDevice : uint8_t { kNone = 0, kFloppy = 1, kDisk = 2, kCdrom = 3, kNetwork = 4 };

struct BootOrder {
  // First to third choice. QEMU's default, "cad": disk, then floppy, then CD-ROM.
  std::array<BootDevice, 3> devices{BootDevice::kDisk, BootDevice::kFloppy, BootDevice::kCdrom};
  bool check_floppy_signature = true;

  // QEMU's -boot letters: 'a' floppy, 'c' disk, 'd' CD-ROM, 'n' network; up to three,
  // no repeats ("c", "d", "dc", "cdn"). Nullopt for anything else.
  static std::optional<BootOrder> from_letters(std::string_view letters);
  friend bool operator==(const BootOrder&, const BootOrder&) = default;
};

struct PcCmosSettings {
  uint64_t ram_bytes = 128ull << 20;
  BootOrder boot_order;
  unsigned cpu_count = 1;
  // CMOS drive types (4 = 1.44 MB 3.5"), 0 for no drive.
  uint8_t floppy0_type = 0;
  uint8_t floppy1_type = 0;
};

// Writes the fields above into `rtc`, through the same path as guest writes.
void set_pc_defaults(RtcCmos& rtc, const PcCmosSettings& settings);
void set_pc_defaults(RtcCmos& rtc, uint64_t ram_bytes, const BootOrder& boot_order = {},
                     unsigned cpu_count = 1);

}  // namespace trapeze
