// Direct Linux boot, the machine's half: where the parts go (QEMU's layout), the patched
// setup header, what fw_cfg publishes, the option ROM the firmware runs, and how
// --kernel tells a bzImage from a multiboot kernel. The ROM's own run is the CTest
// linuxboot.* (tests/linuxboot).
#include "bios/linux_boot.h"

#include <doctest/doctest.h>

#include <map>
#include <numeric>
#include <string>
#include <vector>

#include "bios/bios_rom.h"
#include "bios/kernel_format.h"
#include "bios/option_roms.h"
#include "devices/config_error.h"
#include "devices/machine.h"
#include "kernel_images.h"

using namespace trapeze;
using namespace trapeze::test;

namespace {

constexpr uint64_t kMiB = 1024 * 1024;

LinuxBootPlan plan_for(const std::vector<uint8_t>& file, std::vector<uint8_t> initrd = {},
                       std::string cmdline = "console=ttyS0", uint64_t ram_bytes = 128 * kMiB) {
  return plan_linux_boot(file, parse_linux_image(file, "vmlinuz"), std::move(initrd),
                         std::move(cmdline), ram_bytes, "vmlinuz");
}

std::string plan_error(const std::vector<uint8_t>& file, std::vector<uint8_t> initrd = {},
                       std::string cmdline = "", uint64_t ram_bytes = 128 * kMiB) {
  try {
    plan_for(file, std::move(initrd), std::move(cmdline), ram_bytes);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

uint16_t vid_mode_for(const std::string& cmdline) {
  return get16(plan_for(bzimage(), {}, cmdline).setup, 0x1FA);
}

uint32_t fw_cfg_u32(const FwCfg& fw_cfg, uint16_t key) {
  const std::vector<uint8_t>* item = fw_cfg.item(key);
  REQUIRE(item != nullptr);
  REQUIRE(item->size() == 4);
  return get32(*item, 0);
}

// The fw_cfg file directory: name -> selector.
std::map<std::string, uint16_t> fw_cfg_files(const FwCfg& fw_cfg) {
  const std::vector<uint8_t>& dir = *fw_cfg.item(FwCfg::kFileDir);
  std::map<std::string, uint16_t> files;
  const uint32_t count = (dir[0] << 24) | (dir[1] << 16) | (dir[2] << 8) | dir[3];
  for (uint32_t i = 0; i < count; ++i) {
    const size_t at = 4 + i * 64;
    files[std::string(reinterpret_cast<const char*>(&dir[at + 8]))] =
        static_cast<uint16_t>((dir[at + 4] << 8) | dir[at + 5]);
  }
  return files;
}

}  // namespace

TEST_CASE("Linux boot: QEMU's layout for a protocol 2.02+ bzImage") {
  const std::vector<uint8_t> file = bzimage();
  const LinuxBootPlan plan = plan_for(file);
  CHECK(plan.setup_address == 0x10000);
  CHECK(plan.cmdline_address == 0x20000);
  CHECK(plan.kernel_address == 0x100000);
  CHECK(plan.initrd_address == 0);
  REQUIRE(plan.setup.size() == 5 * 512);
  CHECK(plan.kernel == std::vector<uint8_t>(file.begin() + 5 * 512, file.end()));
  CHECK(plan.cmdline == "console=ttyS0");
  // Only the loader's fields differ from the file's setup code.
  for (size_t i = 0; i < plan.setup.size(); ++i) {
    const bool loader_field = i == 0x1FA || i == 0x1FB || (i >= 0x210 && i < 0x22C);
    if (!loader_field && plan.setup[i] != file[i]) FAIL("setup byte ", i, " changed");
  }
}

TEST_CASE("Linux boot: the setup header as the loader leaves it") {
  const std::vector<uint8_t> initrd(10000, 0xA5);
  const LinuxBootPlan plan = plan_for(bzimage(), initrd);
  const std::vector<uint8_t>& h = plan.setup;
  CHECK(h[0x210] == 0xFF);            // type_of_loader: undefined
  CHECK(h[0x211] == 0x81);            // LOADED_HIGH | CAN_USE_HEAP
  CHECK(get16(h, 0x224) == 0xFE00);   // heap_end_ptr: the stack's 512 bytes above
  CHECK(get32(h, 0x228) == 0x20000);  // cmd_line_ptr
  CHECK(get32(h, 0x218) == plan.initrd_address);
  CHECK(get32(h, 0x21C) == 10000);
  CHECK(get16(h, 0x1FA) == 0xFFFF);  // vid_mode: normal without vga=
}

TEST_CASE("Linux boot: vga= as QEMU reads it") {
  CHECK(vid_mode_for("vga=normal") == 0xFFFF);
  CHECK(vid_mode_for("quiet vga=ext") == 0xFFFE);
  CHECK(vid_mode_for("vga=ask root=/dev/sda") == 0xFFFD);
  CHECK(vid_mode_for("vga=0x317") == 0x317);
  CHECK(vid_mode_for("vga=791 quiet") == 791);
  CHECK(vid_mode_for("vga=0317") == 0317);  // C notation: octal
  CHECK(vid_mode_for("xvga=1") == 0xFFFF);  // another option's name
  CHECK(plan_error(bzimage(), {}, "vga=big") ==
        "kernel 'vmlinuz': 'vga=big' is not normal, ext, ask or a video mode number");
  CHECK(plan_error(bzimage(), {}, "vga=") != "");
  CHECK(plan_error(bzimage(), {}, "vga=0x10000") != "");
}

TEST_CASE("Linux boot: the initrd at the top of RAM, below the firmware's 160 KiB") {
  const std::vector<uint8_t> initrd(10000, 0xA5);
  // 128 MiB: the highest byte may be 0x8000000 - 0x28000 - 1; the start is page aligned.
  LinuxBootPlan plan = plan_for(bzimage(), initrd);
  CHECK(plan.initrd_address == ((0x8000000u - 0x28000u - 1u - 10000u) & ~0xFFFu));
  CHECK(plan.initrd_address + 10000 <= 0x8000000u - 0x28000u);
  CHECK(plan.initrd == initrd);

  // The kernel's initrd_addr_max below the top of RAM wins.
  BzImageFields h;
  h.initrd_addr_max = 0x37FFFFFF;
  plan = plan_for(bzimage(h), initrd, "", 2048 * kMiB);
  CHECK(plan.initrd_address == ((0x37FFFFFFu - 10000u) & ~0xFFFu));

  // XLF_CAN_BE_LOADED_ABOVE_4G lifts it: then the RAM below the PCI hole is the limit.
  h.xloadflags = 0x2;
  plan = plan_for(bzimage(h), initrd, "", 4096 * kMiB);
  CHECK(plan.initrd_address == ((0xE0000000u - 0x28000u - 1u - 10000u) & ~0xFFFu));
}

TEST_CASE("Linux boot: what cannot be booted is a one-line error") {
  // The initrd does not fit above the kernel.
  CHECK(plan_error(bzimage(), std::vector<uint8_t>(31 * kMiB, 1), "", 32 * kMiB)
            .starts_with("initrd (32505856 bytes) does not fit between the kernel's end at "
                         "0x102000 and 0x1fd8000"));
  // The kernel alone does not fit.
  BzImageFields h;
  h.kernel_bytes = 2 * kMiB;
  CHECK(plan_error(bzimage(h), {}, "", 2 * kMiB) ==
        "kernel 'vmlinuz' (2097152 bytes at 0x100000) does not fit in 2 MiB of RAM; give more "
        "with -m");
  // A command line longer than the kernel's cmdline_size.
  h = {};
  h.cmdline_size = 10;
  CHECK(plan_error(bzimage(h), {}, "0123456789") == "");
  CHECK(plan_error(bzimage(h), {}, "0123456789A") ==
        "kernel 'vmlinuz' takes a command line of at most 10 bytes; --append gives 11");
  // An x86-64 kernel.
  h = {};
  h.xloadflags = 0x1;
  CHECK(plan_error(bzimage(h)).find("is an x86-64 kernel") != std::string::npos);
  // Setup code reaching into the heap and stack.
  h = {};
  h.setup_sects = 200;
  CHECK(plan_error(bzimage(h)).find("setup code (102912 bytes) does not fit") != std::string::npos);
}

TEST_CASE("Linux boot: fw_cfg gets QEMU's kernel items, the ROM and the boot order") {
  IoBus io;
  FwCfg fw_cfg(io, 128 * kMiB, 1, 1);
  const std::vector<uint8_t> file = bzimage();
  LinuxBootPlan plan = plan_for(file, std::vector<uint8_t>(3000, 0x5A), "root=/dev/ram0");
  const LinuxBootPlan copy = plan;
  publish_linux_boot(fw_cfg, std::move(plan));

  CHECK(fw_cfg_u32(fw_cfg, 0x16) == 0x10000);  // FW_CFG_SETUP_ADDR
  CHECK(fw_cfg_u32(fw_cfg, 0x17) == copy.setup.size());
  CHECK(*fw_cfg.item(0x18) == copy.setup);
  CHECK(fw_cfg_u32(fw_cfg, 0x07) == 0x100000);  // FW_CFG_KERNEL_ADDR
  CHECK(fw_cfg_u32(fw_cfg, 0x08) == copy.kernel.size());
  CHECK(*fw_cfg.item(0x11) == copy.kernel);
  CHECK(fw_cfg_u32(fw_cfg, 0x0A) == copy.initrd_address);  // FW_CFG_INITRD_ADDR
  CHECK(fw_cfg_u32(fw_cfg, 0x0B) == 3000);
  CHECK(*fw_cfg.item(0x12) == copy.initrd);
  CHECK(fw_cfg_u32(fw_cfg, 0x13) == 0x20000);  // FW_CFG_CMDLINE_ADDR
  CHECK(fw_cfg_u32(fw_cfg, 0x14) == 15);       // with the NUL
  const std::string cmdline = "root=/dev/ram0";
  std::vector<uint8_t> cmdline_bytes(cmdline.begin(), cmdline.end());
  cmdline_bytes.push_back(0);
  CHECK(*fw_cfg.item(0x15) == cmdline_bytes);

  const auto files = fw_cfg_files(fw_cfg);
  REQUIRE(files.count("genroms/linuxboot.bin") == 1);
  const std::span<const uint8_t> rom = linuxboot_option_rom();
  CHECK(*fw_cfg.item(files.at("genroms/linuxboot.bin")) ==
        std::vector<uint8_t>(rom.begin(), rom.end()));
  REQUIRE(files.count("bootorder") == 1);
  const std::vector<uint8_t>& order = *fw_cfg.item(files.at("bootorder"));
  CHECK(std::string(order.begin(), order.end()) == "/rom@genroms/linuxboot.bin");
}

TEST_CASE("Linux boot: the option ROM is one SeaBIOS accepts, with a boot entry vector") {
  const std::span<const uint8_t> rom = linuxboot_option_rom();
  REQUIRE(rom.size() >= 512);
  CHECK(rom[0] == 0x55);
  CHECK(rom[1] == 0xAA);
  CHECK(rom[2] * 512u == rom.size());
  CHECK(std::accumulate(rom.begin(), rom.end(), 0u) % 256 == 0);
  CHECK(rom[3] == 0xCB);  // the initialisation entry: retf
  // The PnP expansion header: "$PnP", a checksum over its length, the BEV inside the ROM.
  const size_t pnp = rom[0x1A] | (rom[0x1B] << 8);
  REQUIRE(pnp + 0x20 <= rom.size());
  CHECK(std::string(rom.begin() + pnp, rom.begin() + pnp + 4) == "$PnP");
  const size_t length = rom[pnp + 5] * 16u;
  CHECK(length == 0x20);
  CHECK(std::accumulate(rom.begin() + pnp, rom.begin() + pnp + length, 0u) % 256 == 0);
  const size_t bev = rom[pnp + 0x1A] | (rom[pnp + 0x1B] << 8);
  CHECK(bev > pnp);
  CHECK(bev < rom.size());
  CHECK(rom[pnp + 0x16] == 0);  // no BCV: it is not a disk
  const size_t product = rom[pnp + 0x10] | (rom[pnp + 0x11] << 8);
  CHECK(std::string(reinterpret_cast<const char*>(&rom[product])) == "Linux kernel (--kernel)");
}

TEST_CASE("Linux boot: --kernel tells a bzImage from a multiboot kernel") {
  CHECK(identify_kernel("") == KernelFormat::kNone);
  KernelTempFile linux_kernel(bzimage());
  CHECK(identify_kernel(linux_kernel.name()) == KernelFormat::kLinux);
  KernelTempFile multiboot_kernel(
      elf32(0x100000, {ElfSegment{0x100000, 0x100000, {0xF4}, 16}}, multiboot_header(0)));
  CHECK(identify_kernel(multiboot_kernel.name()) == KernelFormat::kMultiboot);

  KernelTempFile neither(std::vector<uint8_t>(4096, 0));
  CHECK_THROWS_WITH_AS(identify_kernel(neither.name()),
                       ("'" + neither.name() +
                        "' is neither a Linux bzImage nor a multiboot kernel (ELF or a.out kludge)")
                           .c_str(),
                       ConfigError);
  // A Linux kernel that cannot boot says why, before the machine starts.
  BzImageFields h;
  h.protocol = 0x0200;
  KernelTempFile old_kernel(bzimage(h));
  CHECK_THROWS_WITH_AS(identify_kernel(old_kernel.name()), doctest::Contains("boot protocol 2.00"),
                       ConfigError);
}

TEST_CASE("Linux boot: a kernel already read is identified the same way, named by its path") {
  CHECK(identify_kernel_image(bzimage(), "k") == KernelFormat::kLinux);
  CHECK(identify_kernel_image(
            elf32(0x100000, {ElfSegment{0x100000, 0x100000, {0xF4}, 16}}, multiboot_header(0)),
            "k") == KernelFormat::kMultiboot);
  CHECK_THROWS_WITH_AS(identify_kernel_image(std::vector<uint8_t>(100, 0), "mem"),
                       doctest::Contains("'mem' is neither"), ConfigError);
  // An empty file is neither, not a read past its end.
  CHECK_THROWS_AS(identify_kernel_image({}, "empty"), ConfigError);
}

TEST_CASE("Linux boot: the machine boots the firmware and publishes the kernel") {
  if (default_bios_path().empty()) {
    MESSAGE("Debian's seabios is not installed: skipped");
    return;
  }
  KernelTempFile kernel(bzimage());
  KernelTempFile initrd(std::vector<uint8_t>(5000, 0x11));
  MachineConfig c;
  c.memory_mib = 64;
  c.kernel_path = kernel.name();
  c.initrd_path = initrd.name();
  c.append = "console=ttyS0";
  c.serial = OutputSpec{};
  Machine m(c);
  // The CPU starts at the firmware's reset vector, not in the kernel.
  CHECK(m.cpu().seg[kCs].selector == 0xF000);
  CHECK(m.cpu().rip == 0xFFF0);
  CHECK(fw_cfg_u32(m.fw_cfg(), FwCfg::kKernelSize) == 8192);
  CHECK(fw_cfg_u32(m.fw_cfg(), FwCfg::kInitrdSize) == 5000);
  CHECK(fw_cfg_u32(m.fw_cfg(), FwCfg::kInitrdAddr) ==
        ((64 * kMiB - 0x28000 - 1 - 5000) & ~uint64_t{0xFFF}));
  CHECK(fw_cfg_files(m.fw_cfg()).count("genroms/linuxboot.bin") == 1);
}
