// The ATA disk on an IDE channel, driven through the ports the way SeaBIOS (src/hw/ata.c:
// ata_detect, ata_reset, send_cmd, ata_pio_transfer) and Linux (libata-sff: ata_devchk,
// ata_bus_softreset, ata_sff_dev_classify, interrupt-driven PIO in ata_sff_hsm_move) do.
#include "devices/ata_disk.h"

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "devices/ata_registers.h"
#include "devices/atapi_cdrom.h"
#include "devices/ide_channel.h"
#include "ide_test_support.h"

using namespace trapeze;
using namespace trapeze::ata;
using namespace trapeze::test;

namespace {

constexpr uint8_t kReady = kStatusDrdy | kStatusDsc;  // 0x50

struct Cable {
  IoBus bus;
  Scheduler scheduler;
  IdeChannel channel{bus, scheduler, 0, IdeChannel::kPrimaryCommandPort,
                     IdeChannel::kPrimaryControlPort};
  IdePorts p{bus};
  int irq_rises = 0;

  Cable() {
    channel.irq().connect([this](bool level) { irq_rises += level ? 1 : 0; });
  }
  AtaDisk& attach_disk(std::shared_ptr<MemoryFileState> state, unsigned unit = 0) {
    channel.attach(unit, std::make_unique<AtaDisk>(memory_image(std::move(state))));
    return static_cast<AtaDisk&>(*channel.device(unit));
  }
  void settle() { test::settle(scheduler); }
  bool irq() { return channel.irq().level(); }
  // A command and its latency, then the status (which acknowledges the interrupt).
  uint8_t run(uint8_t command) {
    p.out(kRegCommand, command);
    settle();
    return p.status();
  }
};

std::vector<uint16_t> words_of(const std::vector<uint8_t>& bytes) {
  std::vector<uint16_t> words(bytes.size() / 2);
  for (size_t i = 0; i < words.size(); ++i)
    words[i] = static_cast<uint16_t>(bytes[2 * i] | bytes[2 * i + 1] << 8);
  return words;
}

// An ATA string: two characters a word, the first in the high byte; trailing spaces cut.
std::string ata_string(const std::vector<uint16_t>& w, size_t first, size_t words) {
  std::string s;
  for (size_t i = first; i < first + words; ++i) {
    s += static_cast<char>(w[i] >> 8);
    s += static_cast<char>(w[i] & 0xFF);
  }
  return s.substr(0, s.find_last_not_of(' ') + 1);
}

}  // namespace

TEST_CASE("AtaDisk: SeaBIOS ata_detect on a channel with a disk and an empty slave") {
  Cable c;
  c.attach_disk(pattern_disk(2048));
  IdePorts& p = c.p;

  // powerup_await_non_bsy, select device 0, wait again.
  CHECK((p.status() & kStatusBsy) == 0);
  p.out(kRegDevice, 0xA0);
  CHECK((p.status() & kStatusBsy) == 0);
  // "Check if ioport registers look valid."
  p.out(kRegDevice, 0xA0);
  CHECK(p.in(kRegDevice) == 0xA0);
  p.out(kRegSectorCount, 0x55);
  p.out(kRegLbaLow, 0xAA);
  CHECK(p.in(kRegSectorCount) == 0x55);
  CHECK(p.in(kRegLbaLow) == 0xAA);

  // ata_reset: SRST with nIEN (0x0E), release (0x0A), wait for BSY to drop, then RDY.
  p.control(0x0E);
  p.control(0x0A);
  CHECK((p.status() & kStatusBsy) != 0);
  c.settle();
  CHECK(p.status() == kReady);
  // The reset signature of an ATA device (ATA-6 9.12) and "diagnostics passed".
  CHECK(p.in(kRegSectorCount) == 0x01);
  CHECK(p.in(kRegLbaLow) == 0x01);
  CHECK(p.in(kRegLbaMid) == 0x00);
  CHECK(p.in(kRegLbaHigh) == 0x00);
  CHECK(p.in(kRegError) == 0x01);
  p.out(kRegDevice, 0xA0);  // "QEMU doesn't reset dh on reset, so set it explicitly"
  p.control(0x08);

  // init_drive_atapi: IDENTIFY PACKET DEVICE must abort on a disk.
  p.control(0x0A);
  p.out(kRegDevice, 0xA0);
  uint8_t st = c.run(kCmdIdentifyPacket);
  CHECK((st & (kStatusErr | kStatusDrq | kStatusBsy)) == kStatusErr);
  CHECK(p.in(kRegError) == kErrorAbrt);
  p.control(0x08);
  // "Status not set - can't be a valid drive": it is set, and RDY.
  CHECK(p.status() != 0);
  CHECK((p.status() & kStatusDrdy) != 0);

  // init_drive_ata: IDENTIFY DEVICE, 256 words by insw.
  p.control(0x0A);
  st = c.run(kCmdIdentify);
  CHECK((st & (kStatusBsy | kStatusDrq | kStatusErr)) == kStatusDrq);
  const std::vector<uint16_t> id = words_of(p.insw(512));
  p.alt_status();
  CHECK((p.status() & (kStatusBsy | kStatusDf | kStatusDrq | kStatusErr)) == 0);
  p.control(0x08);
  CHECK(id[1] == 2);  // 2048 sectors: 2 cylinders of 16 x 63
  CHECK(id[3] == 16);
  CHECK(id[6] == 63);
  CHECK((id[60] | id[61] << 16) == 2048);
  CHECK(ata_string(id, 27, 20) == "TRAPEZE HARDDISK");
  // Word 93 says device 0 answers for an absent device 1: SeaBIOS skips the slave.
  CHECK((id[93] & 0xDF61) == 0x4041);
  // nIEN was set around every command: the line never rose.
  CHECK(c.irq_rises == 0);
}

TEST_CASE("AtaDisk: an absent slave reads status 00h and ignores commands") {
  Cable c;
  c.attach_disk(pattern_disk(64));
  IdePorts& p = c.p;
  p.out(kRegDevice, 0xB0);
  CHECK(p.status() == 0x00);
  CHECK(p.alt_status() == 0x00);
  CHECK(p.in(kRegDevice) == 0xB0);  // device 0 latched the write and answers
  p.out(kRegSectorCount, 0x55);
  p.out(kRegLbaLow, 0xAA);
  CHECK(p.in(kRegSectorCount) == 0x55);
  CHECK(p.in(kRegLbaLow) == 0xAA);
  // What SeaBIOS would do next if word 93 had not stopped it: no DRQ, no ERR, status 0.
  CHECK(c.run(kCmdIdentifyPacket) == 0x00);
  CHECK(c.run(kCmdIdentify) == 0x00);
  CHECK(c.irq_rises == 0);
  p.out(kRegDevice, 0xA0);
  CHECK(p.status() == kReady);  // device 0 did not run them either
}

TEST_CASE("IdeChannel: a channel with no devices floats at FFh and never shows BSY stuck") {
  Cable c;
  IdePorts& p = c.p;
  // SeaBIOS's powerup_await_non_bsy ORs the status until it reads FFh: "floating".
  CHECK(p.status() == 0xFF);
  CHECK(p.alt_status() == 0xFF);
  p.out(kRegDevice, 0xA0);
  CHECK(p.in(kRegDevice) == 0xFF);  // not A0h: no device
  p.out(kRegSectorCount, 0x55);
  CHECK(p.in(kRegSectorCount) == 0xFF);
  p.control(0x0E);
  p.control(0x0A);
  c.settle();
  CHECK(p.status() == 0xFF);
  CHECK(p.inw() == 0xFFFF);
  CHECK(c.irq_rises == 0);
}

TEST_CASE("IdeChannel: Linux's soft reset and classification of a disk and an ATAPI slave") {
  Cable c;
  c.attach_disk(pattern_disk(64));
  c.channel.attach(1, std::make_unique<AtapiCdrom>(nullptr));
  IdePorts& p = c.p;
  // ata_devchk for each device: the 55h/AAh pattern sticks.
  for (uint8_t dev : {uint8_t{0xA0}, uint8_t{0xB0}}) {
    p.out(kRegDevice, dev);
    p.out(kRegSectorCount, 0x55);
    p.out(kRegLbaLow, 0xAA);
    p.out(kRegSectorCount, 0xAA);
    p.out(kRegLbaLow, 0x55);
    p.out(kRegSectorCount, 0x55);
    p.out(kRegLbaLow, 0xAA);
    CHECK(p.in(kRegSectorCount) == 0x55);
    CHECK(p.in(kRegLbaLow) == 0xAA);
  }
  // ata_bus_softreset: ctl, ctl|SRST, ctl, then wait (150 ms) for BSY to clear.
  p.control(0x08);
  p.control(0x0C);
  p.control(0x08);
  c.settle();
  // ata_sff_dev_classify, device 0: passed diagnostics (01h), ATA signature.
  p.out(kRegDevice, 0xA0);
  CHECK(p.in(kRegError) == 0x01);
  CHECK(p.in(kRegLbaMid) == 0x00);
  CHECK(p.in(kRegLbaHigh) == 0x00);
  CHECK(p.status() == kReady);
  // Device 1: the packet signature, status 00h (no DRDY after reset for ATAPI).
  p.out(kRegDevice, 0xB0);
  CHECK(p.in(kRegError) == 0x01);
  CHECK(p.in(kRegSectorCount) == 0x01);
  CHECK(p.in(kRegLbaLow) == 0x01);
  CHECK(p.in(kRegLbaMid) == 0x14);
  CHECK(p.in(kRegLbaHigh) == 0xEB);
  CHECK(p.status() == 0x00);
  CHECK(c.irq_rises == 0);  // no interrupt after a soft reset
  // With a slave present, device 0's IDENTIFY word 93 says so (PDIAG-, DASP-).
  p.out(kRegDevice, 0xA0);
  c.run(kCmdIdentify);
  const std::vector<uint16_t> id = words_of(p.insw(512));
  CHECK((id[93] & 0xDF61) == 0x4021);
}

TEST_CASE("AtaDisk: IDENTIFY DEVICE contents") {
  Cable c;
  auto state = std::make_shared<MemoryFileState>();
  state->virtual_size = 20'000'000ull * 512;  // ~9.5 GiB: beyond CHS, within LBA28
  c.attach_disk(state);
  c.p.out(kRegDevice, 0xA0);
  c.run(kCmdIdentify);
  const std::vector<uint16_t> w = words_of(c.p.insw(512));
  CHECK(w[0] == 0x0040);
  CHECK(w[1] == 16383);
  CHECK(w[3] == 16);
  CHECK(w[6] == 63);
  CHECK(ata_string(w, 10, 10) == "TZ00001");
  CHECK(ata_string(w, 23, 4) == TRAPEZE_VERSION);
  CHECK(ata_string(w, 27, 20) == "TRAPEZE HARDDISK");
  CHECK(w[47] == 0x8010);
  CHECK((w[49] & 0x0300) == 0x0300);  // LBA and DMA
  CHECK(w[53] == 0x0007);
  CHECK(w[54] == 16383);
  CHECK(w[55] == 16);
  CHECK(w[56] == 63);
  CHECK((w[57] | w[58] << 16) == 16383u * 16 * 63);
  CHECK(w[59] == 0);  // multiple mode off until SET MULTIPLE MODE
  CHECK((w[60] | uint32_t{w[61]} << 16) == 20'000'000u);
  CHECK(w[63] == 0x0007);
  CHECK(w[64] == 0x0003);
  CHECK(w[80] == 0x007E);  // up to ATA-6: SeaBIOS prints "ATA-6"
  CHECK((w[83] & 0xC000) == 0x4000);
  CHECK((w[83] & 0x3400) == 0x3400);  // FLUSH CACHE EXT, FLUSH CACHE, LBA48
  CHECK((w[86] & 0x3400) == 0x3400);
  CHECK(w[88] == 0x003F);
  const uint64_t lba48 =
      w[100] | uint64_t{w[101]} << 16 | uint64_t{w[102]} << 32 | uint64_t{w[103]} << 48;
  CHECK(lba48 == 20'000'000u);
  // Word 255: A5h and a checksum that makes the 512 bytes sum to zero.
  CHECK((w[255] & 0xFF) == 0xA5);
  unsigned sum = 0;
  for (uint16_t word : w) sum += (word & 0xFF) + (word >> 8);
  CHECK((sum & 0xFF) == 0);
}

TEST_CASE("AtaDisk: READ SECTORS (LBA28): an interrupt before each sector, as Linux expects") {
  Cable c;
  c.attach_disk(pattern_disk(64));
  IdePorts& p = c.p;
  p.control(0x08);  // interrupts on
  p.lba28(kCmdReadSectors, 5, 3);
  CHECK((p.alt_status() & kStatusBsy) != 0);  // the command is running
  CHECK_FALSE(c.irq());
  for (uint64_t sector = 5; sector < 8; ++sector) {
    c.settle();
    REQUIRE(c.irq());
    CHECK(p.alt_status() == (kReady | kStatusDrq));  // alternate status does not acknowledge
    CHECK(c.irq());
    CHECK(p.status() == (kReady | kStatusDrq));
    CHECK_FALSE(c.irq());
    CHECK(p.insw(512) == pattern_bytes(sector * 512, 512));
  }
  c.settle();
  CHECK(p.status() == kReady);
  CHECK(c.irq_rises == 3);  // none after the last block of a PIO read
  // The task file holds the last sector read and no sectors left.
  CHECK(p.in(kRegLbaLow) == 7);
  CHECK(p.in(kRegSectorCount) == 0);
  CHECK((p.in(kRegDevice)&0x0F) == 0);
}

TEST_CASE("AtaDisk: 32-bit PIO reads and writes through the data port") {
  Cable c;
  auto state = pattern_disk(16);
  c.attach_disk(state);
  IdePorts& p = c.p;
  p.lba28(kCmdReadSectors, 2, 1);
  c.settle();
  CHECK(p.insl(512) == pattern_bytes(2 * 512, 512));
  c.settle();
  CHECK(p.status() == kReady);
  p.lba28(kCmdWriteSectors, 3, 1);
  c.settle();
  for (uint32_t i = 0; i < 128; ++i) p.outl(0x01020304u * (i + 1));
  c.settle();
  CHECK(p.status() == kReady);
  CHECK(state->bytes[3 * 512] == 0x04);
  CHECK(state->bytes[3 * 512 + 3] == 0x01);
  CHECK(state->bytes[3 * 512 + 4] == 0x08);
}

TEST_CASE("AtaDisk: LBA48 READ/WRITE SECTORS EXT above 2^28 with the HOB registers") {
  Cable c;
  auto state = std::make_shared<MemoryFileState>();
  state->virtual_size = (1ull << 33) * 512;  // 4 TiB, sparse
  c.attach_disk(state);
  IdePorts& p = c.p;
  const uint64_t lba = 0x1'2345'6789;
  p.lba48(kCmdReadSectorsExt, lba, 2);
  for (uint64_t sector = lba; sector < lba + 2; ++sector) {
    c.settle();
    CHECK(p.status() == (kReady | kStatusDrq));
    CHECK(p.insw(512) == pattern_bytes(sector * 512, 512));
  }
  c.settle();
  CHECK(p.status() == kReady);
  // The last sector read, low bytes then (HOB set) high bytes.
  CHECK(p.in(kRegLbaLow) == 0x8A);
  CHECK(p.in(kRegLbaMid) == 0x67);
  CHECK(p.in(kRegLbaHigh) == 0x45);
  p.control(0x80);
  CHECK(p.in(kRegLbaLow) == 0x23);
  CHECK(p.in(kRegLbaMid) == 0x01);
  CHECK(p.in(kRegLbaHigh) == 0x00);
  CHECK(p.in(kRegSectorCount) == 0x00);
  p.control(0x00);

  p.lba48(kCmdWriteSectorsExt, lba + 10, 1);
  c.settle();
  CHECK(p.status() == (kReady | kStatusDrq));
  p.outsw(std::vector<uint8_t>(512, 0xC3));
  c.settle();
  CHECK(p.status() == kReady);
  CHECK(state->at((lba + 10) * 512) == 0xC3);
  CHECK(state->at((lba + 10) * 512 + 511) == 0xC3);
  CHECK(state->at((lba + 11) * 512) == pattern((lba + 11) * 512));
}

TEST_CASE("AtaDisk: the HOB bit reads the previous byte; any register write clears it") {
  Cable c;
  c.attach_disk(pattern_disk(8));
  IdePorts& p = c.p;
  p.out(kRegSectorCount, 0x12);
  p.out(kRegSectorCount, 0x34);
  p.control(0x80);
  CHECK(p.in(kRegSectorCount) == 0x12);
  p.out(kRegLbaLow, 0x00);  // a command block write clears HOB
  CHECK(p.in(kRegSectorCount) == 0x34);
  CHECK(c.channel.device_control() == 0x00);
}

TEST_CASE("AtaDisk: CHS writes and reads through the default and an initialised translation") {
  Cable c;
  auto state = pattern_disk(4096);  // 4 cylinders of 16 heads x 63 sectors
  AtaDisk& disk = c.attach_disk(state);
  CHECK(disk.default_geometry() == AtaDisk::Geometry{4, 16, 63});
  IdePorts& p = c.p;
  // WRITE SECTORS at cylinder 1, head 2, sector 3 (LBA bit clear): LBA 1136 and 1137.
  p.out(kRegDevice, 0xA2);
  p.out(kRegSectorCount, 2);
  p.out(kRegLbaLow, 3);
  p.out(kRegLbaMid, 1);
  p.out(kRegLbaHigh, 0);
  p.control(0x08);
  p.out(kRegCommand, kCmdWriteSectors);
  c.settle();
  CHECK_FALSE(c.irq());  // the first block of a PIO write comes without an interrupt
  CHECK(p.status() == (kReady | kStatusDrq));
  p.outsw(std::vector<uint8_t>(512, 0xA1));
  c.settle();
  CHECK(c.irq());
  CHECK(p.status() == (kReady | kStatusDrq));
  p.outsw(std::vector<uint8_t>(512, 0xA2));
  c.settle();
  CHECK(c.irq());
  CHECK(p.status() == kReady);
  CHECK(c.irq_rises == 2);
  CHECK(state->bytes[1136 * 512] == 0xA1);
  CHECK(state->bytes[1137 * 512 + 511] == 0xA2);
  CHECK(state->bytes[1138 * 512] == pattern(1138 * 512));
  // The task file holds the last sector written, as CHS.
  CHECK(p.in(kRegLbaLow) == 4);
  CHECK(p.in(kRegLbaMid) == 1);
  CHECK((p.in(kRegDevice)&0x0F) == 2);

  // Sector 0 and sectors past the track are not addresses: IDNF.
  p.out(kRegDevice, 0xA0);
  p.out(kRegSectorCount, 1);
  p.out(kRegLbaLow, 0);
  CHECK(c.run(kCmdReadSectors) == (kReady | kStatusErr));
  CHECK(p.in(kRegError) == kErrorIdnf);
  p.out(kRegLbaLow, 64);
  CHECK(c.run(kCmdReadSectors) == (kReady | kStatusErr));

  // INITIALIZE DEVICE PARAMETERS: 4 heads, 32 sectors a track.
  p.out(kRegDevice, 0xA3);
  p.out(kRegSectorCount, 32);
  CHECK(c.run(kCmdInitializeParameters) == kReady);
  CHECK(disk.current_geometry() == AtaDisk::Geometry{32, 4, 32});
  // Cylinder 0, head 1, sector 1 is now LBA 32.
  p.out(kRegDevice, 0xA1);
  p.out(kRegSectorCount, 1);
  p.out(kRegLbaLow, 1);
  p.out(kRegLbaMid, 0);
  CHECK(c.run(kCmdReadSectors) == (kReady | kStatusDrq));
  CHECK(p.insw(512) == pattern_bytes(32 * 512, 512));
  const std::array<uint16_t, 256> id = disk.identify_data();
  CHECK(id[54] == 32);
  CHECK(id[55] == 4);
  CHECK(id[56] == 32);
}

TEST_CASE("AtaDisk: READ/WRITE MULTIPLE move SET MULTIPLE MODE blocks") {
  Cable c;
  auto state = pattern_disk(64);
  AtaDisk& disk = c.attach_disk(state);
  IdePorts& p = c.p;
  p.control(0x08);
  // Before SET MULTIPLE MODE, READ MULTIPLE aborts; 3 is not a power of two.
  p.lba28(kCmdReadMultiple, 0, 4);
  c.settle();
  CHECK(p.status() == (kReady | kStatusErr));
  CHECK(p.in(kRegError) == kErrorAbrt);
  p.out(kRegSectorCount, 3);
  CHECK(c.run(kCmdSetMultiple) == (kReady | kStatusErr));
  p.out(kRegSectorCount, 4);
  CHECK(c.run(kCmdSetMultiple) == kReady);
  CHECK(disk.multiple_count() == 4);
  CHECK(disk.identify_data()[59] == 0x0104);

  const int rises = c.irq_rises;
  p.lba28(kCmdReadMultiple, 10, 10);
  std::vector<uint8_t> got;
  for (size_t block : {4, 4, 2}) {
    c.settle();
    CHECK(p.status() == (kReady | kStatusDrq));
    const std::vector<uint8_t> data = p.insw(block * 512);
    got.insert(got.end(), data.begin(), data.end());
  }
  c.settle();
  CHECK(p.status() == kReady);
  CHECK(got == pattern_bytes(10 * 512, 10 * 512));
  CHECK(c.irq_rises - rises == 3);

  p.lba28(kCmdWriteMultiple, 20, 6);
  c.settle();
  CHECK(p.status() == (kReady | kStatusDrq));
  p.outsw(std::vector<uint8_t>(4 * 512, 0x44));
  c.settle();
  CHECK(p.status() == (kReady | kStatusDrq));
  p.outsw(std::vector<uint8_t>(2 * 512, 0x22));
  c.settle();
  CHECK(p.status() == kReady);
  CHECK(state->bytes[23 * 512 + 511] == 0x44);
  CHECK(state->bytes[24 * 512] == 0x22);
  CHECK(state->bytes[25 * 512 + 511] == 0x22);
  CHECK(state->bytes[26 * 512] == pattern(26 * 512));
}

TEST_CASE("AtaDisk: addresses past the end give IDNF; unknown commands ABRT") {
  Cable c;
  c.attach_disk(pattern_disk(64));
  IdePorts& p = c.p;
  p.control(0x08);
  p.lba28(kCmdReadSectors, 63, 2);  // sector 64 does not exist
  c.settle();
  CHECK(c.irq());
  CHECK(p.status() == (kReady | kStatusErr));
  CHECK(p.in(kRegError) == kErrorIdnf);
  p.lba48(kCmdWriteSectorsExt, 1ull << 40, 1);
  c.settle();
  CHECK(p.status() == (kReady | kStatusErr));
  CHECK(p.in(kRegError) == kErrorIdnf);
  // SMART (not offered in IDENTIFY) and NOP abort.
  CHECK(c.run(0xB0) == (kReady | kStatusErr));
  CHECK(p.in(kRegError) == kErrorAbrt);
  CHECK(c.run(kCmdNop) == (kReady | kStatusErr));
  // The drive is fine afterwards.
  p.lba28(kCmdReadSectors, 1, 1);
  c.settle();
  CHECK(p.status() == (kReady | kStatusDrq));
}

TEST_CASE("AtaDisk: writes to a read-only image abort and leave it alone") {
  Cable c;
  auto state = pattern_disk(8);
  c.channel.attach(0, std::make_unique<AtaDisk>(
                          memory_image(state, DiskMedium::kHardDisk, false, /*read_only=*/true)));
  IdePorts& p = c.p;
  p.lba28(kCmdWriteSectors, 2, 1);
  c.settle();
  p.outsw(std::vector<uint8_t>(512, 0));
  c.settle();
  CHECK(p.status() == (kReady | kStatusErr));
  CHECK(p.in(kRegError) == kErrorAbrt);
  CHECK(p.in(kRegLbaLow) == 2);  // the failing sector
  CHECK(state->bytes == pattern_bytes(0, 8 * 512));
}

TEST_CASE("AtaDisk: a host failure in a multi-sector write leaves whole sectors only") {
  Cable c;
  auto state = pattern_disk(16);
  state->max_bytes_per_call = 300;
  state->fail_once_after = 512 + 700;  // sector 4 whole, sector 5 torn by the host
  c.attach_disk(state);
  IdePorts& p = c.p;
  p.out(kRegSectorCount, 4);
  CHECK(c.run(kCmdSetMultiple) == kReady);
  p.lba28(kCmdWriteSectors, 3, 1);  // a first, good write
  c.settle();
  p.outsw(std::vector<uint8_t>(512, 0x33));
  c.settle();
  CHECK(p.status() == kReady);
  p.lba28(kCmdWriteMultiple, 4, 4);
  c.settle();
  p.outsw(std::vector<uint8_t>(4 * 512, 0x99));
  c.settle();
  CHECK(p.status() == (kReady | kStatusErr));
  CHECK(p.in(kRegError) == kErrorAbrt);
  CHECK(p.in(kRegLbaLow) == 5);  // the failing sector's address
  std::vector<uint8_t> expected = pattern_bytes(0, 16 * 512);
  std::fill(expected.begin() + 3 * 512, expected.begin() + 4 * 512, uint8_t{0x33});
  std::fill(expected.begin() + 4 * 512, expected.begin() + 5 * 512, uint8_t{0x99});
  CHECK(state->bytes == expected);
}

TEST_CASE("AtaDisk: a reset in the middle of a PIO write block writes nothing of it") {
  Cable c;
  auto state = pattern_disk(8);
  c.attach_disk(state);
  IdePorts& p = c.p;
  p.lba28(kCmdWriteSectors, 1, 1);
  c.settle();
  p.outsw(std::vector<uint8_t>(256, 0x00));  // half the sector
  p.control(0x0C);
  p.control(0x08);
  c.settle();
  CHECK(p.status() == kReady);
  CHECK(state->bytes == pattern_bytes(0, 8 * 512));
}

TEST_CASE("AtaDisk: FLUSH CACHE, write cache off, READ VERIFY, power modes, diagnostics") {
  Cable c;
  auto state = pattern_disk(32);
  AtaDisk& disk = c.attach_disk(state);
  IdePorts& p = c.p;
  p.control(0x08);
  p.lba28(kCmdWriteSectors, 0, 1);
  c.settle();
  p.outsw(std::vector<uint8_t>(512, 1));
  c.settle();
  p.status();
  CHECK(state->flushes == 0);
  CHECK(c.run(kCmdFlushCache) == kReady);
  CHECK(state->flushes == 1);
  CHECK(c.run(kCmdFlushCacheExt) == kReady);  // nothing new written: no host flush
  CHECK(state->flushes == 1);

  // Write cache off (SET FEATURES 82h): every write reaches the host's disk at once.
  p.out(kRegFeatures, kFeatureDisableWriteCache);
  CHECK(c.run(kCmdSetFeatures) == kReady);
  CHECK_FALSE(disk.write_cache_enabled());
  CHECK((disk.identify_data()[85] & 0x0020) == 0);
  p.lba28(kCmdWriteSectors, 1, 1);
  c.settle();
  p.outsw(std::vector<uint8_t>(512, 2));
  c.settle();
  CHECK(p.status() == kReady);
  CHECK(state->flushes == 2);

  // SET FEATURES transfer mode: multiword DMA 2 shows in word 63; UDMA 7 does not exist.
  p.out(kRegFeatures, kFeatureSetTransferMode);
  p.out(kRegSectorCount, 0x22);
  CHECK(c.run(kCmdSetFeatures) == kReady);
  CHECK(disk.identify_data()[63] == 0x0407);
  p.out(kRegFeatures, kFeatureSetTransferMode);
  p.out(kRegSectorCount, 0x47);
  CHECK(c.run(kCmdSetFeatures) == (kReady | kStatusErr));

  // READ VERIFY: no data phase, one interrupt.
  const int rises = c.irq_rises;
  p.lba28(kCmdReadVerify, 4, 8);
  c.settle();
  CHECK(c.irq_rises == rises + 1);
  CHECK(p.status() == kReady);
  CHECK(p.in(kRegLbaLow) == 11);

  // Power: standby shows in CHECK POWER MODE until the next media access.
  CHECK(c.run(kCmdStandbyImmediate) == kReady);
  CHECK(c.run(kCmdCheckPowerMode) == kReady);
  CHECK(p.in(kRegSectorCount) == 0x00);
  CHECK(c.run(kCmdIdleImmediate) == kReady);
  CHECK(c.run(kCmdCheckPowerMode) == kReady);
  CHECK(p.in(kRegSectorCount) == 0xFF);

  // EXECUTE DEVICE DIAGNOSTIC: device 0 reports 01h with an interrupt and the signature.
  p.out(kRegSectorCount, 0x77);
  CHECK(c.run(kCmdExecuteDiagnostic) == kReady);
  CHECK(p.in(kRegError) == 0x01);
  CHECK(p.in(kRegSectorCount) == 0x01);
  CHECK(p.in(kRegLbaLow) == 0x01);
}

TEST_CASE("AtaDisk: a command written while BSY is ignored") {
  Cable c;
  c.attach_disk(pattern_disk(8));
  IdePorts& p = c.p;
  p.lba28(kCmdReadSectors, 1, 1);
  p.out(kRegCommand, kCmdIdentify);  // still busy with the read
  c.settle();
  CHECK(p.status() == (kReady | kStatusDrq));
  CHECK(p.insw(512) == pattern_bytes(512, 512));
}

TEST_CASE("AtaDisk: after IDENTIFY's block is read the drive is ready at once (Linux polls it)") {
  // Linux reads IDENTIFY data with polling and expects BSY and DRQ clear right after the
  // last word; a multi-sector read before it must not leave a count behind.
  Cable c;
  c.attach_disk(pattern_disk(64));
  IdePorts& p = c.p;
  p.lba28(kCmdReadSectors, 5, 1);
  c.settle();
  CHECK(p.insw(512) == pattern_bytes(5 * 512, 512));
  c.settle();
  p.control(0x0A);  // nIEN: polling
  p.out(kRegDevice, 0xA0);
  c.run(kCmdIdentify);
  CHECK(p.alt_status() == (kReady | kStatusDrq));
  CHECK(words_of(p.insw(512))[0] == 0x0040);
  CHECK(p.alt_status() == kReady);
  CHECK(p.in(kRegLbaLow) == 5);  // the task file is left alone
}
