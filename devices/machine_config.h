// Everything a user chooses about a machine, filled in by the frontend's command line
// and read once by Machine's constructor.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace trapeze {

// Where a character device's output goes (QEMU's -serial / -debugcon vocabulary).
enum class OutputTarget { kNone, kStdio, kFile };

struct OutputSpec {
  OutputTarget target = OutputTarget::kNone;
  std::string path;  // kFile only
};

// Parses "none", "stdio" or "file:PATH"; throws ConfigError naming `option` otherwise.
OutputSpec parse_output_spec(std::string_view option, std::string_view text);

// The display card (QEMU's -vga): none, or the QEMU/Bochs standard VGA with Debian's
// SeaVGABIOS as its option ROM.
enum class VgaKind { kNone, kStd };

// The network card (QEMU's -nic model): none, or the Intel 82540EM (e1000) at 00:03.0.
enum class NicKind { kNone, kE1000 };

struct MachineConfig {
  uint64_t memory_mib = 128;
  // A raw firmware image (a multiple of 64 KiB, at most 16 MiB). Empty: Debian's SeaBIOS
  // from /usr/share/seabios, when installed.
  std::string bios_path;
  // IDE drives: the primary channel's master and slave disks, the CD-ROM as the secondary
  // master (QEMU's -hda, -hdb, -cdrom).
  std::string hda_path;
  std::string hdb_path;
  std::string cdrom_path;
  // QEMU's -boot letters ('a' floppy, 'c' disk, 'd' CD-ROM, 'n' network), up to three;
  // empty: "cad", QEMU's default.
  std::string boot_order;
  std::string kernel_path;
  std::string initrd_path;
  std::string append;  // kernel command line
  VgaKind vga = VgaKind::kStd;
  // No card unless asked for: a headless run then cannot see the host's network (the
  // frontend adds one for --net user / --nic).
  NicKind nic = NicKind::kNone;
  bool snapshot = false;  // disk writes go to a temporary overlay, never to the image
  bool headless = true;
  // A triple fault stops the run (QEMU's -no-reboot) instead of resetting the machine.
  bool no_reboot = false;
  // Where COM1 (the 16550A UART at 0x3F8) sends what the guest transmits.
  OutputSpec serial{OutputTarget::kStdio, {}};
  OutputSpec debugcon{OutputTarget::kNone, {}};  // port 0xE9
  // SeaBIOS's debug log (port 0x402, QEMU's isa-debugcon at iobase 0x402).
  OutputSpec firmware_log{OutputTarget::kNone, {}};
  // Host (wall-clock) seconds before run() gives up with kTimeout; 0 = never. Wall clock
  // rather than virtual time because its job is to stop hung test runs.
  double timeout_seconds = 0;
  // Instructions before run() stops with kInstructionBudget; 0 = no limit.
  uint64_t max_instructions = 0;
};

}  // namespace trapeze
