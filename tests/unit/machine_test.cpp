// The machine end to end: a hand-assembled ROM, the CPU, the debug ports and the run
// loop's stop conditions.
#include "devices/machine.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "devices/config_error.h"

using namespace trapeze;

namespace {

constexpr size_t kRomBytes = 64 * 1024;

// A 64 KiB ROM whose reset vector (offset 0xFFF0) far-jumps to F000:0000, where `code`
// sits. The rest is HLT, so a runaway stops rather than wandering.
std::vector<uint8_t> rom_with(const std::vector<uint8_t>& code) {
  std::vector<uint8_t> rom(kRomBytes, 0xF4);
  std::copy(code.begin(), code.end(), rom.begin());
  const uint8_t reset_vector[] = {0xEA, 0x00, 0x00, 0x00, 0xF0};  // jmp far F000:0000
  std::copy(std::begin(reset_vector), std::end(reset_vector), rom.begin() + 0xFFF0);
  return rom;
}

// The ROM written to a temporary file, and a config that boots it.
struct RomFile {
  std::filesystem::path path;
  explicit RomFile(const std::vector<uint8_t>& rom) {
    static int counter = 0;
    path = std::filesystem::temp_directory_path() /
           ("trapeze-machine-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) +
            ".rom");
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(rom.data()), static_cast<std::streamsize>(rom.size()));
  }
  ~RomFile() { std::filesystem::remove(path); }
  MachineConfig config() const {
    MachineConfig c;
    c.memory_mib = 16;
    c.bios_path = path.string();
    c.debugcon = OutputSpec{};  // tests capture it with set_debugcon_sink
    return c;
  }
};

// mov al, imm8 ; out imm8, al
void out_byte(std::vector<uint8_t>& code, uint8_t port, uint8_t value) {
  code.insert(code.end(), {0xB0, value, 0xE6, port});
}

}  // namespace

TEST_CASE("Machine: a ROM prints on the debug console and exits with status 7") {
  std::vector<uint8_t> code;
  out_byte(code, 0xE9, 'H');
  out_byte(code, 0xE9, 'i');
  out_byte(code, 0xE9, '\n');
  out_byte(code, 0xF4, 3);  // exit status (3 << 1) | 1
  code.push_back(0xF4);     // hlt: must not be reached as a stop reason
  RomFile rom(rom_with(code));
  Machine machine(rom.config());
  std::string console;
  machine.set_debugcon_sink([&](char c) { console += c; });

  RunResult result = machine.run();
  CHECK(console == "Hi\n");
  CHECK(result.reason == StopReason::kGuestExit);
  CHECK(result.exit_status == 7);
  // jmp far + 4 x (mov, out): the exit stops the CPU right after its OUT.
  CHECK(result.instructions_retired == 9);
  CHECK(result.virtual_time_ns == 9 * Machine::kNsPerInstruction);
}

TEST_CASE("Machine: HLT with interrupts off stops the run") {
  RomFile rom(rom_with({0xFA, 0xF4}));  // cli; hlt
  Machine machine(rom.config());
  CHECK(machine.run().reason == StopReason::kHaltedInterruptsOff);
}

TEST_CASE("Machine: HLT with interrupts on skips ahead to the next event") {
  // Mask every IRQ at the PICs (the PIT runs from power-on, as on a PC), then sti; hlt.
  RomFile rom(rom_with({0xB0, 0xFF, 0xE6, 0x21, 0xE6, 0xA1, 0xFB, 0xF4}));
  Machine machine(rom.config());
  uint64_t fired_at_ns = 0;
  EventType type = machine.scheduler().register_type(
      "test", [&](uint64_t) { fired_at_ns = machine.scheduler().now_ns(); });
  machine.scheduler().schedule(type, 1'000'000);

  // Nothing else is scheduled (the PIT waits to be programmed): halted for good.
  RunResult result = machine.run_for(2'000'000);
  CHECK(result.reason == StopReason::kHaltedForever);
  CHECK(fired_at_ns == 1'000'000);
  CHECK(result.virtual_time_ns == 1'000'000);
  CHECK(result.instructions_retired == 6);  // jmp far, mov, out, out, sti, hlt
}

TEST_CASE("Machine: an endless loop stops at the instruction budget, in virtual time") {
  RomFile rom(rom_with({0xEB, 0xFE}));  // jmp $
  MachineConfig config = rom.config();
  config.max_instructions = 1000;
  Machine machine(config);
  RunResult result = machine.run();
  CHECK(result.reason == StopReason::kInstructionBudget);
  CHECK(result.instructions_retired == 1000);
  CHECK(result.virtual_time_ns == 1000 * Machine::kNsPerInstruction);
}

TEST_CASE("Machine: events fire at their virtual time while the CPU runs") {
  RomFile rom(rom_with({0xEB, 0xFE}));  // jmp $
  Machine machine(rom.config());
  std::vector<uint64_t> retired_at_event;
  EventType type = machine.scheduler().register_type(
      "test", [&](uint64_t) { retired_at_event.push_back(machine.cpu().instructions_retired()); });
  machine.scheduler().schedule(type, 500);
  machine.scheduler().schedule(type, 2000);

  RunResult result = machine.run_for(3000);
  CHECK(result.reason == StopReason::kDeadline);
  CHECK(result.virtual_time_ns == 3000);
  // Slices end at each event, so a device sees the CPU exactly at its time.
  CHECK(retired_at_event == std::vector<uint64_t>{500, 2000});
  // run_for continues where the last run stopped.
  CHECK(machine.run_for(1000).virtual_time_ns == 4000);
}

TEST_CASE("Machine: stop requests and the host timeout end a run") {
  RomFile rom(rom_with({0xEB, 0xFE}));  // jmp $
  MachineConfig config = rom.config();
  config.timeout_seconds = 0.05;
  Machine machine(config);
  machine.request_stop();
  CHECK(machine.run().reason == StopReason::kStopRequested);
  CHECK(machine.run().reason == StopReason::kTimeout);
}

TEST_CASE("Machine: with no_reboot, a triple fault is reported as shutdown") {
  // lidt cs:[0x100] loads a zero-limit IDT; int3 then cannot be delivered (#GP), nor can
  // the #GP, nor the double fault.
  std::vector<uint8_t> code = {0x2E, 0x0F, 0x01, 0x1E, 0x00, 0x01, 0xCC, 0xF4};
  std::vector<uint8_t> image = rom_with(code);
  std::fill(image.begin() + 0x100, image.begin() + 0x106, 0);
  RomFile rom(image);
  MachineConfig config = rom.config();
  config.no_reboot = true;
  Machine machine(config);
  CHECK(machine.run().reason == StopReason::kShutdown);
}

TEST_CASE("Machine: a triple fault resets the machine and the firmware runs again") {
  // Each boot prints one character and triple-faults; the reset runs the ROM again.
  std::vector<uint8_t> code = {0xB0, 'R',  0xE6, 0xE9,  // mov al,'R'; out 0E9h,al
                               0x2E, 0x0F, 0x01, 0x1E, 0x00, 0x01, 0xCC, 0xF4};
  std::vector<uint8_t> image = rom_with(code);
  std::fill(image.begin() + 0x100, image.begin() + 0x106, 0);
  RomFile rom(image);
  MachineConfig config = rom.config();
  config.max_instructions = 50;
  Machine machine(config);
  std::string console;
  machine.set_debugcon_sink([&](char c) { console += c; });
  CHECK(machine.run().reason == StopReason::kInstructionBudget);
  CHECK(console.size() >= 3);
  CHECK(console.find_first_not_of('R') == std::string::npos);
}

TEST_CASE("Machine: the PC memory layout around the BIOS") {
  RomFile rom(rom_with({0xF4}));
  MachineConfig config = rom.config();
  config.memory_mib = 4096;  // 3.5 GiB below the PCI hole, 512 MiB above 4 GiB
  Machine machine(config);
  AddressMap& memory = machine.memory();
  memory.write(0x9FFFC, 4, 0x11223344);
  CHECK(memory.read(0x9FFFC, 4) == 0x11223344);  // conventional RAM
  // The VGA window is the card's video memory (zero), not open bus.
  CHECK(memory.read(0xA0000, 1) == 0x00);
  // The option ROM area is the host bridge's: open bus at reset, shadow RAM once the
  // firmware sets its PAM register to read-write.
  CHECK(memory.read(0xC0000, 1) == 0xFF);
  machine.host_bridge().config_write(I440fx::kPam0 + 1, 1, 0x33);
  memory.write(0xC0000, 1, 0x55);
  CHECK(memory.read(0xC0000, 1) == 0x55);
  CHECK(memory.read(0xFFFF0, 1) == 0xEA);     // BIOS low window
  CHECK(memory.read(0xFFFFFFF0, 1) == 0xEA);  // reset vector
  memory.write(0xDFFFFFFC, 4, 0xAABBCCDD);
  CHECK(memory.read(0xDFFFFFFC, 4) == 0xAABBCCDD);  // top of low RAM
  CHECK(memory.read(0xE0000000, 4) == 0xFFFFFFFF);  // PCI hole
  memory.write(0x100000000, 4, 0x01020304);
  CHECK(memory.read(0x100000000, 4) == 0x01020304);  // RAM above 4 GiB
  CHECK(memory.read(0x100000000 + 512 * 1024 * 1024, 1) == 0xFF);
}

TEST_CASE("Machine: configuration errors are ConfigErrors") {
  RomFile rom(rom_with({0xF4}));
  MachineConfig missing = rom.config();
  missing.bios_path = "/nonexistent/bios.bin";
  CHECK_THROWS_AS(Machine{missing}, ConfigError);

  MachineConfig no_memory = rom.config();
  no_memory.memory_mib = 0;
  CHECK_THROWS_AS(Machine{no_memory}, ConfigError);

  MachineConfig disk = rom.config();
  disk.hda_path = "disk.img";
  CHECK_THROWS_AS(Machine{disk}, ConfigError);

  MachineConfig bad_output = rom.config();
  bad_output.debugcon = OutputSpec{OutputTarget::kFile, "/nonexistent/dir/debugcon.txt"};
  CHECK_THROWS_AS(Machine{bad_output}, ConfigError);
}
