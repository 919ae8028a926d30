// The Intel 82540EM (e1000): registers as Linux's e1000 driver programs them, the
// EEPROM by both access methods, the PHY through MDIC, interrupt masking and
// throttling, both descriptor rings with wrap-around, receive filtering, transmit
// checksum offload and TCP segmentation, and master aborts for descriptors and buffers
// outside RAM (8254x SDM, 317453).
#include "devices/e1000/e1000.h"

#include <doctest/doctest.h>

#include <vector>

#include "devices/e1000/e1000_registers.h"
#include "devices/e1000/net_checksum.h"
#include "devices/pci_bus.h"
#include "mmu/address_map.h"

using namespace trapeze;
using namespace trapeze::e1000;

namespace {

constexpr uint64_t kRamBytes = 1 << 20;
constexpr uint64_t kMmio = 0xFEB00000;  // where the test puts BAR0
constexpr uint16_t kIoBase = 0xC000;    // and BAR1
constexpr PciAddress kNic{3, 0};
constexpr uint64_t kTxRing = 0x10000;
constexpr uint64_t kRxRing = 0x20000;
constexpr uint64_t kBuffers = 0x30000;
constexpr uint32_t kRingEntries = 8;

struct Board {
  AddressMap memory{kRamBytes};
  IoBus io;
  Scheduler scheduler;
  PciBus pci{io};
  E1000 nic{pci, memory, io, scheduler, memory};
  std::vector<std::vector<uint8_t>> sent;
  bool irq = false;

  Board() {
    memory.map_ram(0, kRamBytes);
    nic.intx().connect([this](bool level) { irq = level; });
    nic.set_transmit_sink(
        [this](std::span<const uint8_t> f) { sent.emplace_back(f.begin(), f.end()); });
    pci.config_write(0, kNic, pci::kBar0, 4, static_cast<uint32_t>(kMmio));
    pci.config_write(0, kNic, pci::kBar0 + 4, 4, kIoBase | 1);
    pci.config_write(0, kNic, pci::kCommand, 2,
                     pci::kCommandIo | pci::kCommandMemory | pci::kCommandMaster);
  }
  uint32_t r(uint32_t offset) { return static_cast<uint32_t>(memory.read(kMmio + offset, 4)); }
  void w(uint32_t offset, uint32_t value) { memory.write(kMmio + offset, 4, value); }
  uint16_t pci_status() { return static_cast<uint16_t>(pci.config_read(0, kNic, pci::kStatus, 2)); }

  void put(uint64_t address, std::span<const uint8_t> bytes) {
    memory.copy_to_guest(address, bytes);
  }
  std::vector<uint8_t> get(uint64_t address, size_t n) {
    std::vector<uint8_t> bytes(n);
    memory.copy_from_guest(address, bytes);
    return bytes;
  }
  void put_descriptor(uint64_t ring, uint32_t index, uint64_t buffer, uint32_t dword2,
                      uint32_t dword3) {
    std::vector<uint8_t> d(16);
    for (unsigned i = 0; i < 8; ++i) d[i] = static_cast<uint8_t>(buffer >> (8 * i));
    for (unsigned i = 0; i < 4; ++i) d[8 + i] = static_cast<uint8_t>(dword2 >> (8 * i));
    for (unsigned i = 0; i < 4; ++i) d[12 + i] = static_cast<uint8_t>(dword3 >> (8 * i));
    put(ring + 16 * index, d);
  }
  uint8_t descriptor_byte(uint64_t ring, uint32_t index, unsigned byte) {
    return get(ring + 16 * index + byte, 1)[0];
  }
  void setup_tx(uint64_t ring = kTxRing) {
    w(kTdbal, static_cast<uint32_t>(ring));
    w(kTdbah, 0);
    w(kTdlen, kRingEntries * 16);
    w(kTdh, 0);
    w(kTdt, 0);
    w(kTctl, kTctlEn);
  }
  void setup_rx(uint32_t rctl = kRctlEn | kRctlBam | kRctlSecrc) {
    w(kRdbal, static_cast<uint32_t>(kRxRing));
    w(kRdbah, 0);
    w(kRdlen, kRingEntries * 16);
    for (uint32_t i = 0; i < kRingEntries; ++i)
      put_descriptor(kRxRing, i, kBuffers + 2048 * i, 0, 0);
    w(kRdh, 0);
    w(kRdt, 0);
    w(kRctl, rctl);
  }
  // A legacy transmit descriptor for `frame` stored at buffer slot `slot`.
  void queue_legacy(uint32_t index, unsigned slot, std::span<const uint8_t> frame, uint8_t cmd) {
    const uint64_t buffer = kBuffers + 2048 * slot;
    put(buffer, frame);
    put_descriptor(kTxRing, index, buffer,
                   static_cast<uint32_t>(frame.size()) | uint32_t{cmd} << 24, 0);
  }
};

std::vector<uint8_t> frame_to(const MacAddress& destination, uint8_t fill, size_t size = 64) {
  std::vector<uint8_t> f(size, fill);
  std::copy(destination.begin(), destination.end(), f.begin());
  for (unsigned i = 0; i < 6; ++i) f[6 + i] = static_cast<uint8_t>(0x10 + i);
  f[12] = 0x08;
  f[13] = 0x00;
  return f;
}

// Linux's e1000_read_eeprom for Microwire: select, clock out 110b and a 6-bit address,
// clock in 16 bits, deselect.
uint16_t bitbang_eeprom_read(Board& b, unsigned address) {
  b.w(kEecd, kEecdReq);
  REQUIRE((b.r(kEecd) & kEecdGnt) != 0);
  uint32_t eecd = kEecdReq | kEecdCs;
  b.w(kEecd, eecd);
  auto clock_out = [&](uint32_t bits, unsigned count) {
    for (int i = static_cast<int>(count) - 1; i >= 0; --i) {
      eecd = (eecd & ~kEecdDi) | (((bits >> i) & 1) ? kEecdDi : 0);
      b.w(kEecd, eecd);
      b.w(kEecd, eecd | kEecdSk);
      b.w(kEecd, eecd);
    }
  };
  clock_out(0b110, 3);
  clock_out(address, 6);
  eecd &= ~kEecdDi;
  uint16_t value = 0;
  for (int i = 0; i < 16; ++i) {
    b.w(kEecd, eecd | kEecdSk);
    value = static_cast<uint16_t>(value << 1 | ((b.r(kEecd) & kEecdDo) ? 1 : 0));
    b.w(kEecd, eecd);
  }
  b.w(kEecd, 0);
  return value;
}

uint16_t mdic_read(Board& b, unsigned phy_register, unsigned phy_address = 1) {
  b.w(kMdic, phy_register << 16 | phy_address << 21 | kMdicOpRead);
  const uint32_t mdic = b.r(kMdic);
  REQUIRE((mdic & kMdicReady) != 0);
  return static_cast<uint16_t>(mdic);
}

}  // namespace

TEST_CASE("e1000: a boot ROM is served through the expansion ROM BAR; none without one") {
  AddressMap memory{kRamBytes};
  IoBus io;
  Scheduler scheduler;
  PciBus pci{io};
  std::vector<uint8_t> rom(3000, 0x90);  // 3000 bytes: a 4 KiB BAR
  rom[0] = 0x55;
  rom[1] = 0xAA;
  rom[2] = 6;
  E1000 nic{pci, memory, io, scheduler, memory, rom};
  // Sizing: all ones written, the size's mask read back (enable bit clear).
  pci.config_write(0, kNic, pci::kRomAddress, 4, 0xFFFFFFFE);
  CHECK(pci.config_read(0, kNic, pci::kRomAddress, 4) == 0xFFFFF000);
  pci.config_write(0, kNic, pci::kRomAddress, 4, 0xFEC00000 | pci::kRomEnable);
  pci.config_write(0, kNic, pci::kCommand, 2, pci::kCommandMemory);
  CHECK(nic.rom_address() == 0xFEC00000);
  CHECK(memory.read(0xFEC00000, 2) == 0xAA55);
  CHECK(memory.read(0xFEC00002, 1) == 6);

  IoBus other_io;
  Scheduler other_scheduler;
  PciBus other_bus{other_io};
  AddressMap other_memory{kRamBytes};
  E1000 plain{other_bus, other_memory, other_io, other_scheduler, other_memory};
  other_bus.config_write(0, kNic, pci::kRomAddress, 4, 0xFFFFFFFE);
  CHECK(other_bus.config_read(0, kNic, pci::kRomAddress, 4) == 0);
}

TEST_CASE("e1000: PCI identity, BARs and the status register") {
  Board b;
  CHECK(b.pci.config_read(0, kNic, pci::kVendorId, 4) == 0x100E8086u);
  CHECK((b.pci.config_read(0, kNic, pci::kRevisionId, 4) >> 8) == 0x020000u);
  CHECK(b.pci.config_read(0, kNic, pci::kInterruptPin, 1) == 1u);
  // BAR0 sizes as 128 KiB of memory, BAR1 as 8 ports.
  b.pci.config_write(0, kNic, pci::kBar0, 4, 0xFFFFFFFF);
  CHECK(b.pci.config_read(0, kNic, pci::kBar0, 4) == 0xFFFE0000u);
  b.pci.config_write(0, kNic, pci::kBar0, 4, static_cast<uint32_t>(kMmio));
  b.pci.config_write(0, kNic, pci::kBar0 + 4, 4, 0xFFFFFFFF);
  CHECK(b.pci.config_read(0, kNic, pci::kBar0 + 4, 4) == 0xFFFFFFF9u);
  b.pci.config_write(0, kNic, pci::kBar0 + 4, 4, kIoBase | 1);
  // Link up, full duplex, 1000 Mb/s.
  CHECK((b.r(kStatus) & (kStatusLu | kStatusFd)) == (kStatusLu | kStatusFd));
  CHECK(((b.r(kStatus) >> 6) & 3) == 2u);
  // The receive address registers hold the EEPROM's MAC after reset.
  CHECK(b.r(kRal0) == 0x12005452u);
  CHECK(b.r(kRah0) == (0x5634u | kRahAv));
}

TEST_CASE("e1000: IOADDR/IODATA reach the registers") {
  Board b;
  b.io.out(kIoBase, 4, kImc);
  CHECK(b.io.in(kIoBase, 4) == kImc);
  b.io.out(kIoBase, 4, kIms);
  b.io.out(kIoBase + 4, 4, kIntRxt0);
  CHECK(b.r(kIms) == kIntRxt0);
  b.io.out(kIoBase, 4, kStatus);
  CHECK((b.io.in(kIoBase + 4, 4) & kStatusLu) != 0);
}

TEST_CASE("e1000: the EEPROM holds the MAC and sums to 0xBABA, by EERD and by bit-banging") {
  Board b;
  uint16_t sum = 0;
  for (unsigned i = 0; i < Eeprom::kWords; ++i)
    sum = static_cast<uint16_t>(sum + b.nic.eeprom().word(i));
  CHECK(sum == 0xBABA);
  b.w(kEerd, 0 << 8 | kEerdStart);
  CHECK((b.r(kEerd) & kEerdDone) != 0);
  CHECK((b.r(kEerd) >> 16) == 0x5452u);
  b.w(kEerd, 2 << 8 | kEerdStart);
  CHECK((b.r(kEerd) >> 16) == 0x5634u);
  CHECK(bitbang_eeprom_read(b, 0) == 0x5452);
  CHECK(bitbang_eeprom_read(b, 1) == 0x1200);
  CHECK(bitbang_eeprom_read(b, 2) == 0x5634);
  uint16_t banged_sum = 0;
  for (unsigned i = 0; i < Eeprom::kWords; ++i)
    banged_sum = static_cast<uint16_t>(banged_sum + bitbang_eeprom_read(b, i));
  CHECK(banged_sum == 0xBABA);
  // Without a request, no grant.
  b.w(kEecd, 0);
  CHECK((b.r(kEecd) & kEecdGnt) == 0);
  CHECK((b.r(kEecd) & kEecdPres) != 0);
}

TEST_CASE("e1000: MDIC reaches the PHY at address 1 only; link up and negotiated") {
  Board b;
  CHECK((mdic_read(b, 1) & (phy::kStatusLinkUp | phy::kStatusAutonegComplete)) ==
        (phy::kStatusLinkUp | phy::kStatusAutonegComplete));
  CHECK(mdic_read(b, 2) == 0x0141);
  CHECK(mdic_read(b, 3) == 0x0C20);
  CHECK((b.r(kMdic) & kMdicError) == 0);
  b.w(kMdic, 1u << 16 | 2u << 21 | kMdicOpRead);  // no PHY at address 2
  CHECK((b.r(kMdic) & (kMdicReady | kMdicError)) == (kMdicReady | kMdicError));
  // PHY reset and restart negotiation clear themselves.
  b.w(kMdic, 0u << 16 | 1u << 21 | kMdicOpWrite | 0x9340);
  CHECK((mdic_read(b, 0) & 0x8200) == 0);
  CHECK((mdic_read(b, 1) & phy::kStatusLinkUp) != 0);
  // The interrupt-on-completion bit raises MDAC.
  b.w(kIms, kIntMdac);
  b.w(kMdic, 1u << 16 | 1u << 21 | kMdicOpRead | kMdicInterrupt);
  CHECK(b.irq);
  CHECK(b.r(kIcr) == kIntMdac);
  CHECK_FALSE(b.irq);
}

TEST_CASE("e1000: interrupt causes, masking, and ICR clear-on-read") {
  Board b;
  b.w(kIcs, kIntLsc | kIntRxt0);
  CHECK_FALSE(b.irq);  // nothing enabled
  CHECK(b.nic.peek_register(kIcr) == (kIntLsc | kIntRxt0));
  b.w(kIms, kIntRxt0);
  CHECK(b.irq);
  b.w(kImc, kIntRxt0);
  CHECK_FALSE(b.irq);
  b.w(kIms, kIntLsc);
  CHECK(b.irq);
  CHECK(b.r(kIcr) == (kIntLsc | kIntRxt0));
  CHECK_FALSE(b.irq);
  CHECK(b.r(kIcr) == 0u);
  // PCI Interrupt Disable gates INTA#.
  b.pci.config_write(0, kNic, pci::kCommand, 2,
                     pci::kCommandMemory | pci::kCommandMaster | pci::kCommandInterruptDisable);
  b.w(kIcs, kIntLsc);
  CHECK_FALSE(b.irq);
}

TEST_CASE("e1000: ITR spaces interrupt assertions by ITR x 256 ns") {
  Board b;
  b.w(kItr, 1000);  // 256 us
  b.w(kIms, kIntRxt0);
  b.w(kIcs, kIntRxt0);
  CHECK(b.irq);
  b.r(kIcr);
  CHECK_FALSE(b.irq);
  b.scheduler.advance_to(100'000);
  b.w(kIcs, kIntRxt0);
  CHECK_FALSE(b.irq);  // too soon
  b.scheduler.advance_to(255'999);
  CHECK_FALSE(b.irq);
  b.scheduler.advance_to(256'000);
  CHECK(b.irq);
  // A cause acknowledged while throttled never asserts.
  b.r(kIcr);
  b.w(kIcs, kIntRxt0);
  b.r(kIcr);
  b.scheduler.advance_to(600'000);
  CHECK_FALSE(b.irq);
}

TEST_CASE("e1000: transmit ring wraps around, writes DD back and raises TXDW/TXQE") {
  Board b;
  b.setup_tx();
  b.w(kTdh, 6);
  b.w(kTdt, 6);
  b.w(kIms, kIntTxdw);
  for (uint32_t i = 0; i < 4; ++i) {
    const uint32_t index = (6 + i) % kRingEntries;
    b.queue_legacy(index, i, frame_to(kDefaultMacAddress, static_cast<uint8_t>(0xA0 + i)),
                   kTxCmdEop | kTxCmdIfcs | kTxCmdRs);
  }
  b.w(kTdt, 2);
  REQUIRE(b.sent.size() == 4);
  for (unsigned i = 0; i < 4; ++i) CHECK(b.sent[i][20] == 0xA0 + i);
  CHECK(b.r(kTdh) == 2u);
  for (uint32_t index : {6u, 7u, 0u, 1u})
    CHECK((b.descriptor_byte(kTxRing, index, 12) & kTxStatusDd) != 0);
  CHECK(b.irq);
  CHECK(b.r(kIcr) == (kIntTxdw | kIntTxqe));
  // Statistics count the frames and clear when read.
  CHECK(b.r(kStatTpt) == 4u);
  CHECK(b.r(kStatTpt) == 0u);
  CHECK(b.r(kStatGptc) == 4u);
}

TEST_CASE("e1000: a packet spread over descriptors goes out at EOP; no RS, no write-back") {
  Board b;
  b.setup_tx();
  const auto frame = frame_to(kDefaultMacAddress, 0x5A, 100);
  b.put(kBuffers, std::span(frame).first(40));
  b.put(kBuffers + 4096, std::span(frame).subspan(40));
  b.put_descriptor(kTxRing, 0, kBuffers, 40, 0);
  b.put_descriptor(kTxRing, 1, kBuffers + 4096, 60 | uint32_t{kTxCmdEop} << 24, 0);
  b.w(kTdt, 1);
  CHECK(b.sent.empty());
  b.w(kTdt, 2);
  REQUIRE(b.sent.size() == 1);
  CHECK(b.sent[0] == frame);
  CHECK((b.descriptor_byte(kTxRing, 1, 12) & kTxStatusDd) == 0);
  CHECK((b.r(kIcr) & kIntTxdw) == 0);
}

TEST_CASE("e1000: transmit descriptors and buffers outside RAM are master aborts") {
  SUBCASE("the ring beyond RAM: nothing sent, TDH stays") {
    Board b;
    b.setup_tx(kRamBytes + 0x1000);
    b.w(kTdt, 3);
    CHECK(b.sent.empty());
    CHECK(b.r(kTdh) == 0u);
    CHECK((b.pci_status() & 0x2000) != 0);
  }
  SUBCASE("the ring on the card's own registers (MMIO) is not memory either") {
    Board b;
    b.setup_tx(kMmio);
    b.w(kTdt, 1);
    CHECK(b.sent.empty());
    CHECK(b.r(kTdh) == 0u);
  }
  SUBCASE("a buffer beyond RAM: the packet is dropped, the descriptor completes") {
    Board b;
    b.setup_tx();
    b.put_descriptor(kTxRing, 0, 0xFFFFFFFF00ull, 64 | uint32_t{kTxCmdEop | kTxCmdRs} << 24, 0);
    b.queue_legacy(1, 1, frame_to(kDefaultMacAddress, 0x77), kTxCmdEop | kTxCmdRs);
    b.w(kTdt, 2);
    REQUIRE(b.sent.size() == 1);
    CHECK(b.sent[0][20] == 0x77);
    CHECK(b.r(kTdh) == 2u);
    CHECK((b.descriptor_byte(kTxRing, 0, 12) & kTxStatusDd) != 0);
    CHECK((b.pci_status() & 0x2000) != 0);
  }
  SUBCASE("a tail beyond the ring stalls transmit instead of running forever") {
    Board b;
    b.setup_tx();
    b.w(kTdt, kRingEntries + 3);
    CHECK(b.sent.empty());
    CHECK(b.r(kTdh) == 0u);
  }
  SUBCASE("bus mastering off: nothing moves until it is enabled") {
    Board b;
    b.pci.config_write(0, kNic, pci::kCommand, 2, pci::kCommandMemory);
    b.setup_tx();
    b.queue_legacy(0, 0, frame_to(kDefaultMacAddress, 1), kTxCmdEop);
    b.w(kTdt, 1);
    CHECK(b.sent.empty());
    b.pci.config_write(0, kNic, pci::kCommand, 2, pci::kCommandMemory | pci::kCommandMaster);
    CHECK(b.sent.size() == 1);
  }
}

TEST_CASE("e1000: receive ring wraps around; frames wait in the FIFO for descriptors") {
  Board b;
  b.setup_rx();
  b.w(kRdh, 6);
  b.w(kRdt, 2);  // descriptors 6, 7, 0, 1 are the card's
  b.w(kIms, kIntRxt0);
  for (unsigned i = 0; i < 5; ++i) {
    CHECK(b.nic.receive(frame_to(kDefaultMacAddress, static_cast<uint8_t>(0xB0 + i), 80)));
  }
  CHECK(b.r(kRdh) == 2u);
  CHECK(b.nic.receive_fifo_frames() == 1);
  unsigned n = 0;
  for (uint32_t index : {6u, 7u, 0u, 1u}) {
    CHECK(b.descriptor_byte(kRxRing, index, 12) == (kRxStatusDd | kRxStatusEop | kRxStatusIxsm));
    CHECK(b.descriptor_byte(kRxRing, index, 8) == 80);
    CHECK(b.get(kBuffers + 2048 * index + 20, 1)[0] == 0xB0 + n);
    ++n;
  }
  CHECK(b.irq);
  CHECK((b.r(kIcr) & kIntRxt0) != 0);
  // Returning descriptors lets the waiting frame in.
  b.w(kRdt, 4);
  CHECK(b.nic.receive_fifo_frames() == 0);
  CHECK(b.r(kRdh) == 3u);
  CHECK(b.get(kBuffers + 2048 * 2 + 20, 1)[0] == 0xB4);
  CHECK(b.r(kStatGprc) == 5u);
}

TEST_CASE("e1000: received frames are padded and get an FCS unless SECRC; long ones span buffers") {
  Board b;
  b.setup_rx(kRctlEn | kRctlLpe | (3u << kRctlBsizeShift));  // 256-byte buffers
  b.w(kRdt, 7);
  CHECK(b.nic.receive(frame_to(kDefaultMacAddress, 0x11, 42)));
  CHECK(b.descriptor_byte(kRxRing, 0, 8) == 64);  // 60 + FCS
  const auto stored = b.get(kBuffers, 64);
  const uint32_t fcs = net::ethernet_crc32(std::span(stored).first(60));
  CHECK(stored[60] == static_cast<uint8_t>(fcs));
  CHECK(stored[63] == static_cast<uint8_t>(fcs >> 24));
  CHECK(b.nic.receive(frame_to(kDefaultMacAddress, 0x22, 600)));
  CHECK(b.r(kRdh) == 4u);  // 604 bytes: 256 + 256 + 92
  CHECK(b.descriptor_byte(kRxRing, 1, 12) == (kRxStatusDd | kRxStatusIxsm));
  CHECK(b.descriptor_byte(kRxRing, 3, 12) == (kRxStatusDd | kRxStatusIxsm | kRxStatusEop));
  CHECK(b.descriptor_byte(kRxRing, 3, 8) == 92);
}

TEST_CASE("e1000: receive filtering") {
  Board b;
  b.setup_rx(kRctlEn | kRctlSecrc);
  b.w(kRdt, 7);
  const MacAddress other{0x52, 0x54, 0x00, 0x99, 0x99, 0x99};
  const MacAddress broadcast{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
  const MacAddress multicast{0x01, 0x00, 0x5E, 0x00, 0x00, 0xFB};
  CHECK(b.nic.receive(frame_to(kDefaultMacAddress, 1)));
  CHECK_FALSE(b.nic.receive(frame_to(other, 1)));
  CHECK_FALSE(b.nic.receive(frame_to(broadcast, 1)));
  CHECK_FALSE(b.nic.receive(frame_to(multicast, 1)));
  b.w(kRctl, kRctlEn | kRctlSecrc | kRctlBam);
  CHECK(b.nic.receive(frame_to(broadcast, 1)));
  // The multicast table, indexed (MO = 0) by address bits 47:36.
  const uint32_t hash = ((uint32_t{multicast[4]} | uint32_t{multicast[5]} << 8) >> 4) & 0xFFF;
  b.w(kMta + (hash >> 5) * 4, 1u << (hash & 31));
  CHECK(b.nic.receive(frame_to(multicast, 1)));
  // A second exact address, then unicast promiscuous.
  b.w(kRal0 + 8, 0x99005452);
  b.w(kRah0 + 8, 0x9999 | kRahAv);
  CHECK(b.nic.receive(frame_to(other, 1)));
  CHECK_FALSE(b.nic.receive(frame_to(MacAddress{2, 0, 0, 0, 0, 1}, 1)));
  b.w(kRctl, kRctlEn | kRctlSecrc | kRctlUpe);
  CHECK(b.nic.receive(frame_to(MacAddress{2, 0, 0, 0, 0, 1}, 1)));
  // Oversized without LPE.
  CHECK_FALSE(b.nic.receive(frame_to(kDefaultMacAddress, 1, 1600)));
  // Receiver off.
  b.w(kRctl, 0);
  CHECK_FALSE(b.nic.receive(frame_to(kDefaultMacAddress, 1)));
}

TEST_CASE("e1000: receive descriptors or buffers outside RAM write nothing there") {
  SUBCASE("ring beyond RAM: the frame stays, RDH does not move") {
    Board b;
    b.setup_rx();
    b.w(kRdbal, static_cast<uint32_t>(kRamBytes + 0x4000));
    b.w(kRdt, 3);
    b.nic.receive(frame_to(kDefaultMacAddress, 1));
    CHECK(b.r(kRdh) == 0u);
    CHECK((b.pci_status() & 0x2000) != 0);
  }
  SUBCASE("buffer on MMIO: the card's registers are untouched, the descriptor completes") {
    Board b;
    b.setup_rx();
    b.put_descriptor(kRxRing, 0, kMmio + kIms, 0, 0);
    b.w(kRdt, 1);
    CHECK(b.nic.receive(frame_to(kDefaultMacAddress, 0xFF)));
    CHECK(b.r(kIms) == 0u);
    CHECK(b.r(kRdh) == 1u);
    CHECK((b.pci_status() & 0x2000) != 0);
  }
  SUBCASE("a full FIFO misses frames and says so") {
    Board b;
    b.setup_rx();  // RDT = RDH: no descriptors
    b.w(kIms, kIntRxo);
    unsigned accepted = 0;
    for (int i = 0; i < 100; ++i)
      accepted += b.nic.receive(frame_to(kDefaultMacAddress, 1, 1500)) ? 1 : 0;
    CHECK(accepted == E1000::kReceiveFifoBytes / 1500);
    CHECK(b.irq);
    CHECK(b.r(kStatMpc) == 100 - accepted);
  }
}

namespace {

// An Ethernet + IPv4 + TCP frame with `payload_bytes` of payload, checksums zero.
std::vector<uint8_t> tcp_frame(size_t payload_bytes) {
  std::vector<uint8_t> f =
      frame_to(MacAddress{0x52, 0x55, 10, 0, 2, 2}, 0, 14 + 20 + 20 + payload_bytes);
  uint8_t* ip = &f[14];
  ip[0] = 0x45;
  const size_t total = 20 + 20 + payload_bytes;
  ip[2] = static_cast<uint8_t>(total >> 8);
  ip[3] = static_cast<uint8_t>(total);
  ip[4] = 0x12;
  ip[5] = 0x34;
  ip[8] = 64;
  ip[9] = 6;
  const uint8_t addresses[8] = {10, 0, 2, 15, 10, 0, 2, 2};
  std::copy(addresses, addresses + 8, ip + 12);
  uint8_t* tcp = &f[34];
  tcp[0] = 0x30;
  tcp[1] = 0x39;
  tcp[2] = 0x00;
  tcp[3] = 0x50;
  tcp[4] = 0x01;  // sequence 0x01000000
  tcp[12] = 0x50;
  tcp[13] = 0x19;  // FIN, PSH, ACK
  for (size_t i = 0; i < payload_bytes; ++i) f[54 + i] = static_cast<uint8_t>(i * 7);
  return f;
}

uint32_t pseudo_header_sum(std::span<const uint8_t> frame, uint32_t l4_bytes) {
  uint32_t sum = net::checksum_add(frame.subspan(14 + 12, 8));
  return sum + 6 + l4_bytes;
}

void check_valid_tcp(std::span<const uint8_t> f) {
  CHECK(net::fold_checksum(net::checksum_add(f.subspan(14, 20))) == 0);
  const uint32_t l4 = static_cast<uint32_t>(f.size() - 34);
  CHECK(net::fold_checksum(net::checksum_add(f.subspan(34), pseudo_header_sum(f, l4))) == 0);
}

}  // namespace

TEST_CASE("e1000: context + data descriptors insert IP and TCP checksums") {
  Board b;
  b.setup_tx();
  auto f = tcp_frame(100);
  // The driver seeds the TCP checksum with the pseudo-header sum (CHECKSUM_PARTIAL).
  const uint32_t seed = pseudo_header_sum(f, 120);
  const uint16_t folded = static_cast<uint16_t>(~net::fold_checksum(seed));
  f[50] = static_cast<uint8_t>(folded >> 8);
  f[51] = static_cast<uint8_t>(folded);
  b.put(kBuffers, f);
  // Context: IPCSS 14, IPCSO 24, IPCSE 33; TUCSS 34, TUCSO 50, TUCSE 0; TUCMD IP|TCP|DEXT.
  b.put_descriptor(kTxRing, 0,
                   uint64_t{14} | uint64_t{24} << 8 | uint64_t{33} << 16 | uint64_t{34} << 32 |
                       uint64_t{50} << 40,
                   uint32_t{kTxCmdDext | kTuCmdIp | kTuCmdTcp} << 24, 0);
  b.put_descriptor(kTxRing, 1, kBuffers,
                   static_cast<uint32_t>(f.size()) | uint32_t{kTxDtypData} << 20 |
                       uint32_t{kTxCmdDext | kTxCmdEop | kTxCmdRs} << 24,
                   uint32_t{kPoptsIxsm | kPoptsTxsm} << 8);
  b.w(kTdt, 2);
  REQUIRE(b.sent.size() == 1);
  CHECK(b.sent[0].size() == f.size());
  check_valid_tcp(b.sent[0]);
}

TEST_CASE("e1000: TCP segmentation cuts the payload into MSS segments with fixed-up headers") {
  Board b;
  b.setup_tx();
  auto f = tcp_frame(2500);
  // TSO seed: the pseudo-header sum without the length; IP length and checksum zero.
  const uint16_t folded = static_cast<uint16_t>(~net::fold_checksum(pseudo_header_sum(f, 0)));
  f[50] = static_cast<uint8_t>(folded >> 8);
  f[51] = static_cast<uint8_t>(folded);
  f[16] = f[17] = 0;
  b.put(kBuffers, std::span(f).first(54));
  b.put(kBuffers + 4096, std::span(f).subspan(54));
  const uint32_t mss = 1000;
  b.put_descriptor(kTxRing, 0,
                   uint64_t{14} | uint64_t{24} << 8 | uint64_t{33} << 16 | uint64_t{34} << 32 |
                       uint64_t{50} << 40,
                   2500 | uint32_t{kTxCmdDext | kTxCmdTse | kTuCmdIp | kTuCmdTcp} << 24,
                   54u << 8 | mss << 16);
  const uint32_t data_cmd = uint32_t{kTxDtypData} << 20 | uint32_t{kTxCmdDext | kTxCmdTse} << 24;
  b.put_descriptor(kTxRing, 1, kBuffers, 54 | data_cmd, uint32_t{kPoptsIxsm | kPoptsTxsm} << 8);
  b.put_descriptor(kTxRing, 2, kBuffers + 4096,
                   2500 | data_cmd | uint32_t{kTxCmdEop | kTxCmdRs} << 24, 0);
  b.w(kTdt, 3);
  REQUIRE(b.sent.size() == 3);
  const size_t payloads[3] = {1000, 1000, 500};
  for (unsigned i = 0; i < 3; ++i) {
    const auto& s = b.sent[i];
    CHECK(s.size() == 54 + payloads[i]);
    CHECK((s[16] << 8 | s[17]) == static_cast<int>(40 + payloads[i]));  // IP total length
    CHECK((s[18] << 8 | s[19]) == 0x1234 + static_cast<int>(i));        // IP ID
    const uint32_t sequence =
        uint32_t{s[38]} << 24 | uint32_t{s[39]} << 16 | uint32_t{s[40]} << 8 | s[41];
    CHECK(sequence == 0x01000000u + 1000 * i);
    CHECK(s[47] == (i == 2 ? 0x19 : 0x10));  // FIN and PSH on the last segment only
    CHECK(s[54] == static_cast<uint8_t>(1000 * i * 7));
    check_valid_tcp(s);
  }
}

TEST_CASE("e1000: CTRL.RST resets the card but keeps the PCI configuration") {
  Board b;
  b.w(kIms, kIntRxt0);
  b.w(kRctl, kRctlEn);
  b.w(kCtrl, kCtrlRst);
  CHECK(b.r(kIms) == 0u);
  CHECK(b.r(kRctl) == 0u);
  CHECK((b.r(kCtrl) & kCtrlRst) == 0);
  CHECK((b.r(kStatus) & kStatusLu) != 0);
  CHECK(b.nic.bar_address(0) == kMmio);
}
