#include "tests/fuzz/fuzz_support.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "devices/machine.h"

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
