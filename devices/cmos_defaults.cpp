#include "devices/cmos_defaults.h"

#include <algorithm>

#include "devices/pc_memory_layout.h"

namespace trapeze {

namespace {

constexpr uint64_t kKiB = 1024;
constexpr uint64_t k64KiB = 64 * 1024;

void write16(RtcCmos& rtc, uint8_t index, uint64_t value) {
  rtc.write(index, static_cast<uint8_t>(value));
  rtc.write(static_cast<uint8_t>(index + 1), static_cast<uint8_t>(value >> 8));
}

}  // namespace

std::optional<BootOrder> BootOrder::from_letters(std::string_view letters) {
  if (letters.empty() || letters.size() > 3) return std::nullopt;
  BootOrder order;
  order.devices = {BootDevice::kNone, BootDevice::kNone, BootDevice::kNone};
  for (size_t i = 0; i < letters.size(); ++i) {
    BootDevice device = BootDevice::kNone;
    switch (letters[i]) {
      case 'a':
        device = BootDevice::kFloppy;
        break;
      case 'c':
        device = BootDevice::kDisk;
        break;
      case 'd':
        device = BootDevice::kCdrom;
        break;
      case 'n':
        device = BootDevice::kNetwork;
        break;
      default:
        return std::nullopt;
    }
    if (std::find(order.devices.begin(), order.devices.end(), device) != order.devices.end())
      return std::nullopt;
    order.devices[i] = device;
  }
  return order;
}

void set_pc_defaults(RtcCmos& rtc, const PcCmosSettings& settings) {
  const uint64_t low_ram = pc_memory::low_ram_end(settings.ram_bytes);
  const uint64_t high_ram = settings.ram_bytes - low_ram;

  rtc.write(0x10,
            static_cast<uint8_t>(settings.floppy0_type << 4 | (settings.floppy1_type & 0x0F)));
  const unsigned floppies = (settings.floppy0_type != 0) + (settings.floppy1_type != 0);
  uint8_t equipment = 0x02 | 0x04;  // FPU, PS/2 mouse
  if (floppies > 0) equipment |= static_cast<uint8_t>(0x01 | (floppies - 1) << 6);
  rtc.write(0x14, equipment);

  write16(rtc, 0x15, std::min<uint64_t>(low_ram / kKiB, 640));
  const uint64_t extended_kib =
      low_ram > pc_memory::kExtendedStart ? (low_ram - pc_memory::kExtendedStart) / kKiB : 0;
  write16(rtc, 0x17, std::min<uint64_t>(extended_kib, 0xFFFF));
  write16(rtc, 0x30, std::min<uint64_t>(extended_kib, 0xFFFF));
  const uint64_t above_16m =
      low_ram > 16 * pc_memory::kMiB ? (low_ram - 16 * pc_memory::kMiB) / k64KiB : 0;
  write16(rtc, 0x34, std::min<uint64_t>(above_16m, 0xFFFF));
  const uint64_t above_4g = high_ram / k64KiB;
  rtc.write(0x5B, static_cast<uint8_t>(above_4g));
  rtc.write(0x5C, static_cast<uint8_t>(above_4g >> 8));
  rtc.write(0x5D, static_cast<uint8_t>(above_4g >> 16));

  const auto nibble = [&](size_t i) {
    return static_cast<uint8_t>(settings.boot_order.devices[i]);
  };
  rtc.write(0x3D, static_cast<uint8_t>(nibble(1) << 4 | nibble(0)));
  rtc.write(0x38, static_cast<uint8_t>(nibble(2) << 4 |
                                       (settings.boot_order.check_floppy_signature ? 0 : 1)));

  rtc.write(0x5F, static_cast<uint8_t>(std::max(settings.cpu_count, 1u) - 1));

  unsigned sum = 0;
  for (uint8_t index = 0x10; index <= 0x2D; ++index) sum += rtc.peek(index);
  rtc.write(0x2E, static_cast<uint8_t>(sum >> 8));
  rtc.write(0x2F, static_cast<uint8_t>(sum));
}

void set_pc_defaults(RtcCmos& rtc, uint64_t ram_bytes, const BootOrder& boot_order,
                     unsigned cpu_count) {
  PcCmosSettings settings;
  settings.ram_bytes = ram_bytes;
  settings.boot_order = boot_order;
  settings.cpu_count = cpu_count;
  set_pc_defaults(rtc, settings);
}

}  // namespace trapeze
