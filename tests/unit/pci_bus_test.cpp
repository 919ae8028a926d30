// PCI configuration mechanism #1 and the generic PciDevice header, driven the way
// SeaBIOS's pciinit.c and hw/pci.c drive them: the 0x80000000 read-back, probing by
// vendor ID, BAR and ROM BAR sizing, address assignment and the command register write
// that turns decoding on.
#include "devices/pci_bus.h"

#include <doctest/doctest.h>

#include <optional>
#include <vector>

#include "devices/io_bus.h"
#include "devices/pci_device.h"
#include "mmu/address_map.h"

using namespace trapeze;

namespace {

constexpr uint32_t kMiB = 1024 * 1024;

// A function with every kind of region: 32 I/O ports (BAR0), 4 KiB of registers (BAR1),
// a 16 MiB prefetchable frame buffer (BAR2) and a 64 KiB option ROM.
class TestFunction : public PciDevice, public IoHandler, public MmioHandler {
 public:
  static constexpr uint32_t kRomBytes = 64 * 1024;

  TestFunction(PciBus& bus, IoBus& io, AddressMap& memory, PciAddress address,
               uint8_t header_type = 0)
      : PciDevice(bus, address, "test",
                  PciIdentity{0x1234, 0x5678, 0x01, 0x020000, header_type, 0x1AF4, 0x1100, 1}) {
    define_bar(0, PciBarType::kIo, 0x20, io_bar_mapping(io, "test-io", *this, kIoWidthAny));
    define_bar(1, PciBarType::kMemory32, 0x1000, mmio_bar_mapping(memory, "test-regs", *this));
    define_bar(2, PciBarType::kMemory32Prefetchable, 16 * kMiB,
               mmio_bar_mapping(memory, "test-fb", *this));
    std::vector<uint8_t> rom(100, 0x00);
    rom[0] = 0x55;
    rom[1] = 0xAA;
    define_rom(kRomBytes, rom_bar_mapping(memory, "test-rom", rom));
  }

  void request_interrupt(bool level) { set_interrupt(level); }
  void signal_target_abort() { set_config16(pci::kStatus, config16(pci::kStatus) | 0x0800); }

  uint32_t io_read(uint16_t port, unsigned) override { return 0xA0u + (port & 0x1F); }
  void io_write(uint16_t, unsigned, uint32_t value) override { last_io_write = value; }
  uint64_t read(uint64_t offset, unsigned) override { return 0x1000 + offset; }
  void write(uint64_t, unsigned, uint64_t) override {}

  uint32_t last_io_write = 0;
};

struct Board {
  IoBus io;
  AddressMap memory{2 * kMiB};
  PciBus bus{io};

  static uint32_t address(unsigned device, unsigned function, uint8_t reg) {
    return PciBus::kConfigEnable | (device << 11) | (function << 8) | (reg & 0xFC);
  }
  // SeaBIOS's pci_config_read{l,w,b}: the dword address to 0xCF8, then the data at
  // 0xCFC + (reg & 3).
  uint32_t readl(unsigned dev, uint8_t reg, unsigned fn = 0) {
    io.out(0xCF8, 4, address(dev, fn, reg));
    return io.in(0xCFC, 4);
  }
  uint16_t readw(unsigned dev, uint8_t reg, unsigned fn = 0) {
    io.out(0xCF8, 4, address(dev, fn, reg));
    return static_cast<uint16_t>(io.in(0xCFC + (reg & 2), 2));
  }
  uint8_t readb(unsigned dev, uint8_t reg, unsigned fn = 0) {
    io.out(0xCF8, 4, address(dev, fn, reg));
    return static_cast<uint8_t>(io.in(0xCFC + (reg & 3), 1));
  }
  void writel(unsigned dev, uint8_t reg, uint32_t value, unsigned fn = 0) {
    io.out(0xCF8, 4, address(dev, fn, reg));
    io.out(0xCFC, 4, value);
  }
  void writew(unsigned dev, uint8_t reg, uint16_t value, unsigned fn = 0) {
    io.out(0xCF8, 4, address(dev, fn, reg));
    io.out(0xCFC + (reg & 2), 2, value);
  }
  void writeb(unsigned dev, uint8_t reg, uint8_t value, unsigned fn = 0) {
    io.out(0xCF8, 4, address(dev, fn, reg));
    io.out(0xCFC + (reg & 3), 1, value);
  }
  // SeaBIOS's pci_bios_get_bar: save, write the sizing pattern, read, restore.
  uint32_t size_probe(unsigned dev, uint8_t reg, uint32_t pattern = 0xFFFFFFFF) {
    const uint32_t old = readl(dev, reg);
    writel(dev, reg, pattern);
    const uint32_t value = readl(dev, reg);
    writel(dev, reg, old);
    return value;
  }
};

}  // namespace

TEST_CASE("PciBus: CONFIG_ADDRESS reads back 0x80000000 (SeaBIOS pci_probe_host)") {
  Board b;
  b.io.out(0xCF8, 4, 0x80000000);
  CHECK(b.io.in(0xCF8, 4) == 0x80000000);
  // Reserved bits 30:24 and 1:0 read as zero.
  b.io.out(0xCF8, 4, 0xFFFFFFFF);
  CHECK(b.bus.config_address() == 0x80FFFFFC);
  CHECK(b.io.in(0xCF8, 4) == 0x80FFFFFC);
}

TEST_CASE("PciBus: absent functions, other buses and disabled cycles read all ones") {
  Board b;
  TestFunction f(b.bus, b.io, b.memory, PciAddress{3, 0});
  CHECK(b.readl(4, 0) == 0xFFFFFFFF);  // empty slot
  CHECK(b.readw(4, 2) == 0xFFFF);
  CHECK(b.readb(4, 0x0E) == 0xFF);
  CHECK(b.readl(3, 0, 1) == 0xFFFFFFFF);  // function 1 of a single-function device
  b.io.out(0xCF8, 4, PciBus::kConfigEnable | (1u << 16) | (3u << 11));  // bus 1
  CHECK(b.io.in(0xCFC, 4) == 0xFFFFFFFF);
  b.io.out(0xCF8, 4, 3u << 11);  // enable bit clear: an ordinary I/O cycle
  CHECK(b.io.in(0xCFC, 4) == 0xFFFFFFFF);
  b.writel(4, 0x04, 0x0007);  // writes to nothing go nowhere
  CHECK(b.readl(4, 0x04) == 0xFFFFFFFF);
}

TEST_CASE("PciBus: identity registers at every access width (SeaBIOS pci_probe_devices)") {
  Board b;
  TestFunction f(b.bus, b.io, b.memory, PciAddress{3, 0});
  CHECK(b.readl(3, 0x00) == 0x56781234);
  CHECK(b.readw(3, 0x00) == 0x1234);
  CHECK(b.readw(3, 0x02) == 0x5678);
  CHECK(b.readb(3, 0x01) == 0x12);
  CHECK(b.readb(3, 0x08) == 0x01);        // revision
  CHECK(b.readl(3, 0x08) == 0x02000001);  // class 02 (network), sub-class 00, prog-if 00
  CHECK(b.readw(3, 0x0A) == 0x0200);      // PCI_CLASS_DEVICE as SeaBIOS reads it
  CHECK(b.readb(3, 0x0E) == 0x00);
  CHECK(b.readl(3, 0x2C) == 0x11001AF4);
  CHECK(b.readb(3, 0x3D) == 0x01);
  // Identity is read-only.
  b.writel(3, 0x00, 0xFFFFFFFF);
  b.writeb(3, 0x08, 0x77);
  CHECK(b.readl(3, 0x00) == 0x56781234);
  CHECK(b.readb(3, 0x08) == 0x01);
}

TEST_CASE("PciBus: multi-function bit and functions behind function 0 (pci_next)") {
  Board b;
  TestFunction f0(b.bus, b.io, b.memory, PciAddress{1, 0}, pci::kHeaderMultiFunction);
  TestFunction f3(b.bus, b.io, b.memory, PciAddress{1, 3});
  CHECK((b.readb(1, 0x0E) & 0x80) != 0);
  CHECK(b.readl(1, 0x00, 3) == 0x56781234);
  CHECK(b.readl(1, 0x00, 1) == 0xFFFFFFFF);
  CHECK_THROWS_AS(TestFunction(b.bus, b.io, b.memory, PciAddress{1, 3}), std::invalid_argument);
}

TEST_CASE("PciBus: BAR sizing reads back the size mask (SeaBIOS pci_bios_get_bar)") {
  Board b;
  TestFunction f(b.bus, b.io, b.memory, PciAddress{3, 0});
  CHECK(b.readl(3, 0x10) == 0x00000001);  // I/O BAR, unassigned
  CHECK(b.readl(3, 0x18) == 0x00000008);  // prefetchable memory
  CHECK(b.size_probe(3, 0x10) == 0xFFFFFFE1);
  CHECK(b.size_probe(3, 0x14) == 0xFFFFF000);
  CHECK(b.size_probe(3, 0x18) == 0xFF000008);
  for (uint8_t reg = 0x1C; reg <= 0x24; reg += 4) CHECK(b.size_probe(3, reg) == 0);
  // SeaBIOS's arithmetic: size = ~(value & mask) + 1.
  CHECK((~(b.size_probe(3, 0x10) & 0xFFFFFFFC)) + 1 == 0x20);
  CHECK((~(b.size_probe(3, 0x18) & 0xFFFFFFF0)) + 1 == 16 * kMiB);
  // The restore left the BARs as they were.
  CHECK(b.readl(3, 0x10) == 0x00000001);
  CHECK(b.readl(3, 0x14) == 0x00000000);
}

TEST_CASE("PciBus: ROM BAR sized with 0xFFFFF800, enable bit kept") {
  Board b;
  TestFunction f(b.bus, b.io, b.memory, PciAddress{3, 0});
  CHECK(b.size_probe(3, 0x30, 0xFFFFF800) == 0xFFFF0000);  // 64 KiB
  CHECK(b.size_probe(3, 0x30, 0xFFFFFFFF) == 0xFFFF0001);
}

TEST_CASE("PciBus: assigned BARs decode once the command register enables them") {
  Board b;
  TestFunction f(b.bus, b.io, b.memory, PciAddress{3, 0});
  // SeaBIOS pci_bios_map_devices: I/O from 0xC000, memory top-down below 0xFEC00000.
  b.writel(3, 0x10, 0xC000);
  b.writel(3, 0x14, 0xFEBF0000);
  b.writel(3, 0x18, 0xFD000000);
  CHECK(b.readl(3, 0x10) == 0xC001);
  CHECK(b.readl(3, 0x18) == 0xFD000008);
  CHECK(b.io.in(0xC001, 1) == 0xFF);  // not decoding yet
  CHECK(b.memory.read(0xFEBF0004, 4) == 0xFFFFFFFF);
  CHECK_FALSE(f.bar_address(0));

  // pci_bios_init_device: command |= I/O | memory | SERR (0x0103).
  b.writew(3, 0x04, static_cast<uint16_t>(b.readw(3, 0x04) | 0x0103));
  CHECK(b.readw(3, 0x04) == 0x0103);
  CHECK(f.bar_address(0) == 0xC000);
  CHECK(f.bar_address(1) == 0xFEBF0000);
  CHECK(f.bar_address(2) == 0xFD000000);
  CHECK(b.io.in(0xC001, 1) == 0xA1);
  b.io.out(0xC01F, 1, 0x5A);
  CHECK(f.last_io_write == 0x5A);
  CHECK(b.memory.read(0xFEBF0004, 4) == 0x1004);
  CHECK(b.memory.read(0xFD000010, 4) == 0x1010);
  CHECK_FALSE(f.rom_address());  // the ROM needs its own enable bit

  // Moving a BAR while decoding moves the region.
  b.writel(3, 0x10, 0xC040);
  CHECK(b.io.in(0xC001, 1) == 0xFF);
  CHECK(b.io.in(0xC041, 1) == 0xA1);
  b.writel(3, 0x14, 0xFEBE0000);
  CHECK(b.memory.read(0xFEBF0004, 4) == 0xFFFFFFFF);
  CHECK(b.memory.read(0xFEBE0004, 4) == 0x1004);

  // Turning I/O decoding off unmaps only the I/O BAR (Linux does this around sizing).
  b.writew(3, 0x04, 0x0102);
  CHECK(b.io.in(0xC041, 1) == 0xFF);
  CHECK_FALSE(f.bar_address(0));
  CHECK(b.memory.read(0xFEBE0004, 4) == 0x1004);
  b.writew(3, 0x04, 0x0000);
  CHECK(b.memory.read(0xFEBE0004, 4) == 0xFFFFFFFF);
}

TEST_CASE("PciBus: the ROM BAR maps the image when enabled with memory decoding") {
  Board b;
  TestFunction f(b.bus, b.io, b.memory, PciAddress{2, 0});
  b.writel(2, 0x30, 0xFEB00000);
  b.writew(2, 0x04, 0x0002);
  CHECK_FALSE(f.rom_address());
  // SeaBIOS's pci rom loading: enable bit set, read the 0x55AA signature, disable.
  b.writel(2, 0x30, 0xFEB00000 | pci::kRomEnable);
  CHECK(f.rom_address() == 0xFEB00000);
  CHECK(b.memory.read(0xFEB00000, 2) == 0xAA55);
  CHECK(b.memory.read(0xFEB00000 + 200, 1) == 0xFF);  // past the image: erased flash
  b.writel(2, 0x30, 0xFEB00000);
  CHECK(b.memory.read(0xFEB00000, 2) == 0xFFFF);
}

TEST_CASE("PciBus: sizing a decoding BAR does not map the all-ones pattern over the flash") {
  Board b;
  const std::vector<uint8_t> flash(64 * 1024, 0xEA);
  b.memory.map_rom("bios", 0xFFFF0000, flash);
  TestFunction f(b.bus, b.io, b.memory, PciAddress{3, 0});
  b.writel(3, 0x18, 0xFD000000);
  b.writew(3, 0x04, 0x0003);
  CHECK(b.size_probe(3, 0x18) == 0xFF000008);  // no throw, no overlap
  CHECK(b.memory.read(0xFFFFFFF0, 1) == 0xEA);
  CHECK(f.bar_address(2) == 0xFD000000);  // restored and decoding again
}

TEST_CASE("PciBus: a BAR over another device's range stays unmapped instead of throwing") {
  Board b;
  TestFunction a(b.bus, b.io, b.memory, PciAddress{3, 0});
  TestFunction c(b.bus, b.io, b.memory, PciAddress{4, 0});
  b.writel(3, 0x10, 0xC000);
  b.writel(4, 0x10, 0xC000);
  b.writew(3, 0x04, 0x0001);
  b.writew(4, 0x04, 0x0001);
  CHECK(a.bar_address(0) == 0xC000);
  CHECK_FALSE(c.bar_address(0));
  b.writel(4, 0x10, 0xC020);  // moved out of the way: now it maps
  CHECK(c.bar_address(0) == 0xC020);
}

TEST_CASE("PciBus: INTx#, Interrupt Disable and the interrupt status bit") {
  Board b;
  TestFunction f(b.bus, b.io, b.memory, PciAddress{3, 0});
  std::vector<bool> levels;
  f.intx().connect([&](bool level) { levels.push_back(level); });
  levels.clear();
  f.request_interrupt(true);
  CHECK(f.intx().level());
  CHECK((b.readw(3, 0x06) & pci::kStatusInterrupt) != 0);
  b.writew(3, 0x04, pci::kCommandInterruptDisable);
  CHECK_FALSE(f.intx().level());
  CHECK((b.readw(3, 0x06) & pci::kStatusInterrupt) != 0);  // still requested
  b.writew(3, 0x04, 0);
  CHECK(f.intx().level());
  f.request_interrupt(false);
  CHECK_FALSE(f.intx().level());
  CHECK((b.readw(3, 0x06) & pci::kStatusInterrupt) == 0);
  CHECK(levels == std::vector<bool>{true, false, true, false});
}

TEST_CASE("PciBus: status error bits are write-one-to-clear, the rest read-only") {
  Board b;
  TestFunction f(b.bus, b.io, b.memory, PciAddress{3, 0});
  f.signal_target_abort();
  CHECK(b.readw(3, 0x06) == 0x0800);
  b.writew(3, 0x06, 0x0000);
  CHECK(b.readw(3, 0x06) == 0x0800);
  b.writew(3, 0x06, 0xFFFF);
  CHECK(b.readw(3, 0x06) == 0x0000);
  // Interrupt line is software's scratch register (SeaBIOS writes the routed IRQ).
  b.writeb(3, 0x3C, 11);
  CHECK(b.readb(3, 0x3C) == 11);
}

TEST_CASE("PciBus: byte and word cycles to 0xCF8-0xCFB pass through (PIIX3's 0xCF9)") {
  struct Recorder : IoHandler {
    uint32_t io_read(uint16_t port, unsigned) override { return port == 0xCF9 ? 0x02 : 0xFF; }
    void io_write(uint16_t port, unsigned size, uint32_t value) override {
      writes.push_back({port, size, value});
    }
    struct Write {
      uint16_t port;
      unsigned size;
      uint32_t value;
    };
    std::vector<Write> writes;
  } recorder;
  Board b;
  CHECK(b.io.in(0xCF9, 1) == 0xFF);  // nobody there yet
  b.bus.set_passthrough_handler(&recorder);
  b.io.out(0xCF8, 4, 0x80000000);
  b.io.out(0xCF9, 1, 0x06);  // a reset request must not disturb CONFIG_ADDRESS
  CHECK(b.io.in(0xCF8, 4) == 0x80000000);
  CHECK(b.io.in(0xCF9, 1) == 0x02);
  REQUIRE(recorder.writes.size() == 1);
  CHECK(recorder.writes[0].port == 0xCF9);
  CHECK(recorder.writes[0].value == 0x06);
}

TEST_CASE("PciBus: a destroyed function leaves its slot empty and its regions unmapped") {
  Board b;
  {
    TestFunction f(b.bus, b.io, b.memory, PciAddress{3, 0});
    b.writel(3, 0x10, 0xC000);
    b.writel(3, 0x14, 0xFEBF0000);
    b.writew(3, 0x04, 0x0003);
    CHECK(b.io.in(0xC000, 1) == 0xA0);
  }
  CHECK(b.readl(3, 0x00) == 0xFFFFFFFF);
  CHECK(b.io.in(0xC000, 1) == 0xFF);
  CHECK(b.memory.read(0xFEBF0000, 4) == 0xFFFFFFFF);
  // The slot can be taken again.
  TestFunction again(b.bus, b.io, b.memory, PciAddress{3, 0});
  CHECK(b.readw(3, 0x00) == 0x1234);
}
