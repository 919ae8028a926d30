// The CMOS fields a BIOS reads at POST, checked the way SeaBIOS decodes them
// (src/fw/paravirt.c qemu_preinit and qemu_cfg_e820, src/boot.c boot_init) and against
// what QEMU's pc_cmos_init writes for the same machine.
#include "devices/cmos_defaults.h"

#include <doctest/doctest.h>

#include <vector>

#include "devices/io_bus.h"
#include "devices/rtc_cmos.h"
#include "devices/scheduler.h"

using namespace trapeze;

namespace {

constexpr uint64_t kMiB = 1024 * 1024;

struct Cmos {
  IoBus bus;
  Scheduler scheduler;
  RtcCmos rtc{bus, scheduler, RtcCmos::kFixedStartUnixSeconds};

  uint8_t read(uint8_t index) {
    bus.out(0x70, 1, index | 0x80);
    return static_cast<uint8_t>(bus.in(0x71, 1));
  }
  // qemu_preinit's RamSize.
  uint64_t seabios_ram_size() {
    uint64_t size = uint64_t{read(0x34)} << 16 | uint64_t{read(0x35)} << 24;
    if (size != 0) return size + 16 * kMiB;
    return (uint64_t{read(0x30)} << 10 | uint64_t{read(0x31)} << 18) + 1 * kMiB;
  }
  // qemu_cfg_e820's RamSizeOver4G.
  uint64_t seabios_ram_over_4g() {
    return uint64_t{read(0x5B)} << 16 | uint64_t{read(0x5C)} << 24 | uint64_t{read(0x5D)} << 32;
  }
  // boot_init's priority list: the device types in boot order.
  std::vector<unsigned> seabios_boot_order() {
    uint32_t order = read(0x3D) | (read(0x38) & 0xF0) << 4;
    std::vector<unsigned> devices;
    for (int i = 0; i < 3; ++i, order >>= 4) devices.push_back(order & 0x0F);
    return devices;
  }
};

}  // namespace

TEST_CASE("cmos_defaults: 128 MiB, QEMU's default boot order, one CPU") {
  Cmos c;
  set_pc_defaults(c.rtc, 128 * kMiB);
  CHECK(c.read(0x10) == 0x00);
  CHECK(c.read(0x14) == 0x06);
  CHECK(c.read(0x15) == 0x80);  // 640 KiB
  CHECK(c.read(0x16) == 0x02);
  CHECK(c.read(0x17) == 0xFF);  // 127 MiB in KiB does not fit: 0xFFFF
  CHECK(c.read(0x18) == 0xFF);
  CHECK(c.read(0x30) == 0xFF);
  CHECK(c.read(0x31) == 0xFF);
  CHECK(c.read(0x34) == 0x00);  // 0x0700 as QEMU writes for 128 MiB
  CHECK(c.read(0x35) == 0x07);
  CHECK(c.read(0x3D) == 0x12);
  CHECK(c.read(0x38) == 0x30);
  CHECK(c.read(0x5F) == 0x00);
  CHECK(c.read(0x32) == 0x20);  // the clock's century
  CHECK(c.seabios_ram_size() == 128 * kMiB);
  CHECK(c.seabios_ram_over_4g() == 0);
  CHECK(c.seabios_boot_order() == std::vector<unsigned>{2, 1, 3});
  unsigned sum = 0;
  for (uint8_t i = 0x10; i <= 0x2D; ++i) sum += c.read(i);
  CHECK(c.read(0x2E) == (sum >> 8));
  CHECK(c.read(0x2F) == (sum & 0xFF));
  CHECK(sum == 0x06 + 0x80 + 0x02 + 0xFF + 0xFF);
}

TEST_CASE("cmos_defaults: small machines use the extended-memory field") {
  Cmos c;
  set_pc_defaults(c.rtc, 8 * kMiB);
  CHECK(c.read(0x34) == 0);
  CHECK(c.read(0x35) == 0);
  CHECK(c.read(0x30) == 0x00);  // 7 MiB = 7168 KiB = 0x1C00
  CHECK(c.read(0x31) == 0x1C);
  CHECK(c.seabios_ram_size() == 8 * kMiB);

  Cmos d;
  set_pc_defaults(d.rtc, 32 * kMiB);
  CHECK(d.read(0x17) == 0x00);  // 31 MiB = 0x7C00 KiB
  CHECK(d.read(0x18) == 0x7C);
  CHECK(d.read(0x34) == 0x00);  // 16 MiB / 64 KiB = 0x100
  CHECK(d.read(0x35) == 0x01);
  CHECK(d.seabios_ram_size() == 32 * kMiB);
}

TEST_CASE("cmos_defaults: RAM beyond the PCI hole is reported above 4 GiB") {
  Cmos c;
  set_pc_defaults(c.rtc, 6144 * kMiB, BootOrder{}, 4);
  CHECK(c.seabios_ram_size() == 0xE0000000);
  CHECK(c.seabios_ram_over_4g() == 6144 * kMiB - 0xE0000000);
  CHECK(c.read(0x5C) == 0xA0);
  CHECK(c.read(0x5F) == 3);
}

TEST_CASE("cmos_defaults: boot orders from QEMU -boot letters") {
  CHECK(BootOrder::from_letters("x") == std::nullopt);
  CHECK(BootOrder::from_letters("") == std::nullopt);
  CHECK(BootOrder::from_letters("cc") == std::nullopt);
  CHECK(BootOrder::from_letters("acdn") == std::nullopt);

  Cmos c;
  set_pc_defaults(c.rtc, 64 * kMiB, *BootOrder::from_letters("d"));
  CHECK(c.read(0x3D) == 0x03);
  CHECK(c.read(0x38) == 0x00);
  CHECK(c.seabios_boot_order() == std::vector<unsigned>{3, 0, 0});

  PcCmosSettings settings;
  settings.ram_bytes = 64 * kMiB;
  settings.boot_order = *BootOrder::from_letters("cdn");
  settings.boot_order.check_floppy_signature = false;
  settings.floppy0_type = 4;  // 1.44 MB
  set_pc_defaults(c.rtc, settings);
  CHECK(c.seabios_boot_order() == std::vector<unsigned>{2, 3, 4});
  CHECK(c.read(0x38) == 0x41);
  CHECK(c.read(0x10) == 0x40);
  CHECK(c.read(0x14) == 0x07);
}
