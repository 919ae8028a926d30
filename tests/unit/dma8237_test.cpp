// The two 8237A DMA controllers and the page registers, programmed as SeaBIOS
// (src/hw/dma.c dma_setup; src/hw/floppy.c floppy_dma_cmd) and Linux (include/asm/dma.h
// as used by drivers/block/floppy.c) program them, with transfers into and out of a
// guest memory map.
#include "devices/dma8237.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "devices/io_bus.h"
#include "mmu/address_map.h"

using namespace trapeze;
using namespace trapeze::dma;

namespace {

struct Board {
  IoBus bus;
  AddressMap memory{16 * 1024 * 1024};
  Dma8237 dma{bus, memory};

  Board() { memory.map_ram(0, 16 * 1024 * 1024); }
  uint8_t in(uint16_t port) { return static_cast<uint8_t>(bus.in(port, 1)); }
  void out(uint16_t port, uint8_t value) { bus.out(port, 1, value); }

  // SeaBIOS dma_setup(): reset both controllers, cascade DMA1 through channel 4.
  void seabios_dma_setup() {
    out(0x0D, 0);     // PORT_DMA1_MASTER_CLEAR
    out(0xDA, 0);     // PORT_DMA2_MASTER_CLEAR
    out(0xD6, 0xC0);  // PORT_DMA2_MODE_REG: channel 4 cascade
    out(0xD4, 0x00);  // PORT_DMA2_MASK_REG: unmask channel 4
  }
  // SeaBIOS floppy_dma_cmd(): channel 2, single mode, `mode` 0x46 (to memory) or 0x4A
  // (from memory), `count` bytes at `address` (below 16 MiB, within one 64 KiB page).
  void seabios_floppy_dma(uint32_t address, uint16_t count, uint8_t mode) {
    const uint16_t base_count = static_cast<uint16_t>(count - 1);
    out(0x0A, 0x06);  // mask channel 2
    out(0x0C, 0x00);  // clear flip-flop
    out(0x04, static_cast<uint8_t>(address));
    out(0x04, static_cast<uint8_t>(address >> 8));
    out(0x0C, 0x00);
    out(0x05, static_cast<uint8_t>(base_count));
    out(0x05, static_cast<uint8_t>(base_count >> 8));
    out(0x0B, mode);
    out(0x81, static_cast<uint8_t>(address >> 16));  // page register of channel 2
    out(0x0A, 0x02);                                 // unmask channel 2
  }
  // Linux's floppy driver: disable_dma, clear_dma_ff, set_dma_mode, set_dma_addr,
  // set_dma_count, enable_dma.
  void linux_floppy_dma(uint32_t address, uint16_t count, uint8_t mode) {
    out(0x0A, 0x04 | 2);
    out(0x0C, 0);
    out(0x0B, mode | 2);
    out(0x81, static_cast<uint8_t>(address >> 16));
    out(0x04, static_cast<uint8_t>(address));
    out(0x04, static_cast<uint8_t>(address >> 8));
    out(0x05, static_cast<uint8_t>(count - 1));
    out(0x05, static_cast<uint8_t>((count - 1) >> 8));
    out(0x0A, 2);
  }
};

std::vector<uint8_t> pattern(size_t size, uint8_t seed) {
  std::vector<uint8_t> bytes(size);
  for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<uint8_t>(seed + i * 7);
  return bytes;
}

}  // namespace

TEST_CASE("Dma8237: power-on: every channel masked, nothing moves") {
  Board b;
  CHECK(b.in(0x0F) == 0xFF);  // mask register readback, all four masked
  CHECK(b.in(0xDE) == 0xFF);
  CHECK(b.in(0x08) == 0x00);  // status
  std::vector<uint8_t> bytes(16);
  CHECK(b.dma.transfer(2, bytes, true) == 0);
  CHECK_FALSE(b.dma.terminal_count(2));
}

TEST_CASE("Dma8237: SeaBIOS floppy read: 512 bytes into guest memory, then TC") {
  Board b;
  b.seabios_dma_setup();
  b.seabios_floppy_dma(0x17C00, 512, 0x46);  // FC_READ: device to memory
  Dma8237::ChannelState ch = b.dma.channel_state(2);
  CHECK(ch.base_address == 0x7C00);
  CHECK(ch.base_count == 511);
  CHECK(ch.page == 0x01);
  CHECK(ch.mode == 0x44);
  CHECK_FALSE(ch.masked);
  CHECK(b.dma.physical_address(2) == 0x17C00);

  // The floppy controller delivers a sector in two halves.
  std::vector<uint8_t> sector = pattern(512, 0x10);
  CHECK(b.dma.transfer(2, std::span(sector).first(256), true) == 256);
  CHECK_FALSE(b.dma.terminal_count(2));
  CHECK(b.dma.channel_state(2).current_count == 255);
  CHECK(b.in(0x08) == 0x00);  // no TC yet
  CHECK(b.dma.transfer(2, std::span(sector).subspan(256), true) == 256);
  CHECK(b.dma.terminal_count(2));

  std::vector<uint8_t> memory(512);
  b.memory.copy_from_guest(0x17C00, memory);
  CHECK(memory == sector);
  CHECK(b.memory.read(0x17C00 + 512, 1) == 0);  // nothing past the count

  // TC: status bit 2 (once: reading clears it), the channel masks itself, and the
  // current registers show the end (count rolled over to FFFF).
  ch = b.dma.channel_state(2);
  CHECK(ch.masked);
  CHECK(ch.current_count == 0xFFFF);
  CHECK(ch.current_address == 0x7E00);
  CHECK(b.in(0x08) == 0x04);
  CHECK(b.in(0x08) == 0x00);
  CHECK(b.dma.transfer(2, sector, true) == 0);  // masked now
}

TEST_CASE("Dma8237: Linux floppy write: memory to device, count stops the transfer") {
  Board b;
  b.seabios_dma_setup();
  const std::vector<uint8_t> data = pattern(1024, 0x55);
  b.memory.copy_to_guest(0x90000, data);
  b.linux_floppy_dma(0x90000, 512, 0x48);  // DMA_MODE_WRITE: memory to device
  std::vector<uint8_t> fifo(1024, 0xEE);
  CHECK(b.dma.transfer(2, fifo, false) == 512);
  CHECK(b.dma.terminal_count(2));
  CHECK(std::vector<uint8_t>(fifo.begin(), fifo.begin() + 512) ==
        std::vector<uint8_t>(data.begin(), data.begin() + 512));
  CHECK(fifo[512] == 0xEE);
}

TEST_CASE("Dma8237: DMA1 channels need the cascade channel 4 unmasked") {
  Board b;
  b.seabios_floppy_dma(0x1000, 16, 0x46);  // without dma_setup: channel 4 still masked
  std::vector<uint8_t> bytes(16, 0xAB);
  CHECK(b.dma.transfer(2, bytes, true) == 0);
  b.seabios_dma_setup();  // master clear masks channel 2 again
  CHECK(b.dma.transfer(2, bytes, true) == 0);
  b.out(0x0A, 0x02);
  CHECK(b.dma.transfer(2, bytes, true) == 16);
  // Command bit 2 disables a whole controller.
  b.seabios_floppy_dma(0x1000, 16, 0x46);
  b.out(0x08, kCommandDisable);
  CHECK(b.dma.transfer(2, bytes, true) == 0);
  b.out(0x08, 0);
  CHECK(b.dma.transfer(2, bytes, true) == 16);
}

TEST_CASE("Dma8237: address and count read back through the flip-flop") {
  Board b;
  b.out(0x0C, 0);
  b.out(0x06, 0x34);
  b.out(0x06, 0x12);
  b.out(0x07, 0xFF);
  b.out(0x07, 0x01);
  b.out(0x0C, 0);
  CHECK(b.in(0x06) == 0x34);
  CHECK(b.in(0x06) == 0x12);
  CHECK(b.in(0x07) == 0xFF);
  CHECK(b.dma.peek(0x07) == 0x01);  // peek leaves the flip-flop alone
  CHECK(b.in(0x07) == 0x01);
  CHECK(b.dma.channel_state(3).base_address == 0x1234);
  CHECK(b.dma.channel_state(3).base_count == 0x01FF);
}

TEST_CASE("Dma8237: autoinit reloads at TC and keeps the channel unmasked") {
  Board b;
  b.seabios_dma_setup();
  b.seabios_floppy_dma(0x20000, 4, 0x56);  // single, autoinit, to memory
  std::vector<uint8_t> bytes = pattern(6, 1);
  CHECK(b.dma.transfer(2, bytes, true) == 4);
  CHECK(b.dma.terminal_count(2));
  const Dma8237::ChannelState ch = b.dma.channel_state(2);
  CHECK_FALSE(ch.masked);
  CHECK(ch.current_address == 0x0000);
  CHECK(ch.current_count == 3);
  // The next block starts over at the base (a Sound Blaster's ring buffer).
  CHECK(b.dma.transfer(2, std::span(bytes).subspan(4), true) == 2);
  CHECK(b.memory.read(0x20000, 1) == bytes[4]);
  CHECK(b.memory.read(0x20002, 1) == bytes[2]);
}

TEST_CASE("Dma8237: address decrement, and the 64 KiB wrap within a page") {
  Board b;
  b.seabios_dma_setup();
  b.seabios_floppy_dma(0x30002, 4, 0x66);  // decrement, to memory
  std::vector<uint8_t> bytes = {1, 2, 3, 4};
  CHECK(b.dma.transfer(2, bytes, true) == 4);
  // 0x30002, 0x30001, 0x30000, then 0x3FFFF: the page does not borrow.
  CHECK(b.memory.read(0x30002, 1) == 1);
  CHECK(b.memory.read(0x30000, 1) == 3);
  CHECK(b.memory.read(0x3FFFF, 1) == 4);
  CHECK(b.memory.read(0x2FFFF, 1) == 0);

  b.seabios_floppy_dma(0x4FFFF, 2, 0x46);
  CHECK(b.dma.transfer(2, bytes, true) == 2);
  CHECK(b.memory.read(0x4FFFF, 1) == 1);
  CHECK(b.memory.read(0x40000, 1) == 2);  // wrapped inside page 4, not into page 5
  CHECK(b.memory.read(0x50000, 1) == 0);
}

TEST_CASE("Dma8237: 16-bit channels count words and address through A1-A16") {
  Board b;
  b.seabios_dma_setup();
  // Channel 5 (a Sound Blaster 16's DMA): word address 0x9000 in page 0x13 is byte
  // address (0x12 << 16) | (0x9000 << 1) = 0x132000: page bit 0 is unused.
  b.out(0xD4, 0x04 | 1);  // mask channel 5
  b.out(0xD8, 0);         // clear flip-flop
  b.out(0xD6, 0x44 | 1);  // single, to memory
  b.out(0x8B, 0x13);
  b.out(0xC4, 0x00);
  b.out(0xC4, 0x90);
  b.out(0xC6, 2);  // 3 words
  b.out(0xC6, 0);
  b.out(0xD4, 1);
  CHECK(b.dma.physical_address(5) == 0x132000);
  std::vector<uint8_t> bytes = pattern(7, 0x20);
  CHECK(b.dma.transfer(5, bytes, true) == 6);  // whole words only
  CHECK(b.dma.terminal_count(5));
  CHECK(b.memory.read(0x132000, 1) == bytes[0]);
  CHECK(b.memory.read(0x132005, 1) == bytes[5]);
  CHECK(b.memory.read(0x132006, 1) == 0);
  CHECK(b.in(0xD0) == 0x02);  // TC of channel 5 (DMA2's channel 1)
  CHECK(b.dma.channel_state(5).current_address == 0x9003);
  // Odd ports alias the even ones (A0 is not decoded on DMA2).
  b.out(0xD8, 0);
  CHECK(b.in(0xC5) == 0x03);
}

TEST_CASE("Dma8237: verify mode counts without touching memory") {
  Board b;
  b.seabios_dma_setup();
  b.seabios_floppy_dma(0x5000, 8, 0x42);  // verify
  std::vector<uint8_t> bytes(8, 0x77);
  CHECK(b.dma.transfer(2, bytes, true) == 8);
  CHECK(b.dma.terminal_count(2));
  CHECK(b.memory.read(0x5000, 1) == 0);
}

TEST_CASE("Dma8237: the mode, not the device, decides the direction") {
  Board b;
  b.seabios_dma_setup();
  b.memory.write(0x6000, 1, 0x99);
  b.seabios_floppy_dma(0x6000, 1, 0x4A);  // memory to device
  std::vector<uint8_t> bytes = {0x11};
  CHECK(b.dma.transfer(2, bytes, true) == 1);  // the device expected to write
  CHECK(bytes[0] == 0x99);
  CHECK(b.memory.read(0x6000, 1) == 0x99);
}

TEST_CASE("Dma8237: request register and DREQ lines show in status bits 4-7") {
  Board b;
  b.out(0x09, 0x04 | 1);  // software request on channel 1
  b.dma.set_request(3, true);
  CHECK(b.in(0x08) == 0xA0);
  b.out(0x09, 1);
  b.dma.set_request(3, false);
  CHECK(b.in(0x08) == 0x00);
}

TEST_CASE("Dma8237: mask commands and master clear") {
  Board b;
  b.out(0x0E, 0);  // clear mask register
  CHECK(b.in(0x0F) == 0xF0);
  b.out(0x0F, 0x05);
  CHECK(b.in(0x0F) == 0xF5);
  b.out(0x0A, 0x01);  // unmask channel 1 (already clear) ...
  b.out(0x0A, 0x00);  // ... and channel 0
  CHECK(b.in(0x0F) == 0xF4);
  b.out(0x06, 0x34);  // flip-flop now "high"
  b.out(0x0D, 0);     // master clear: masks set, flip-flop low
  CHECK(b.in(0x0F) == 0xFF);
  b.out(0x06, 0x78);
  CHECK(b.dma.channel_state(3).base_address == 0x0078);
}

TEST_CASE("Dma8237: page registers are storage; 0x80 takes POST codes") {
  Board b;
  for (uint16_t port = 0x80; port <= 0x8F; ++port) b.out(port, static_cast<uint8_t>(port + 1));
  for (uint16_t port = 0x80; port <= 0x8F; ++port)
    CHECK(b.in(port) == static_cast<uint8_t>(port + 1));
  CHECK(b.dma.channel_state(0).page == 0x88);
  CHECK(b.dma.channel_state(1).page == 0x84);
  CHECK(b.dma.channel_state(2).page == 0x82);
  CHECK(b.dma.channel_state(3).page == 0x83);
  CHECK(b.dma.channel_state(5).page == 0x8C);
  CHECK(b.dma.channel_state(6).page == 0x8A);
  CHECK(b.dma.channel_state(7).page == 0x8B);
}

TEST_CASE("Dma8237: transfers beyond RAM are dropped by the memory map, not the host") {
  IoBus bus;
  AddressMap memory{64 * 1024};
  memory.map_ram(0, 64 * 1024);
  Dma8237 dma{bus, memory};
  bus.out(0xDA, 1, 0);
  bus.out(0xD6, 1, 0xC0);
  bus.out(0xD4, 1, 0);
  bus.out(0x0B, 1, 0x46);
  bus.out(0x81, 1, 0xFF);  // 0xFF0000: nothing there
  bus.out(0x05, 1, 0x0F);
  bus.out(0x05, 1, 0x00);
  bus.out(0x0A, 1, 0x02);
  std::vector<uint8_t> bytes(16, 0x5A);
  CHECK(dma.transfer(2, bytes, true) == 16);
  CHECK(dma.terminal_count(2));
}

TEST_CASE("Dma8237: the cascade channel and invalid channels are wiring errors") {
  Board b;
  std::vector<uint8_t> bytes(2);
  CHECK_THROWS_AS(b.dma.transfer(4, bytes, true), std::out_of_range);
  CHECK_THROWS_AS(b.dma.transfer(8, bytes, true), std::out_of_range);
}
