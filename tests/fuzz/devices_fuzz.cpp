// libFuzzer harness: port and MMIO reads and writes across the whole board, interleaved
// with virtual time.
//
// Each input builds a small PC (4 MiB of RAM, the standard VGA, an e1000, an in-memory
// IDE disk on the primary channel and an in-memory CD on the secondary), programs the PCI
// BARs and enables as the firmware would, then plays the input's operations (device_ops.h)
// against it: port and MMIO accesses, RAM writes (descriptor rings, PRD tables, DMA
// targets), time advancing so timers, transfers and interrupts happen, the display's
// frame read as a window would, frames arriving from the network. No CPU runs: the
// operations are what a guest's instructions would do, without the instruction stream.
#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "devices/ata_disk.h"
#include "devices/atapi_cdrom.h"
#include "devices/machine.h"
#include "tests/fuzz/device_ops.h"
#include "tests/fuzz/fuzz_support.h"

namespace trapeze::fuzz {
namespace {

constexpr uint64_t kMemoryMib = 4;
constexpr size_t kMaxOps = 2048;
// Bounds per input, so one input cannot take long: repeated accesses (enough for a few
// sectors by PIO) and virtual time.
constexpr uint32_t kMaxRepeat = 4096;
constexpr uint64_t kMaxAdvanceNs = 100'000'000;  // 100 ms of virtual time per input

// A disk with recognisable contents: each 512-byte sector holds its number.
std::vector<uint8_t> disk_bytes(size_t sectors, size_t sector_bytes) {
  std::vector<uint8_t> bytes(sectors * sector_bytes);
  for (size_t s = 0; s < sectors; ++s)
    for (size_t i = 0; i < sector_bytes; ++i)
      bytes[s * sector_bytes + i] = static_cast<uint8_t>(s + i);
  return bytes;
}

unsigned access_size(uint8_t b) { return 1u << (b % 3); }  // 1, 2 or 4

uint16_t table_port(FieldReader& in) {
  const PortRange& r = kPortRanges[in.u8() % kPortRanges.size()];
  return static_cast<uint16_t>(r.base + in.u8() % r.count);
}

uint64_t table_address(FieldReader& in, unsigned size) {
  const MmioRange& r = kMmioRanges[in.u8() % kMmioRanges.size()];
  return r.base + (in.u32() % r.size) / size * size;  // aligned, inside the range
}

class Player {
 public:
  explicit Player(Machine& m) : m_(m) {}

  void play(FieldReader& in) {
    for (size_t n = 0; n < kMaxOps && !in.at_end(); ++n) step(in);
  }

 private:
  void step(FieldReader& in) {
    IoBus& io = m_.io();
    AddressMap& memory = m_.memory();
    switch (static_cast<DeviceOp>(in.u8() % kDeviceOpCount)) {
      case DeviceOp::kOut: {
        const uint16_t port = table_port(in);
        const unsigned size = access_size(in.u8());
        io.out(port, size, in.u32());
        break;
      }
      case DeviceOp::kIn: {
        const uint16_t port = table_port(in);
        io.in(port, access_size(in.u8()));
        break;
      }
      case DeviceOp::kMmioWrite: {
        const unsigned size = access_size(in.u8());
        const uint64_t address = table_address(in, size);
        memory.write(address, size, in.u32());
        break;
      }
      case DeviceOp::kMmioRead: {
        const unsigned size = access_size(in.u8());
        memory.read(table_address(in, size), size);
        break;
      }
      case DeviceOp::kAdvance: {
        const uint64_t amount = in.u16();
        const uint64_t ns = std::min(amount << (in.u8() % 24), advance_left_ns_);
        advance_left_ns_ -= ns;
        m_.scheduler().advance_to(m_.scheduler().now_ns() + ns);
        break;
      }
      case DeviceOp::kRamWrite: {
        const uint64_t address = in.u32() % memory.ram_size();
        std::span<const uint8_t> bytes = in.bytes(in.u8());
        bytes = bytes.first(std::min<uint64_t>(bytes.size(), memory.ram_size() - address));
        // Through the bus, as the CPU's stores would go (the 640 KiB-1 MiB hole included).
        for (size_t i = 0; i < bytes.size(); ++i) memory.write(address + i, 1, bytes[i]);
        break;
      }
      case DeviceOp::kRepIn: {
        const uint16_t port = table_port(in);
        const unsigned size = access_size(in.u8());
        const uint32_t count = std::min<uint32_t>(in.u16(), repeat_left_);
        repeat_left_ -= count;
        for (uint32_t i = 0; i < count; ++i) io.in(port, size);
        break;
      }
      case DeviceOp::kRepOut: {
        const uint16_t port = table_port(in);
        const unsigned size = access_size(in.u8());
        const uint32_t count = std::min<uint32_t>(in.u16(), repeat_left_);
        const uint32_t value = in.u32();
        repeat_left_ -= count;
        for (uint32_t i = 0; i < count; ++i) io.out(port, size, value + i);
        break;
      }
      case DeviceOp::kAcknowledge:
        if (m_.local_apic().interrupt_pending()) m_.local_apic().acknowledge_interrupt();
        break;
      case DeviceOp::kRender:
        if (DisplaySource* display = m_.display()) {
          display->frame();
          display->text_screen();
        }
        break;
      case DeviceOp::kReceive:
        if (NetworkCard* nic = m_.network_card()) nic->receive(in.bytes(in.u8()));
        break;
      case DeviceOp::kRawOut: {
        const uint16_t port = in.u16();
        const unsigned size = access_size(in.u8());
        io.out(port, size, in.u32());
        break;
      }
      case DeviceOp::kRawMmio: {
        const uint64_t address = in.u32();
        const unsigned size = access_size(in.u8());
        const uint32_t value = in.u32();
        if (in.u8() & 1)
          memory.write(address, size, value);
        else
          memory.read(address, size);
        break;
      }
      case DeviceOp::kSerialIn:
        m_.com1().receive(in.u8());
        break;
    }
  }

  Machine& m_;
  uint32_t repeat_left_ = kMaxRepeat;
  uint64_t advance_left_ns_ = kMaxAdvanceNs;
};

}  // namespace
}  // namespace trapeze::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  trapeze::fuzz::silence_logging();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace trapeze;
  using namespace trapeze::fuzz;
  // One machine for the process (building one costs more than an input's run); each input
  // starts from a reset, zeroed RAM and fresh disks.
  static Machine& machine = []() -> Machine& {
    MachineConfig config = small_machine_config(kMemoryMib);
    config.nic = NicKind::kE1000;
    Machine* m = new Machine(config);
    m->network_card()->set_transmit_sink([](std::span<const uint8_t>) {});
    return *m;
  }();
  machine.reset();
  machine.debug_ports().clear_exit_request();
  clear_ram(machine);
  machine.ide().primary().attach(
      IdeChannel::kMaster,
      std::make_unique<AtaDisk>(memory_disk(disk_bytes(64, 512), DiskMedium::kHardDisk)));
  machine.ide().secondary().attach(
      IdeChannel::kMaster,
      std::make_unique<AtapiCdrom>(memory_disk(disk_bytes(16, 2048), DiskMedium::kCdRom)));
  configure_like_firmware(machine);

  FieldReader in(std::span(data, size));
  Player(machine).play(in);
  return 0;
}
