// Multiboot direct boot end to end through Machine: what lands in guest RAM, the CPU
// state at the entry point (spec 3.2), the information structure (spec 3.3), a kernel
// that runs, and the one-line errors for kernels that cannot be booted.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "bios/multiboot.h"
#include "bios/multiboot_info.h"
#include "devices/config_error.h"
#include "devices/machine.h"
#include "kernel_images.h"

using namespace trapeze;
using namespace trapeze::test;

namespace {

// 32-bit code at 0x100000: print the low byte of the info flags on the debug console and
// 'S' on COM1, then cli; hlt.
const std::vector<uint8_t> kKernelCode = {
    0x8B, 0x03,              // mov eax, [ebx]
    0xE6, 0xE9,              // out 0xe9, al
    0x66, 0xBA, 0xF8, 0x03,  // mov dx, 0x3f8
    0xB0, 'S',               // mov al, 'S'
    0xEE,                    // out dx, al
    0xFA, 0xF4,              // cli; hlt
};

std::vector<uint8_t> elf_kernel(uint32_t flags = 0x3) {
  return elf32(0x100000,
               {
                   ElfSegment{0x100000, 0x100000, kKernelCode, 0x2000},  // code, then bss
                   ElfSegment{0x180000, 0x180000, {'D', 'A', 'T', 'A'}, 4},
               },
               multiboot_header(flags));
}

MachineConfig config_for(const KernelTempFile& kernel) {
  MachineConfig c;
  c.memory_mib = 32;
  c.kernel_path = kernel.name();
  c.serial = OutputSpec{};
  return c;
}

std::vector<uint8_t> guest_bytes(Machine& m, uint64_t address, size_t size) {
  std::vector<uint8_t> bytes(size);
  m.memory().copy_from_guest(address, bytes);
  return bytes;
}
uint32_t guest32(Machine& m, uint64_t address) { return get32(guest_bytes(m, address, 4), 0); }
std::string guest_string(Machine& m, uint64_t address) {
  std::string s;
  for (char c; (c = static_cast<char>(guest_bytes(m, address + s.size(), 1)[0])) != 0;) s += c;
  return s;
}

std::string boot_error(const std::vector<uint8_t>& image, uint64_t memory_mib = 32) {
  KernelTempFile kernel(image);
  MachineConfig c = config_for(kernel);
  c.memory_mib = memory_mib;
  try {
    Machine m(c);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("multiboot boot: segments loaded, bss zeroed, the CPU at the entry as the spec says") {
  KernelTempFile kernel(elf_kernel());
  Machine m(config_for(kernel));
  CHECK(guest_bytes(m, 0x100000, kKernelCode.size()) == kKernelCode);
  CHECK(guest_bytes(m, 0x180000, 4) == std::vector<uint8_t>{'D', 'A', 'T', 'A'});
  CHECK(guest_bytes(m, 0x100000 + kKernelCode.size(), 0x2000 - kKernelCode.size()) ==
        std::vector<uint8_t>(0x2000 - kKernelCode.size(), 0));

  Cpu& cpu = m.cpu();
  CHECK(cpu.gpr[kRax] == 0x2BADB002);
  CHECK(cpu.gpr[kRbx] == multiboot::kBootDataStart);
  CHECK(cpu.rip == 0x100000);
  CHECK((cpu.cr0 & cr0::PE) != 0);
  CHECK((cpu.cr0 & cr0::PG) == 0);
  CHECK_FALSE(cpu.flags.get(flag::IF));
  CHECK_FALSE(cpu.flags.get(flag::VM));
  CHECK(cpu.mmu().a20());
  CHECK(cpu.cpl() == 0);
  CHECK(cpu.seg[kCs].selector == 0x08);
  CHECK(cpu.seg[kCs].base == 0);
  CHECK(cpu.seg[kCs].limit == 0xFFFFFFFF);
  CHECK(cpu.seg[kCs].rights == 0xC09B);
  CHECK(cpu.code32());
  for (unsigned s : {kDs, kEs, kFs, kGs, kSs}) {
    CAPTURE(s);
    CHECK(cpu.seg[s].selector == 0x10);
    CHECK(cpu.seg[s].base == 0);
    CHECK(cpu.seg[s].limit == 0xFFFFFFFF);
    CHECK(cpu.seg[s].rights == 0xC093);
  }
  // The GDT in guest RAM holds the same descriptors, for kernels that reload them.
  REQUIRE(cpu.gdtr.limit == 0x17);
  const std::vector<uint8_t> gdt = guest_bytes(m, cpu.gdtr.base, 24);
  CHECK(get32(gdt, 0) == 0);
  CHECK(get32(gdt, 4) == 0);
  CHECK(get32(gdt, 8) == 0x0000FFFF);
  CHECK(get32(gdt, 12) == 0x00CF9B00);
  CHECK(get32(gdt, 16) == 0x0000FFFF);
  CHECK(get32(gdt, 20) == 0x00CF9300);
  CHECK(cpu.gdtr.base >= multiboot::kBootDataStart);
  CHECK(cpu.gdtr.base + 24 <= multiboot::kBootDataEnd);
}

TEST_CASE("multiboot boot: the information structure") {
  const std::vector<uint8_t> module_bytes = {'m', 'o', 'd', '!', 0, 1, 2};
  KernelTempFile module(module_bytes);
  KernelTempFile kernel(elf_kernel());
  MachineConfig c = config_for(kernel);
  c.append = "console=ttyS0 quiet";
  c.initrd_path = module.name();
  Machine m(c);
  const uint32_t info = static_cast<uint32_t>(m.cpu().gpr[kRbx]);

  using namespace multiboot;
  CHECK(guest32(m, info) ==
        (kInfoMemory | kInfoCmdline | kInfoModules | kInfoMemoryMap | kInfoBootLoaderName));
  CHECK(guest32(m, info + kInfoMemLowerOffset) == 639);
  CHECK(guest32(m, info + kInfoMemUpperOffset) == 31 * 1024);
  // QEMU's form: the kernel's file name, then the -append text.
  CHECK(guest_string(m, guest32(m, info + kInfoCmdlineOffset)) ==
        kernel.name() + " console=ttyS0 quiet");
  CHECK(guest_string(m, guest32(m, info + kInfoBootLoaderNameOffset)) == "trapeze");

  // Memory map: size 20 entries of base, length, type.
  const uint32_t mmap_length = guest32(m, info + kInfoMmapLengthOffset);
  const uint32_t mmap = guest32(m, info + kInfoMmapAddrOffset);
  REQUIRE(mmap_length == 3 * 24);
  struct Entry {
    uint64_t base, length;
    uint32_t type;
  };
  const Entry expected[] = {{0, 0x9FC00, 1}, {0x9FC00, 0x60400, 2}, {0x100000, 31 * 0x100000, 1}};
  for (unsigned i = 0; i < 3; ++i) {
    CAPTURE(i);
    const std::vector<uint8_t> e = guest_bytes(m, mmap + i * 24, 24);
    CHECK(get32(e, 0) == 20);
    CHECK((get32(e, 4) | (uint64_t{get32(e, 8)} << 32)) == expected[i].base);
    CHECK((get32(e, 12) | (uint64_t{get32(e, 16)} << 32)) == expected[i].length);
    CHECK(get32(e, 20) == expected[i].type);
  }

  // The module: page-aligned above the kernel's highest segment, with its name.
  REQUIRE(guest32(m, info + kInfoModsCountOffset) == 1);
  const uint32_t mods = guest32(m, info + kInfoModsAddrOffset);
  const uint32_t start = guest32(m, mods);
  CHECK(start == 0x181000);
  CHECK(guest32(m, mods + 4) == start + module_bytes.size());
  CHECK(guest_string(m, guest32(m, mods + 8)) == module.name());
  CHECK(guest_bytes(m, start, module_bytes.size()) == module_bytes);
}

TEST_CASE("multiboot boot: without --append or --initrd") {
  KernelTempFile kernel(elf_kernel());
  Machine m(config_for(kernel));
  const uint32_t info = static_cast<uint32_t>(m.cpu().gpr[kRbx]);
  CHECK(guest_string(m, guest32(m, info + multiboot::kInfoCmdlineOffset)) == kernel.name() + " ");
  CHECK(guest32(m, info + multiboot::kInfoModsCountOffset) == 0);
}

TEST_CASE("multiboot boot: the kernel runs, reads its information and uses COM1") {
  KernelTempFile kernel(elf_kernel());
  Machine m(config_for(kernel));
  std::string console, serial;
  m.set_debugcon_sink([&](char ch) { console += ch; });
  m.com1().set_transmit_sink([&](uint8_t b) { serial += static_cast<char>(b); });
  const RunResult result = m.run();
  CHECK(result.reason == StopReason::kHaltedInterruptsOff);
  CHECK(console == "\x4D");  // info flags 0x24D: memory, cmdline, modules, mmap
  CHECK(serial == "S");
}

TEST_CASE("multiboot boot: an a.out-kludge kernel") {
  // Header at the start of the file, loaded at 1 MiB; the code follows the header.
  const AddressFields f{0x100000, 0x100000, 0, 0x110000, 0x100020};
  std::vector<uint8_t> image = multiboot_header(0x10000, &f);
  image.resize(32, 0);
  image.insert(image.end(), kKernelCode.begin(), kKernelCode.end());
  KernelTempFile kernel(image);
  Machine m(config_for(kernel));
  CHECK(m.cpu().rip == 0x100020);
  CHECK(guest_bytes(m, 0x100020, kKernelCode.size()) == kKernelCode);
  std::string console;
  m.set_debugcon_sink([&](char ch) { console += ch; });
  CHECK(m.run().reason == StopReason::kHaltedInterruptsOff);
  CHECK(console.size() == 1);
}

TEST_CASE("multiboot boot: --kernel wins over --bios") {
  KernelTempFile kernel(elf_kernel());
  MachineConfig c = config_for(kernel);
  c.bios_path = "/nonexistent/bios.bin";  // never read
  Machine m(c);
  CHECK(m.cpu().rip == 0x100000);
}

TEST_CASE("multiboot boot: files that cannot be booted are one-line errors") {
  std::vector<uint8_t> not_multiboot(4096, 0x90);
  const std::string error = boot_error(not_multiboot);
  CHECK(
      error.ends_with("' is neither a Linux bzImage nor a multiboot kernel (ELF or a.out kludge)"));

  // Outside RAM: above the 32 MiB of the machine, in the PCI hole, in the VGA hole.
  for (uint32_t address : {0x2000000u, 0xF0000000u, 0xA0000u}) {
    CAPTURE(address);
    CHECK(
        boot_error(elf32(address, {ElfSegment{address, address, {0xF4}, 16}}, multiboot_header(0)))
            .find("segment at [") != std::string::npos);
  }
  CHECK(
      boot_error(
          elf32(0x1000000, {ElfSegment{0x1000000, 0x1000000, {0xF4}, 16}}, multiboot_header(0)), 8)
          .find("is outside the usable RAM of a 8 MiB machine") != std::string::npos);
  // bss reaching past the end of RAM.
  CHECK(boot_error(elf32(0x100000, {ElfSegment{0x100000, 0x100000, {0xF4}, 0x2000000}},
                         multiboot_header(0)))
            .find("outside the usable RAM") != std::string::npos);
  // Over the boot data at 0x9000.
  CHECK(boot_error(elf32(0x8000, {ElfSegment{0x8000, 0x8000, {0xF4}, 0x1001}}, multiboot_header(0)))
            .find("overlaps the boot data at [0x9000, 0x10000)") != std::string::npos);
  // An entry point outside RAM.
  CHECK(boot_error(
            elf32(0xFFFF0000, {ElfSegment{0x100000, 0x100000, {0xF4}, 1}}, multiboot_header(0)))
            .find("entry point at [0xffff0000") != std::string::npos);
  // A required feature trapeze does not know (flag bit 3).
  CHECK(boot_error(elf_kernel(0x8)).find("requires multiboot features") != std::string::npos);
}

TEST_CASE("multiboot boot: a module that does not fit in RAM") {
  KernelTempFile module(std::vector<uint8_t>(3 * 1024 * 1024, 0xAB));
  KernelTempFile kernel(elf_kernel());
  MachineConfig c = config_for(kernel);
  c.memory_mib = 4;
  c.initrd_path = module.name();
  CHECK_THROWS_WITH_AS(Machine{c}, doctest::Contains("module at [0x181000, 0x481000)"),
                       ConfigError);
}
