// A small Machine for the debugger tests: a real-mode ROM that counts CX from 1 to 3,
// storing each value at 0x500, reads port 0x61, then exits through isa-debug-exit with
// 0x10 (status 33). Addresses (linear, CS=F000 base F0000):
//   f0000 mov cx, 0 | f0003 inc cx | f0004 mov [0x500], cx | f0008 cmp cx, 3
//   f000b jne f0003 | f000d in al, 0x61 | f000f mov al, 0x10 | f0011 out 0xF4, al | f0013 hlt
#pragma once

#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

#include "devices/machine.h"
#include "temp_dir.h"

namespace trapeze::test {

struct DebugTestMachine {
  TempDir dir;
  std::unique_ptr<Machine> machine;

  DebugTestMachine() {
    std::vector<uint8_t> rom(64 * 1024, 0xF4);
    const std::vector<uint8_t> code = {0xB9, 0x00, 0x00, 0x41, 0x89, 0x0E, 0x00, 0x05, 0x83, 0xF9,
                                       0x03, 0x75, 0xF6, 0xE4, 0x61, 0xB0, 0x10, 0xE6, 0xF4, 0xF4};
    std::copy(code.begin(), code.end(), rom.begin());
    const uint8_t reset[] = {0xEA, 0x00, 0x00, 0x00, 0xF0};  // jmp far F000:0000
    std::copy(std::begin(reset), std::end(reset), rom.begin() + 0xFFF0);
    const std::string path = dir.path() + "/debug.rom";
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(rom.data()), static_cast<std::streamsize>(rom.size()));
    MachineConfig c;
    c.memory_mib = 16;
    c.bios_path = path;
    c.serial = OutputSpec{};
    c.debugcon = OutputSpec{};
    machine = std::make_unique<Machine>(c);
  }
  Cpu& cpu() { return machine->cpu(); }
};

}  // namespace trapeze::test
