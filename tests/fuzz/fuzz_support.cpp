#include "tests/fuzz/fuzz_support.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "devices/machine.h"
#include "devices/pci_device.h"
#include "tests/fuzz/device_ops.h"

namespace trapeze::fuzz {

namespace {

struct TemporaryRom {
  std::string path;
  TemporaryRom() {
    path = (std::filesystem::temp_directory_path() /
            ("trapeze-fuzz-" + std::to_string(::getpid()) + ".rom"))
               .string();
    const std::vector<char> hlt(64 * 1024, static_cast<char>(0xF4));
    std::ofstream(path, std::ios::binary)
        .write(hlt.data(), static_cast<std::streamsize>(hlt.size()));
  }
  ~TemporaryRom() {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
  }
};

}  // namespace

const std::string& halt_rom_path() {
  static const TemporaryRom rom;
  return rom.path;
}

void clear_ram(Machine& machine) {
  static const std::vector<uint8_t> zeros(1 << 20, 0);
  AddressMap& memory = machine.memory();
  // The RAM the CPU sees: below the 640 KiB hole and from 1 MiB up (the small machines
  // have no RAM above 4 GiB).
  memory.copy_to_guest(0, std::span(zeros).first(0xA0000));
  for (uint64_t base = 1 << 20; base < memory.ram_size(); base += zeros.size())
    memory.copy_to_guest(
        base, std::span(zeros).first(std::min<uint64_t>(zeros.size(), memory.ram_size() - base)));
}

namespace {

void pci_write(IoBus& io, unsigned device, unsigned function, uint8_t reg, uint32_t value,
               unsigned size = 4) {
  io.out(0xCF8, 4, 0x80000000u | (device << 11) | (function << 8) | (reg & 0xFC));
  io.out(static_cast<uint16_t>(0xCFC + (reg & 3)), size, value);
}

}  // namespace

void configure_like_firmware(Machine& m) {
  IoBus& io = m.io();
  const uint32_t io_mem_master = pci::kCommandIo | pci::kCommandMemory | pci::kCommandMaster;
  // 00:01.0 PIIX3: PIRQA-D to IRQ 10, 10, 11, 11.
  pci_write(io, 1, 0, Piix3::kPirqRoute, 0x0B0B0A0A);
  // 00:01.1 IDE: bus master BAR, both channels decoded.
  pci_write(io, 1, 1, pci::kBar0 + 4 * 4, kIdeBusMasterBase | pci::kBarIo);
  pci_write(io, 1, 1, 0x40, 0x80008000);
  pci_write(io, 1, 1, pci::kCommand, io_mem_master, 2);
  // 00:01.3 PM: the PM I/O block.
  pci_write(io, 1, 3, Piix4Pm::kPmBase, kPmBase | 1);
  pci_write(io, 1, 3, Piix4Pm::kPmRegMisc, 1, 1);
  // 00:02.0 VGA: the linear framebuffer.
  pci_write(io, 2, 0, pci::kBar0, kLfbBase);
  pci_write(io, 2, 0, pci::kCommand, io_mem_master, 2);
  // 00:03.0 e1000: registers and I/O window.
  pci_write(io, 3, 0, pci::kBar0, kE1000MmioBase);
  pci_write(io, 3, 0, pci::kBar0 + 4, kE1000IoBase | pci::kBarIo);
  pci_write(io, 3, 0, pci::kCommand, io_mem_master, 2);
}

MachineConfig small_machine_config(uint64_t memory_mib) {
  MachineConfig config;
  config.memory_mib = memory_mib;
  config.bios_path = halt_rom_path();
  config.serial = OutputSpec{};
  config.debugcon = OutputSpec{};
  config.firmware_log = OutputSpec{};
  config.headless = true;
  config.no_reboot = true;
  return config;
}

}  // namespace trapeze::fuzz
