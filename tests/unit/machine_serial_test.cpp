// COM1 on the board: the UART at 0x3F8 writes to MachineConfig::serial.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "devices/machine.h"
#include "kernel_images.h"

using namespace trapeze;
using namespace trapeze::test;

TEST_CASE("Machine: COM1 transmits to the --serial file") {
  // A multiboot kernel that writes "hi\n" to 0x3F8, then cli; hlt.
  const std::vector<uint8_t> code = {
      0x66, 0xBA, 0xF8, 0x03,  // mov dx, 0x3f8
      0xB0, 'h',  0xEE,        // mov al, 'h'; out dx, al
      0xB0, 'i',  0xEE,        // mov al, 'i'; out dx, al
      0xB0, '\n', 0xEE,        // mov al, 10; out dx, al
      0xFA, 0xF4,              // cli; hlt
  };
  KernelTempFile kernel(elf32(0x100000, {ElfSegment{0x100000, 0x100000, code, 16}}, multiboot_header(0)));
  const std::filesystem::path out = kernel.path.string() + ".serial";
  {
    MachineConfig config;
    config.memory_mib = 4;
    config.kernel_path = kernel.name();
    config.serial = OutputSpec{OutputTarget::kFile, out.string()};
    Machine machine(config);
    CHECK(machine.io().owner(0x3F8) == "uart-3f8");
    CHECK(machine.run().reason == StopReason::kHaltedInterruptsOff);
  }
  std::ifstream in(out, std::ios::binary);
  const std::string written((std::istreambuf_iterator<char>(in)), {});
  CHECK(written == "hi\n");
  std::filesystem::remove(out);
}
