// The 82441FX host bridge: its identity as SeaBIOS's qemu_detect and shadow.c read it,
// and the PAM shadow-RAM sequences of fw/shadow.c (make_bios_writable: 0x30/0x33 and the
// copy from the high flash; make_bios_readonly: 0x10/0x11 and 0x31), then a reset.
#include "devices/i440fx.h"

#include <doctest/doctest.h>

#include <vector>

#include "devices/io_bus.h"
#include "devices/pci_bus.h"
#include "mmu/address_map.h"

using namespace trapeze;

namespace {

constexpr uint64_t kMiB = 1024 * 1024;
constexpr size_t kIsaBiosBytes = 128 * 1024;  // what appears at 0xE0000-0xFFFFF

// A recognisable flash image: each byte tells where it came from.
std::vector<uint8_t> flash_image() {
  std::vector<uint8_t> image(kIsaBiosBytes);
  for (size_t i = 0; i < image.size(); ++i) image[i] = static_cast<uint8_t>((i >> 8) ^ i ^ 0x5A);
  return image;
}

uint8_t flash_byte(const std::vector<uint8_t>& image, uint64_t address) {
  return image[address - (0x100000 - kIsaBiosBytes)];
}

struct Board {
  IoBus io;
  AddressMap memory{2 * kMiB};
  PciBus bus{io};
  std::vector<uint8_t> image = flash_image();
  I440fx host{bus, memory, image};
  unsigned map_changes = 0;

  Board() {
    memory.on_map_changed([this] { ++map_changes; });
  }
  uint32_t readl(uint8_t reg) {
    io.out(0xCF8, 4, 0x80000000u | (reg & 0xFC));
    return io.in(0xCFC, 4);
  }
  uint16_t readw(uint8_t reg) {
    io.out(0xCF8, 4, 0x80000000u | (reg & 0xFC));
    return static_cast<uint16_t>(io.in(0xCFC + (reg & 2), 2));
  }
  uint8_t readb(uint8_t reg) {
    io.out(0xCF8, 4, 0x80000000u | (reg & 0xFC));
    return static_cast<uint8_t>(io.in(0xCFC + (reg & 3), 1));
  }
  void writel(uint8_t reg, uint32_t value) {
    io.out(0xCF8, 4, 0x80000000u | (reg & 0xFC));
    io.out(0xCFC, 4, value);
  }
  void writeb(uint8_t reg, uint8_t value) {
    io.out(0xCF8, 4, 0x80000000u | (reg & 0xFC));
    io.out(0xCFC + (reg & 3), 1, value);
  }
  uint8_t peek(uint64_t address) { return static_cast<uint8_t>(memory.read(address, 1)); }
  void poke(uint64_t address, uint8_t value) { memory.write(address, 1, value); }

  // shadow.c __make_bios_writable_intel: read the PAM dwords at 0x58 and 0x5C, set
  // 0x5A-0x5F to 0x33 and 0x59 to 0x30, write both dwords back. Returns whether RAM was
  // already present (0x59 bit 4) before.
  bool make_bios_writable() {
    uint32_t low = readl(0x58);
    uint32_t high = readl(0x5C);
    const bool ram_present = ((low >> 8) & 0x10) != 0;
    low = (low & 0x000000FF) | 0x33330000 | 0x3000;
    high = 0x33333333;
    writel(0x58, low);
    writel(0x5C, high);
    return ram_present;
  }
  // shadow.c make_bios_readonly_intel with option ROMs up to 0xC8000: 0x11 for
  // 0xC0000-0xC7FFF, 0x31 for 0xC8000 (RAM at 0xCC000 stays writable), 0x10 for the BIOS.
  void make_bios_readonly() {
    uint32_t low = readl(0x58);
    uint32_t high = readl(0x5C);
    low = (low & 0x000000FF) | (0x31u << 24) | (0x11u << 16) | (0x10u << 8);
    writel(0x58, low);
    writel(0x5C, high);
  }
};

}  // namespace

TEST_CASE("I440fx: identity and power-on registers") {
  Board b;
  CHECK(b.readl(0x00) == 0x12378086);
  CHECK(b.readb(0x08) == 0x02);
  CHECK(b.readl(0x08) == 0x06000002);  // host bridge
  CHECK(b.readb(0x0E) == 0x00);
  CHECK(b.readw(0x04) == 0x0006);
  CHECK(b.readw(0x06) == 0x0280);
  // SeaBIOS's qemu_detect identifies QEMU's i440FX by the subsystem IDs.
  CHECK(b.readw(0x2C) == 0x1AF4);
  CHECK(b.readw(0x2E) == 0x1100);
  CHECK(b.readl(0x58) == 0x00000010);  // DRAMT 0x10, PAM0-2 all PCI
  CHECK(b.readl(0x5C) == 0x00000000);
  CHECK(b.readb(0x72) == 0x02);
  CHECK(b.readb(0x60) == 0x01);  // 2 MiB of RAM: row 0 ends at 8 MiB
  // BAR sizing finds nothing to assign (SeaBIOS probes every function).
  b.writel(0x10, 0xFFFFFFFF);
  CHECK(b.readl(0x10) == 0);
  b.writel(0x30, 0xFFFFF800);
  CHECK(b.readl(0x30) == 0);
}

TEST_CASE("I440fx: at power-on 0xC0000-0xFFFFF shows the flash and open bus") {
  Board b;
  CHECK(b.host.pam_mode(0xF0000) == I440fx::PamMode::kPci);
  CHECK(b.peek(0xFFFF0) == flash_byte(b.image, 0xFFFF0));
  CHECK(b.peek(0xE0000) == flash_byte(b.image, 0xE0000));
  CHECK(b.peek(0xC0000) == 0xFF);  // nothing on PCI below the flash
  b.poke(0xF0000, 0x12);           // the flash ignores writes
  CHECK(b.peek(0xF0000) == flash_byte(b.image, 0xF0000));
  // The flash is read directly by the CPU, never written.
  CHECK(b.memory.page_pointer(0xF0000, false) != nullptr);
  CHECK(b.memory.page_pointer(0xF0000, true) == nullptr);
}

TEST_CASE("I440fx: SeaBIOS shadowing makes a RAM copy visible, then write-protects it") {
  Board b;
  // POST: 0x59 bit 4 clear, so the BIOS is not in RAM yet.
  CHECK_FALSE(b.make_bios_writable());
  CHECK(b.readl(0x58) == 0x33333010);
  CHECK(b.readl(0x5C) == 0x33333333);
  CHECK(b.host.pam_mode(0xF0000) == I440fx::PamMode::kDram);
  CHECK(b.host.pam_mode(0xC4000) == I440fx::PamMode::kDram);
  // Fresh DRAM, then the copy from the high flash (here: from the image) into it.
  CHECK(b.peek(0xF0000) == 0x00);
  for (uint64_t a = 0xE0000; a < 0x100000; ++a) b.poke(a, flash_byte(b.image, a));
  b.poke(0xF1234, 0xC3);  // a variable the BIOS updates in its own segment
  CHECK(b.peek(0xF1234) == 0xC3);
  CHECK(b.memory.page_pointer(0xF0000, true) != nullptr);  // plain RAM, fast path

  b.make_bios_readonly();
  CHECK(b.readb(0x59) == 0x10);
  CHECK(b.readb(0x5A) == 0x11);
  CHECK(b.readb(0x5B) == 0x31);
  CHECK(b.host.pam_mode(0xF0000) == I440fx::PamMode::kReadDram);
  CHECK(b.host.pam_mode(0xC8000) == I440fx::PamMode::kReadDram);
  CHECK(b.host.pam_mode(0xCC000) == I440fx::PamMode::kDram);
  CHECK(b.host.pam_mode(0xD0000) == I440fx::PamMode::kDram);
  // Reads see the RAM copy; writes go to PCI, where the flash drops them.
  CHECK(b.peek(0xF1234) == 0xC3);
  b.poke(0xF1234, 0x00);
  CHECK(b.peek(0xF1234) == 0xC3);
  b.poke(0xC0010, 0x77);
  CHECK(b.peek(0xC0010) == 0x00);
  b.poke(0xCC010, 0x77);  // high nibble of 0x31: still read/write
  CHECK(b.peek(0xCC010) == 0x77);
  CHECK(b.memory.page_pointer(0xF0000, false) != nullptr);
  CHECK(b.memory.page_pointer(0xF0000, true) == nullptr);

  // A second POST-time call (resume path) finds RAM present.
  CHECK(b.make_bios_writable());
  CHECK(b.peek(0xF1234) == 0xC3);
}

TEST_CASE("I440fx: reset restores the pristine flash; DRAM keeps its contents") {
  Board b;
  b.make_bios_writable();
  b.poke(0xFFFF0, 0xEA);
  b.poke(0xE8000, 0x99);
  b.host.reset();
  CHECK(b.readl(0x58) == 0x00000010);
  CHECK(b.readl(0x5C) == 0x00000000);
  // SeaBIOS's cold path: the flash at the reset vector, and 0x59 bit 4 clear.
  CHECK(b.peek(0xFFFF0) == flash_byte(b.image, 0xFFFF0));
  CHECK(b.peek(0xE8000) == flash_byte(b.image, 0xE8000));
  b.make_bios_writable();
  CHECK(b.peek(0xFFFF0) == 0xEA);
  CHECK(b.peek(0xE8000) == 0x99);
}

TEST_CASE("I440fx: write-only DRAM mode reads the flash and keeps the writes") {
  Board b;
  b.writeb(0x59, 0x20);  // WE only: reads PCI, writes DRAM
  CHECK(b.host.pam_mode(0xF0000) == I440fx::PamMode::kWriteDram);
  b.poke(0xF0010, 0x42);
  b.memory.write(0xF0020, 4, 0xDEADBEEF);
  CHECK(b.peek(0xF0010) == flash_byte(b.image, 0xF0010));
  b.writeb(0x59, 0x10);  // RE only: now the writes show
  CHECK(b.peek(0xF0010) == 0x42);
  CHECK(b.memory.read(0xF0020, 4) == 0xDEADBEEF);
  // A write-only segment with nothing behind it on PCI reads as open bus.
  b.writeb(0x5A, 0x02);
  b.poke(0xC0000, 0x11);
  CHECK(b.peek(0xC0000) == 0xFF);
  b.writeb(0x5A, 0x03);
  CHECK(b.peek(0xC0000) == 0x11);
}

TEST_CASE("I440fx: reserved PAM bits read as zero; unchanged PAM does not remap") {
  Board b;
  b.writeb(0x59, 0xFF);
  CHECK(b.readb(0x59) == 0x30);
  b.writeb(0x5F, 0xFF);
  CHECK(b.readb(0x5F) == 0x33);
  const unsigned before = b.map_changes;
  b.writeb(0x59, 0x30);
  CHECK(b.map_changes == before);
}

TEST_CASE("I440fx: SMRAM control keeps its value and honours D_LCK") {
  Board b;
  // What SeaBIOS's piix4_apmc_smm_setup would write (it skips this when 0x5B bit 1 is set).
  b.writeb(0x72, 0x4A);  // D_OPEN | G_SMRAME | C_BASE_SEG
  CHECK(b.readb(0x72) == 0x4A);
  // All ones: bit 7 is reserved and C_BASE_SEG fixed at 010b; D_LCK comes with it, which
  // forces D_OPEN closed.
  b.writeb(0x72, 0xFF);
  CHECK(b.readb(0x72) == 0x3A);
  b.host.reset();
  b.writeb(0x72, 0x1A);  // lock with G_SMRAME
  CHECK(b.readb(0x72) == 0x1A);
  b.writeb(0x72, 0x42);  // D_OPEN and G_SMRAME can no longer change
  CHECK(b.readb(0x72) == 0x1A);
  b.writeb(0x72, 0x3A);  // D_CLS stays writable
  CHECK(b.readb(0x72) == 0x3A);
  b.host.reset();
  CHECK(b.readb(0x72) == 0x02);
}

TEST_CASE("I440fx: the flash window can be 64 KiB; bad sizes and tiny RAM are refused") {
  IoBus io;
  AddressMap memory(2 * kMiB);
  PciBus bus(io);
  const std::vector<uint8_t> small(64 * 1024, 0xAB);
  {
    I440fx host(bus, memory, small);
    CHECK(memory.read(0xF8000, 1) == 0xAB);
    CHECK(memory.read(0xE0000, 1) == 0xFF);
  }
  // The destroyed bridge left nothing mapped behind it.
  CHECK(memory.read(0xF8000, 1) == 0xFF);
  const std::vector<uint8_t> odd(6 * 1024, 0);
  CHECK_THROWS_AS(I440fx(bus, memory, odd), std::invalid_argument);
  AddressMap tiny(512 * 1024);
  CHECK_THROWS_AS(I440fx(bus, tiny, small), std::invalid_argument);
}
