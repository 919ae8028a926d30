// libFuzzer harness: what a user hands trapeze. The input's first byte picks the reader,
// the rest is the file (or the command line, NUL-separated): disk and CD images, kernels
// (identification, the bzImage loader, the multiboot loader, ELF), firmware and VGA ROMs,
// the command line, the single-step runner's MOO files and JSON metadata, and what the
// debug front ends read (GDB remote protocol packets, monitor commands).
//
// The readers' documented answer to a bad file is their one-line error (ConfigError,
// MooError, JsonError); anything else escaping, and every crash or sanitizer report, is
// a finding.
#include <cstdint>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "bios/bios_rom.h"
#include "bios/elf32_image.h"
#include "bios/kernel_format.h"
#include "bios/linux_boot.h"
#include "bios/linux_image.h"
#include "bios/multiboot.h"
#include "bios/vga_bios.h"
#include "cpu/cpu.h"
#include "devices/ata_disk.h"
#include "devices/atapi_cdrom.h"
#include "devices/config_error.h"
#include "devices/fw_cfg.h"
#include "devices/io_bus.h"
#include "devices/machine.h"
#include "frontend/cli.h"
#include "frontend/debugger.h"
#include "frontend/gdb_packet.h"
#include "frontend/gdb_stub.h"
#include "frontend/machine_config_from_cli.h"
#include "frontend/monitor.h"
#include "mmu/address_map.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/input_kind.h"
#include "tests/singlestep/json.h"
#include "tests/singlestep/moo_reader.h"
#include "tests/singlestep/test_runner.h"

namespace trapeze::fuzz {
namespace {

constexpr uint64_t kRamBytes = 16 << 20;

class NoPorts final : public PortIo {
 public:
  uint32_t in(uint16_t, unsigned) override { return ~0u; }
  void out(uint16_t, unsigned, uint32_t) override {}
};

void disk_image(std::span<const uint8_t> file, DiskMedium medium) {
  std::unique_ptr<DiskImage> image = memory_disk({file.begin(), file.end()}, medium);
  const uint32_t sector = image->sector_bytes();
  std::vector<uint8_t> buffer(sector);
  image->read(0, buffer);
  image->read(image->sector_count() - 1, buffer);
  image->read(image->sector_count(), buffer);  // one past the end: kOutOfRange
  if (medium == DiskMedium::kHardDisk) {
    image->write(image->sector_count() - 1, buffer);
    AtaDisk disk(std::move(image));
  } else {
    AtapiCdrom cdrom(std::move(image));
  }
}

// The kernel the way Machine takes it: identified, then loaded by the loader its format
// selects. The input's second part (after a NUL, if any) is the command line.
void kernel(std::span<const uint8_t> input) {
  std::span<const uint8_t> file = input;
  std::string cmdline;
  const size_t split = std::string_view(reinterpret_cast<const char*>(input.data()), input.size())
                           .rfind(std::string_view("\0CMDLINE=", 9));
  if (split != std::string_view::npos) {
    file = input.first(split);
    const auto rest = input.subspan(split + 9);
    cmdline.assign(rest.begin(), rest.end());
  }
  const std::string path = "fuzz-kernel";
  switch (identify_kernel_image(file, path)) {
    case KernelFormat::kLinux: {
      const LinuxImage image = parse_linux_image(file, path);
      LinuxBootPlan plan =
          plan_linux_boot(file, image, std::vector<uint8_t>(100, 0xAB), cmdline, kRamBytes, path);
      IoBus io;
      FwCfg fw_cfg(io, kRamBytes, 1, 1);
      publish_linux_boot(fw_cfg, std::move(plan));
      break;
    }
    case KernelFormat::kMultiboot: {
      AddressMap memory(kRamBytes);
      memory.map_ram(0, 0xA0000);
      memory.map_ram(0x100000, kRamBytes - 0x100000);
      NoPorts ports;
      Cpu cpu(memory, ports);
      cpu.reset();
      boot_multiboot_image(memory, cpu, file, MultibootOptions{path, cmdline, {}});
      break;
    }
    case KernelFormat::kNone:
      break;
  }
}

void rom(std::span<const uint8_t> file) {
  try {
    check_vga_bios_image(file, "fuzz-vgabios");
  } catch (const ConfigError&) {
  }
  check_bios_image(file, "fuzz-bios");
  AddressMap memory(1 << 20);
  map_bios(memory, file);
}

void command_line(std::span<const uint8_t> input) {
  std::vector<std::string_view> args;
  const std::string_view text(reinterpret_cast<const char*>(input.data()), input.size());
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\0', start);
    if (end == std::string_view::npos) end = text.size();
    args.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  const CliParseResult result = parse_command_line(args);
  if (result.ok()) machine_config_from_cli(result.options);
}

void moo(std::span<const uint8_t> file) {
  const MooFile moo_file = parse_moo(maybe_gunzip({file.begin(), file.end()}));
  // And the tests run, as trapeze-singlestep runs them (its CPU on flat memory, reused).
  static SingleStepRunner runner;
  for (size_t i = 0; i < moo_file.tests.size() && i < 4; ++i)
    runner.run(moo_file.tests[i], 0xFFFF, false);
}

void json(std::span<const uint8_t> file) {
  parse_json(std::string_view(reinterpret_cast<const char*>(file.data()), file.size()));
}

// The debug front ends talk to a machine: one for the process, reset for each input.
struct DebugTarget {
  Machine machine{small_machine_config(4)};
  Debugger debugger{machine};
  GdbStub stub{machine, debugger};
  Monitor monitor{machine, debugger, 16};
};

DebugTarget& debug_target() {
  static DebugTarget* target = new DebugTarget;
  target->machine.reset();
  return *target;
}

void gdb(std::span<const uint8_t> input) {
  DebugTarget& t = debug_target();
  GdbPacketReader reader;
  for (uint8_t byte : input)
    if (auto item = reader.feed(static_cast<char>(byte)))
      if (item->kind == GdbPacketReader::Item::Kind::kPacket) t.stub.handle(item->payload);
  t.stub.stop_reply();
}

void monitor(std::span<const uint8_t> input) {
  DebugTarget& t = debug_target();
  const std::string_view text(reinterpret_cast<const char*>(input.data()), input.size());
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    // Running the guest is the one thing a harness cannot bound from here (a guest loop
    // runs until the user interrupts it); everything else runs.
    std::istringstream words{std::string(line)};
    std::string word;
    words >> word;  // as the monitor splits its lines
    if (word == "c" || word == "continue" || word == "s" || word == "step" || word == "si" ||
        word == "stepi")
      continue;
    t.monitor.execute(line);
  }
}

}  // namespace
}  // namespace trapeze::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  trapeze::fuzz::silence_logging();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace trapeze;
  using namespace trapeze::fuzz;
  if (size == 0) return 0;
  const std::span<const uint8_t> file(data + 1, size - 1);
  try {
    switch (static_cast<InputKind>(data[0] % kInputKindCount)) {
      case InputKind::kDisk:
        disk_image(file, DiskMedium::kHardDisk);
        break;
      case InputKind::kCdrom:
        disk_image(file, DiskMedium::kCdRom);
        break;
      case InputKind::kKernel:
        kernel(file);
        break;
      case InputKind::kElf:
        parse_elf32_image(file, "fuzz-elf");
        break;
      case InputKind::kRom:
        rom(file);
        break;
      case InputKind::kCommandLine:
        command_line(file);
        break;
      case InputKind::kMoo:
        moo(file);
        break;
      case InputKind::kJson:
        json(file);
        break;
      case InputKind::kGdb:
        gdb(file);
        break;
      case InputKind::kMonitor:
        monitor(file);
        break;
    }
  } catch (const ConfigError&) {
  } catch (const MooError&) {
  } catch (const JsonError&) {
  }
  return 0;
}
