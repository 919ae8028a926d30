// The ATAPI CD-ROM on the secondary channel: the PACKET protocol as SeaBIOS's
// ata_atapi_process_op (polled, nIEN, byte count limit 2048) and Linux's libata
// (interrupt-driven, byte count from the registers) run it, and the MMC commands that
// SeaBIOS's cdrom boot and Linux's sr driver send, on a small generated ISO image.
#include "devices/atapi_cdrom.h"

#include <doctest/doctest.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "devices/ata_registers.h"
#include "devices/ide_channel.h"
#include "ide_test_support.h"

using namespace trapeze;
using namespace trapeze::ata;
using namespace trapeze::test;

namespace {

constexpr uint8_t kReady = kStatusDrdy | kStatusDsc;
using Cdb = std::array<uint8_t, 12>;

struct Reply {
  uint8_t status = 0;
  uint8_t error = 0;
  uint8_t reason = 0;
  std::vector<uint8_t> data;
  std::vector<size_t> blocks;  // DRQ block sizes
  int interrupts = 0;
  bool good() const { return status == kReady && reason == (kReasonIo | kReasonCod); }
};

struct Drive {
  IoBus bus;
  Scheduler scheduler;
  IdeChannel channel{bus, scheduler, 1, IdeChannel::kSecondaryCommandPort,
                     IdeChannel::kSecondaryControlPort};
  IdePorts p{bus, IdeChannel::kSecondaryCommandPort, IdeChannel::kSecondaryControlPort};
  int irq_rises = 0;
  std::vector<uint8_t> iso = iso_image(20, 20);

  explicit Drive(bool with_disc = true) {
    channel.irq().connect([this](bool level) { irq_rises += level ? 1 : 0; });
    channel.attach(IdeChannel::kMaster, std::make_unique<AtapiCdrom>(with_disc ? disc() : nullptr));
    p.out(kRegDevice, 0xA0);
    p.control(0x08);
  }
  std::unique_ptr<DiskImage> disc() {
    auto state = std::make_shared<MemoryFileState>();
    state->bytes = iso;
    return memory_image(state, DiskMedium::kCdRom);
  }
  AtapiCdrom& cd() { return static_cast<AtapiCdrom&>(*channel.device(0)); }
  void settle() { test::settle(scheduler); }

  // One packet command, PIO, following the interrupt-reason protocol (ATA-6 9.10).
  Reply packet(const Cdb& cdb, uint16_t byte_count_limit = 0xFFFE) {
    Reply r;
    const int rises = irq_rises;
    p.out(kRegFeatures, 0);
    p.out(kRegLbaMid, static_cast<uint8_t>(byte_count_limit));
    p.out(kRegLbaHigh, static_cast<uint8_t>(byte_count_limit >> 8));
    p.out(kRegCommand, kCmdPacket);
    settle();
    // Ready for the packet: DRQ, "command out", no interrupt (accelerated DRQ).
    REQUIRE(p.alt_status() == (kReady | kStatusDrq));
    REQUIRE(p.in(kRegSectorCount) == kReasonCod);
    REQUIRE(irq_rises == rises);
    p.outsw(cdb);
    for (;;) {
      settle();
      const uint8_t status = p.status();
      if ((status & kStatusDrq) == 0) {
        r.status = status;
        r.error = p.in(kRegError);
        r.reason = p.in(kRegSectorCount);
        break;
      }
      CHECK(p.in(kRegSectorCount) == kReasonIo);  // data to the host
      const size_t count = p.in(kRegLbaMid) | p.in(kRegLbaHigh) << 8;
      std::vector<uint8_t> block = p.insw(count);
      block.resize(count);
      r.data.insert(r.data.end(), block.begin(), block.end());
      r.blocks.push_back(count);
    }
    r.interrupts = irq_rises - rises;
    return r;
  }
  std::vector<uint8_t> sense() {
    const Reply r = packet({0x03, 0, 0, 0, 18, 0, 0, 0, 0, 0, 0, 0});
    CHECK(r.good());
    return r.data;
  }
};

Cdb read10(uint32_t lba, uint16_t count) {
  return {0x28,
          0,
          static_cast<uint8_t>(lba >> 24),
          static_cast<uint8_t>(lba >> 16),
          static_cast<uint8_t>(lba >> 8),
          static_cast<uint8_t>(lba),
          0,
          static_cast<uint8_t>(count >> 8),
          static_cast<uint8_t>(count),
          0,
          0,
          0};
}

std::vector<uint16_t> words_of(const std::vector<uint8_t>& bytes) {
  std::vector<uint16_t> words(bytes.size() / 2);
  for (size_t i = 0; i < words.size(); ++i)
    words[i] = static_cast<uint16_t>(bytes[2 * i] | bytes[2 * i + 1] << 8);
  return words;
}

}  // namespace

TEST_CASE("AtapiCdrom: IDENTIFY PACKET DEVICE, and IDENTIFY DEVICE aborts with the signature") {
  Drive d;
  IdePorts& p = d.p;
  // SeaBIOS's init_drive_atapi, polled.
  p.control(0x0A);
  p.out(kRegCommand, kCmdIdentifyPacket);
  d.settle();
  CHECK(p.status() == (kReady | kStatusDrq));
  const std::vector<uint16_t> w = words_of(p.insw(512));
  d.settle();
  CHECK(p.status() == kReady);
  CHECK(w[0] == 0x85C0);                // ATAPI, CD-ROM, removable, 12-byte packets
  CHECK(((w[0] >> 8) & 0x1F) == 0x05);  // SeaBIOS's "iscd"
  std::string model;
  for (int i = 27; i < 47; ++i) {
    model += static_cast<char>(w[i] >> 8);
    model += static_cast<char>(w[i] & 0xFF);
  }
  CHECK(model.substr(0, 14) == "TRAPEZE CD-ROM");
  CHECK((w[49] & 0x0300) == 0x0300);
  CHECK((w[82] & 0x0010) != 0);  // PACKET feature set
  CHECK(w[80] == 0x007E);
  CHECK((w[255] & 0xFF) == 0xA5);

  p.out(kRegCommand, kCmdIdentify);
  d.settle();
  CHECK(p.status() == (kReady | kStatusErr));
  CHECK(p.in(kRegError) == kErrorAbrt);
  CHECK(p.in(kRegLbaMid) == 0x14);
  CHECK(p.in(kRegLbaHigh) == 0xEB);
  CHECK(d.irq_rises == 0);
}

TEST_CASE("AtapiCdrom: after a soft reset the status is 00h with the packet signature") {
  Drive d;
  IdePorts& p = d.p;
  p.control(0x0C);
  p.control(0x08);
  d.settle();
  CHECK(p.status() == 0x00);
  CHECK(p.in(kRegSectorCount) == 0x01);
  CHECK(p.in(kRegLbaLow) == 0x01);
  CHECK(p.in(kRegLbaMid) == 0x14);
  CHECK(p.in(kRegLbaHigh) == 0xEB);
  // DEVICE RESET does the same for the drive alone, without an interrupt.
  p.out(kRegCommand, kCmdDeviceReset);
  d.settle();
  CHECK(p.status() == 0x00);
  CHECK(p.in(kRegError) == 0x01);
  CHECK(d.irq_rises == 0);
}

TEST_CASE("AtapiCdrom: TEST UNIT READY, INQUIRY and READ CAPACITY") {
  Drive d;
  Reply r = d.packet({0x00});
  CHECK(r.good());
  CHECK(r.data.empty());
  CHECK(r.interrupts == 1);

  r = d.packet({0x12, 0, 0, 0, 36, 0, 0, 0, 0, 0, 0, 0});
  CHECK(r.good());
  REQUIRE(r.data.size() == 36);
  CHECK(r.data[0] == 0x05);  // CD/DVD device
  CHECK(r.data[1] == 0x80);  // removable
  CHECK(r.data[4] == 31);
  CHECK(std::string(r.data.begin() + 8, r.data.begin() + 16) == "TRAPEZE ");
  CHECK(std::string(r.data.begin() + 16, r.data.begin() + 32) == "TRAPEZE CD-ROM  ");
  CHECK(r.interrupts == 2);  // the data block, then the status
  // The allocation length cuts the reply short.
  r = d.packet({0x12, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0});
  CHECK(r.data.size() == 5);

  r = d.packet({0x25});
  CHECK(r.good());
  CHECK(r.data == std::vector<uint8_t>{0, 0, 0, 19, 0, 0, 0x08, 0});
}

TEST_CASE("AtapiCdrom: READ(10) in DRQ blocks no larger than the byte count limit") {
  Drive d;
  const std::vector<uint8_t> expected(d.iso.begin() + 17 * 2048, d.iso.begin() + 20 * 2048);
  // Linux-style: a large limit, all three sectors in one block.
  Reply r = d.packet(read10(17, 3));
  CHECK(r.good());
  CHECK(r.blocks == std::vector<size_t>{6144});
  CHECK(r.data == expected);
  // SeaBIOS-style: limit 2048, one sector per DRQ block.
  r = d.packet(read10(17, 3), 2048);
  CHECK(r.blocks == std::vector<size_t>{2048, 2048, 2048});
  CHECK(r.data == expected);
  CHECK(r.interrupts == 4);
  // An odd limit is rounded down to even for all but the last block.
  r = d.packet(read10(19, 1), 1001);
  CHECK(r.blocks == std::vector<size_t>{1000, 1000, 48});
  CHECK(r.data == std::vector<uint8_t>(d.iso.begin() + 19 * 2048, d.iso.end()));
  // READ(12), and a transfer length of 0 (no data, good status).
  r = d.packet({0xA8, 0, 0, 0, 0, 16, 0, 0, 0, 1, 0, 0});
  CHECK(r.data == std::vector<uint8_t>(d.iso.begin() + 16 * 2048, d.iso.begin() + 17 * 2048));
  r = d.packet(read10(3, 0));
  CHECK(r.good());
  CHECK(r.data.empty());
}

TEST_CASE("AtapiCdrom: SeaBIOS's polled READ(10) for El Torito, with nIEN") {
  Drive d;
  IdePorts& p = d.p;
  p.control(0x0A);
  p.out(kRegFeatures, 0);
  p.out(kRegSectorCount, 0);
  p.out(kRegLbaLow, 0);
  p.out(kRegLbaMid, 0x00);  // blocksize 2048
  p.out(kRegLbaHigh, 0x08);
  p.out(kRegCommand, kCmdPacket);
  d.settle();
  CHECK((p.status() & (kStatusBsy | kStatusDrq | kStatusErr)) == kStatusDrq);
  p.outsw(read10(17, 1));  // the boot record volume descriptor's sector
  p.alt_status();
  d.settle();
  CHECK((p.status() & (kStatusBsy | kStatusDrq | kStatusErr)) == kStatusDrq);
  CHECK(p.insw(2048) == std::vector<uint8_t>(d.iso.begin() + 17 * 2048, d.iso.begin() + 18 * 2048));
  p.alt_status();
  d.settle();
  CHECK((p.status() & (kStatusBsy | kStatusDf | kStatusDrq | kStatusErr)) == 0);
  p.control(0x08);
  CHECK(d.irq_rises == 0);
}

TEST_CASE("AtapiCdrom: errors end in CHECK CONDITION with sense data") {
  Drive d;
  Reply r = d.packet(read10(20, 1));  // one past the last sector
  CHECK(r.status == (kReady | kStatusErr));
  CHECK(r.error == 0x50);  // ILLEGAL REQUEST in the high nibble
  CHECK(r.reason == (kReasonIo | kReasonCod));
  CHECK(r.data.empty());
  std::vector<uint8_t> s = d.sense();
  REQUIRE(s.size() == 18);
  CHECK(s[0] == 0x70);
  CHECK(s[2] == 0x05);
  CHECK(s[7] == 10);
  CHECK(s[12] == 0x21);  // LOGICAL BLOCK ADDRESS OUT OF RANGE
  // The sense is reported once.
  s = d.sense();
  CHECK(s[2] == 0x00);
  // An unknown operation code.
  r = d.packet({0xFF});
  CHECK(r.error == 0x50);
  CHECK(d.sense()[12] == 0x20);
  // MODE SENSE(6) is not an ATAPI command (MMC uses the 10-byte form).
  r = d.packet({0x1A, 0, 0x2A, 0, 255});
  CHECK(r.error == 0x50);
}

TEST_CASE("AtapiCdrom: an empty drive is NOT READY, MEDIUM NOT PRESENT") {
  Drive d(false);
  Reply r = d.packet({0x00});
  CHECK(r.status == (kReady | kStatusErr));
  CHECK(r.error == 0x20);
  std::vector<uint8_t> s = d.sense();
  CHECK(s[2] == 0x02);
  CHECK(s[12] == 0x3A);
  CHECK(d.packet({0x25}).error == 0x20);
  CHECK(d.packet(read10(0, 1)).error == 0x20);
}

TEST_CASE("AtapiCdrom: inserting a disc raises a unit attention and a media event") {
  Drive d(false);
  d.cd().insert_medium(d.disc());
  // GET EVENT STATUS NOTIFICATION (polled, media class) does not report the attention.
  const Cdb events = {0x4A, 0x01, 0, 0, 0x10, 0, 0, 0, 8, 0, 0, 0};
  Reply r = d.packet(events);
  CHECK(r.good());
  CHECK(r.data == std::vector<uint8_t>{0, 6, 0x04, 0x10, 0x02, 0x02, 0, 0});  // new media, present
  r = d.packet(events);
  CHECK(r.data[4] == 0x00);  // reported once
  // The next medium-touching command fails with UNIT ATTENTION, once.
  r = d.packet({0x00});
  CHECK(r.error == 0x60);
  std::vector<uint8_t> s = d.sense();
  CHECK(s[2] == 0x06);
  CHECK(s[12] == 0x28);  // NOT READY TO READY CHANGE, MEDIUM MAY HAVE CHANGED
  CHECK(d.packet({0x00}).good());
}

TEST_CASE("AtapiCdrom: READ TOC formats 0, 1 and 2") {
  Drive d;
  // Format 0, LBA addresses: track 1 at 0, lead-out at 20.
  Reply r = d.packet({0x43, 0, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0});
  CHECK(r.good());
  CHECK(r.data == std::vector<uint8_t>{0, 18, 1, 1,    0,    0x14, 1, 0, 0, 0,
                                       0, 0,  0, 0x14, 0xAA, 0,    0, 0, 0, 20});
  // MSF: 00:02:00 and 170 frames = 00:02:20.
  r = d.packet({0x43, 0x02, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0});
  CHECK(r.data == std::vector<uint8_t>{0, 18, 1, 1,    0,    0x14, 1, 0, 0, 0,
                                       2, 0,  0, 0x14, 0xAA, 0,    0, 0, 2, 20});
  // Starting at the lead-out returns only it; track 2 does not exist.
  r = d.packet({0x43, 0, 0, 0, 0, 0, 0xAA, 0, 100, 0, 0, 0});
  CHECK(r.data.size() == 12);
  CHECK(d.packet({0x43, 0, 0, 0, 0, 0, 2, 0, 100, 0, 0, 0}).error == 0x50);
  // Format 1: one session starting at track 1.
  r = d.packet({0x43, 0, 1, 0, 0, 0, 0, 0, 100, 0, 0, 0});
  CHECK(r.data == std::vector<uint8_t>{0, 10, 1, 1, 0, 0x14, 1, 0, 0, 0, 0, 0});
  // Format 2: A0, A1, A2 and track 1, 11 bytes each.
  r = d.packet({0x43, 0x02, 2, 0, 0, 0, 0, 0, 100, 0, 0, 0});
  REQUIRE(r.data.size() == 4 + 4 * 11);
  CHECK(r.data[1] == 46);
  CHECK(r.data[4 + 3] == 0xA0);
  CHECK(r.data[4 + 8] == 1);
  CHECK(r.data[4 + 22 + 3] == 0xA2);
  CHECK(r.data[4 + 22 + 9] == 2);  // lead-out 00:02:20
  CHECK(r.data[4 + 22 + 10] == 20);
  CHECK(r.data[4 + 33 + 3] == 1);
}

TEST_CASE("AtapiCdrom: MODE SENSE(10) capabilities page, GET CONFIGURATION") {
  Drive d;
  Reply r = d.packet({0x5A, 0, 0x2A, 0, 0, 0, 0, 0, 64, 0, 0, 0});
  CHECK(r.good());
  REQUIRE(r.data.size() == 8 + 20);
  CHECK((r.data[0] << 8 | r.data[1]) == 26);
  CHECK(r.data[2] == 0x01);  // 120 mm data disc
  CHECK(r.data[8] == 0x2A);
  CHECK(r.data[9] == 0x12);
  CHECK(r.data[8 + 6] == 0x29);  // tray, eject, lock supported, not locked
  CHECK((r.data[8 + 8] << 8 | r.data[8 + 9]) == 706);
  r = d.packet({0x5A, 0, 0x3F, 0, 0, 0, 0, 0, 255, 0, 0, 0});
  CHECK(r.data.size() == 8 + 12 + 20);
  CHECK(d.packet({0x5A, 0, 0xEA, 0, 0, 0, 0, 0, 64, 0, 0, 0}).error == 0x50);  // saved values

  r = d.packet({0x46, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0, 0});
  CHECK(r.good());
  REQUIRE(r.data.size() >= 8 + 8);
  CHECK((r.data[6] << 8 | r.data[7]) == 0x0008);  // current profile: CD-ROM
  CHECK((r.data[0] << 24 | r.data[1] << 16 | r.data[2] << 8 | r.data[3]) ==
        static_cast<int>(r.data.size() - 4));
  CHECK(r.data[8 + 4] == 0x00);  // profile list: CD-ROM, current
  CHECK(r.data[8 + 5] == 0x08);
  CHECK(r.data[8 + 6] == 0x01);
  // RT = 2: only the starting feature (core, 0001h).
  r = d.packet({0x46, 0x02, 0, 1, 0, 0, 0, 0xFF, 0xFF, 0, 0, 0});
  CHECK(r.data.size() == 8 + 8);
  CHECK(r.data[9] == 0x01);
}

TEST_CASE("AtapiCdrom: PREVENT ALLOW MEDIUM REMOVAL locks the tray against ejects") {
  Drive d;
  CHECK(d.packet({0x1E, 0, 0, 0, 1}).good());
  CHECK(d.cd().removal_prevented());
  Reply r = d.packet({0x1B, 0, 0, 0, 0x02});  // eject
  CHECK(r.error == 0x50);
  std::vector<uint8_t> s = d.sense();
  CHECK(s[12] == 0x53);
  CHECK(s[13] == 0x02);  // MEDIUM REMOVAL PREVENTED
  CHECK_FALSE(d.cd().eject_medium());
  CHECK(d.cd().has_medium());
  CHECK(d.packet({0x1E, 0, 0, 0, 0}).good());
  CHECK(d.packet({0x1B, 0, 0, 0, 0x02}).good());
  CHECK_FALSE(d.cd().has_medium());
  CHECK(d.packet({0x00}).error == 0x20);
  // The removal shows as a media event.
  Reply e = d.packet({0x4A, 0x01, 0, 0, 0x10, 0, 0, 0, 8, 0, 0, 0});
  CHECK(e.data[4] == 0x03);
  CHECK(e.data[5] == 0x00);
}
