// The 16550A UART programmed the way real drivers program it: SeaBIOS's port detection,
// Linux's 8250 autoconfig and start-up, polled and interrupt-driven transfers. Each step
// checks the register values a driver would read at that point.
#include "devices/uart16550.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "devices/io_bus.h"
#include "devices/scheduler.h"

using namespace trapeze;
using namespace trapeze::uart;

namespace {

struct Com1 {
  IoBus bus;
  Scheduler scheduler;
  Uart16550 uart{bus, scheduler, Uart16550::kCom1Port};
  std::string sent;
  std::vector<bool> irq_edges;

  Com1() {
    uart.set_transmit_sink([this](uint8_t b) { sent += static_cast<char>(b); });
    uart.irq().connect([this](bool level) { irq_edges.push_back(level); });
    irq_edges.clear();  // connect() reports the initial level
  }
  uint8_t read(uint16_t reg) { return static_cast<uint8_t>(bus.in(0x3F8 + reg, 1)); }
  void write(uint16_t reg, uint8_t value) { bus.out(0x3F8 + reg, 1, value); }
  bool irq() { return uart.irq().level(); }
  // What Linux's serial8250_do_set_termios leaves: 115200 8N1, FIFOs on with an 8-byte
  // trigger, DTR/RTS/OUT2 up.
  void linux_setup(uint8_t ier) {
    write(kLcr, kLcrDlab | 0x03);
    write(kDll, 1);
    write(kDlm, 0);
    write(kLcr, 0x03);
    write(kFcr, kFcrEnable | kFcrTrigger8);
    write(kMcr, kMcrDtr | kMcrRts | kMcrOut2);
    write(kIer, ier);
  }
};

}  // namespace

TEST_CASE("Uart16550: reset values") {
  Com1 c;
  CHECK(c.read(kIer) == 0x00);
  CHECK(c.read(kIir) == 0x01);  // no interrupt, FIFOs off
  CHECK(c.read(kLcr) == 0x00);
  CHECK(c.read(kMcr) == 0x00);
  CHECK(c.read(kLsr) == 0x60);  // THRE and TEMT: the transmitter is idle
  // The host end is a connected terminal: CTS, DSR and DCD on, nothing changed yet.
  CHECK(c.read(kMsr) == 0xB0);
  CHECK_FALSE(c.irq());
}

TEST_CASE("Uart16550: SeaBIOS's detection (enable THRE, see it in the IIR)") {
  Com1 c;
  c.write(kIer, kIerThrEmpty);
  CHECK(c.read(kIer) == 0x02);
  CHECK((c.read(kIir) & 0x3F) == 0x02);  // THR empty; reading the IIR acknowledges it
  CHECK(c.read(kIir) == 0x01);
  c.write(kIer, 0);
  CHECK(c.read(kIer) == 0x00);
}

TEST_CASE("Uart16550: the scratch register holds what is written (8250 vs 16450 probe)") {
  Com1 c;
  c.write(kScr, 0xA5);
  CHECK(c.read(kScr) == 0xA5);
  c.write(kScr, 0x5A);
  CHECK(c.read(kScr) == 0x5A);
}

TEST_CASE("Uart16550: Linux 8250 autoconfig identifies a 16550A") {
  Com1 c;
  // IER probe: the four enable bits stick, nothing else does.
  c.write(kIer, 0);
  CHECK((c.read(kIer) & 0x0F) == 0x00);
  c.write(kIer, 0x0F);
  CHECK((c.read(kIer) & 0x0F) == 0x0F);
  c.write(kIer, 0xFF);
  CHECK(c.read(kIer) == 0x0F);
  c.write(kIer, 0);

  // Loopback test: RTS and OUT2 come back as CTS and DCD.
  c.write(kMcr, kMcrLoopback | kMcrRts | kMcrOut2);
  CHECK((c.read(kMsr) & 0xF0) == 0x90);
  c.write(kMcr, 0);

  // EFR probe (LCR 0xBF) finds nothing; enabling the FIFOs shows 11 in IIR bits 6-7.
  c.write(kLcr, 0xBF);
  c.write(kFcr, 0);
  c.write(kLcr, 0);
  c.write(kFcr, kFcrEnable);
  CHECK((c.read(kIir) >> 6) == 3);
  CHECK(c.read(kIir) == 0xC1);

  // autoconfig_16550a: no EFR behind LCR 0x80 or 0xBF (the IIR is never 0 there) ...
  c.write(kLcr, 0x80);
  CHECK(c.read(kIir) != 0);
  c.write(kLcr, 0xBF);
  CHECK(c.read(kIir) != 0);
  // ... no 64-byte FIFO (IIR bit 5 stays 0, with or without DLAB) ...
  c.write(kLcr, 0);
  c.write(kFcr, kFcrEnable | 0x20);
  CHECK((c.read(kIir) >> 5) == 6);
  c.write(kFcr, kFcrEnable);
  c.write(kLcr, 0x80);
  c.write(kFcr, kFcrEnable | 0x20);
  CHECK((c.read(kIir) >> 5) == 6);
  c.write(kFcr, kFcrEnable);
  c.write(kLcr, 0);
  // ... and no XScale UUE bit in the IER.
  c.write(kIer, 0x40);
  CHECK(c.read(kIer) == 0x00);
}

TEST_CASE("Uart16550: the divisor latch and the line format set the character time") {
  Com1 c;
  c.write(kLcr, kLcrDlab | 0x03);
  c.write(kDll, 12);
  c.write(kDlm, 0);
  CHECK(c.read(kDll) == 12);
  CHECK(c.read(kDlm) == 0);
  c.write(kLcr, 0x03);  // 8N1
  CHECK(c.read(kLcr) == 0x03);
  CHECK(c.read(kIer) == 0x00);  // offset 1 is the IER again
  // 9600 baud, 10 bits a character.
  CHECK(c.uart.character_time_ns() == 1'041'666);

  c.write(kLcr, kLcrDlab);
  c.write(kDll, 1);
  c.write(kLcr, 0x03 | kLcrParity | kLcrStopBits);  // 8E2 at 115200: 12 bits
  CHECK(c.uart.character_time_ns() == 104'166);
  c.write(kLcr, 0x00 | kLcrStopBits);  // 5 data bits and 1.5 stop bits: 7.5 bits
  CHECK(c.uart.character_time_ns() == 65'104);
}

TEST_CASE("Uart16550: polled transmit (a console write) leaves THRE and TEMT set") {
  Com1 c;
  c.linux_setup(0);
  for (char ch : std::string("ok\n")) {
    CHECK((c.read(kLsr) & kLsrThrEmpty) != 0);
    c.write(kThr, static_cast<uint8_t>(ch));
  }
  CHECK(c.sent == "ok\n");
  CHECK(c.read(kLsr) == 0x60);
  CHECK_FALSE(c.irq());
}

TEST_CASE("Uart16550: the THRE interrupt is raised, acknowledged by IIR, re-raised by THR") {
  Com1 c;
  c.linux_setup(0);
  CHECK(c.irq_edges.empty());
  c.write(kIer, kIerThrEmpty);
  CHECK(c.irq());
  CHECK(c.uart.peek(kIir) == 0xC2);  // peeking acknowledges nothing
  CHECK(c.read(kIir) == 0xC2);
  CHECK_FALSE(c.irq());
  CHECK(c.read(kIir) == 0xC1);
  // The byte leaves at once and the transmitter is empty again: a new THRE interrupt.
  c.write(kThr, 'x');
  CHECK(c.irq());
  CHECK(c.read(kIir) == 0xC2);
  CHECK(c.sent == "x");
  CHECK(c.irq_edges == std::vector<bool>{true, false, true, false});
}

TEST_CASE("Uart16550: Linux's THRE test sees THRE re-asserted when IER.THRI is set again") {
  Com1 c;
  c.linux_setup(0);
  c.write(kIer, kIerThrEmpty);
  const uint8_t iir1 = c.read(kIir);
  c.write(kIer, 0);
  c.write(kIer, kIerThrEmpty);
  const uint8_t iir2 = c.read(kIir);
  c.write(kIer, 0);
  CHECK(iir1 == 0xC2);
  CHECK(iir2 == 0xC2);  // a UART without this gets UART_BUG_THRE
}

TEST_CASE("Uart16550: the IRQ line is gated by OUT2 and held off in loopback") {
  Com1 c;
  c.write(kIer, kIerThrEmpty);
  CHECK(c.read(kIir) == 0x02);  // pending, without FIFOs bits 6-7 are 0
  c.write(kIer, 0);
  c.write(kIer, kIerThrEmpty);
  CHECK_FALSE(c.irq());  // OUT2 off: the PC's serial card does not drive IRQ 4
  c.write(kMcr, kMcrOut2);
  CHECK(c.irq());
  c.write(kMcr, kMcrOut2 | kMcrLoopback);
  CHECK_FALSE(c.irq());
  CHECK(c.uart.peek(kIir) == 0x02);  // the chip still has the interrupt pending
  c.write(kMcr, kMcrOut2);
  CHECK(c.irq());
}

TEST_CASE("Uart16550: RX FIFO trigger level, then the character timeout for the rest") {
  Com1 c;
  c.linux_setup(kIerRxData);
  c.uart.receive("1234567");
  CHECK(c.read(kLsr) == 0x61);  // data ready
  CHECK(c.read(kIir) == 0xC1);  // 7 bytes: below the trigger of 8
  CHECK_FALSE(c.irq());
  c.uart.receive('8');
  CHECK(c.read(kIir) == 0xC4);  // received data available
  CHECK(c.irq());
  CHECK(c.read(kRbr) == '1');
  CHECK(c.read(kIir) == 0xC1);  // 7 left: below the trigger again
  CHECK_FALSE(c.irq());

  // Four character times without a read or a new byte: timeout.
  const uint64_t four_chars = 4 * c.uart.character_time_ns();
  c.scheduler.advance_to(c.scheduler.now_ns() + four_chars - 1);
  CHECK(c.read(kIir) == 0xC1);
  c.scheduler.advance_to(c.scheduler.now_ns() + 1);
  CHECK(c.read(kIir) == 0xCC);
  CHECK(c.irq());
  // A read clears the timeout and restarts the count; the driver drains while DR is set.
  std::string got;
  while (c.read(kLsr) & kLsrDataReady) got += static_cast<char>(c.read(kRbr));
  CHECK(got == "2345678");
  CHECK(c.read(kIir) == 0xC1);
  CHECK(c.read(kLsr) == 0x60);
  CHECK_FALSE(c.irq());
  c.scheduler.advance_to(c.scheduler.now_ns() + 10 * four_chars);
  CHECK(c.read(kIir) == 0xC1);  // an empty FIFO never times out
}

TEST_CASE("Uart16550: the four FIFO trigger levels") {
  const std::pair<uint8_t, size_t> levels[] = {
      {kFcrTrigger1, 1}, {kFcrTrigger4, 4}, {kFcrTrigger8, 8}, {kFcrTrigger14, 14}};
  for (auto [bits, level] : levels) {
    CAPTURE(level);
    Com1 c;
    c.write(kFcr, kFcrEnable | bits);
    c.write(kIer, kIerRxData);
    for (size_t i = 1; i < level; ++i) c.uart.receive('a');
    CHECK(c.read(kIir) == 0xC1);
    c.uart.receive('a');
    CHECK(c.read(kIir) == 0xC4);
  }
}

TEST_CASE("Uart16550: host input waits while the receiver is full; nothing overruns") {
  Com1 c;
  c.write(kFcr, kFcrEnable);
  c.uart.receive(std::string(20, 'z'));
  CHECK(c.uart.input_queued() == 4);
  CHECK((c.read(kLsr) & kLsrOverrun) == 0);
  c.read(kRbr);
  CHECK(c.uart.input_queued() == 3);

  // With FIFOs off the receiver is one byte, the RBR.
  Com1 d;
  d.uart.receive("abc");
  CHECK(d.uart.input_queued() == 2);
  CHECK(d.read(kLsr) == 0x61);
  CHECK(d.read(kIir) == 0x01);  // ERBFI off
  d.write(kIer, kIerRxData);
  CHECK(d.read(kIir) == 0x04);  // 16450 mode: any byte is "data available"
  CHECK(d.read(kRbr) == 'a');
  CHECK(d.read(kRbr) == 'b');
  CHECK(d.read(kRbr) == 'c');
  CHECK(d.read(kLsr) == 0x60);
  CHECK(d.read(kRbr) == 'c');  // an empty receiver reads its last byte again
  CHECK(d.read(kIir) == 0x01);
}

TEST_CASE("Uart16550: loopback sends THR to RBR, overruns a full FIFO, and LSR clears OE") {
  Com1 c;
  c.write(kFcr, kFcrEnable);
  c.write(kIer, kIerLineStatus | kIerRxData);
  c.write(kMcr, kMcrLoopback);
  c.uart.receive('h');  // the line's bytes wait while the receiver listens to THR
  for (int i = 0; i < 16; ++i) c.write(kThr, static_cast<uint8_t>('a' + i));
  CHECK(c.sent.empty());
  CHECK(c.read(kIir) == 0xC4);
  c.write(kThr, '!');           // the 17th byte: overrun, and it is lost
  CHECK(c.read(kIir) == 0xC6);  // line status outranks received data
  CHECK(c.read(kLsr) == (0x60 | kLsrOverrun | kLsrDataReady));
  CHECK(c.read(kLsr) == 0x61);  // reading the LSR cleared OE
  CHECK(c.read(kIir) == 0xC4);
  std::string got;
  while (c.read(kLsr) & kLsrDataReady) got += static_cast<char>(c.read(kRbr));
  CHECK(got == "abcdefghijklmnop");
  // Leaving loopback connects the line again, and its byte arrives.
  c.write(kMcr, 0);
  CHECK(c.read(kRbr) == 'h');
}

TEST_CASE("Uart16550: modem status deltas, in loopback and from the host") {
  Com1 c;
  // Entering loopback disconnects the host's CTS, DSR and DCD: all three change.
  c.write(kMcr, kMcrLoopback);
  CHECK(c.read(kMsr) == (kMsrDeltaCts | kMsrDeltaDsr | kMsrDeltaDcd));
  CHECK(c.read(kMsr) == 0x00);  // reading cleared the deltas
  c.write(kMcr, kMcrLoopback | kMcrRts);
  CHECK(c.read(kMsr) == (kMsrCts | kMsrDeltaCts));
  c.write(kMcr, kMcrLoopback | kMcrOut1);  // RI on: no delta for a leading edge
  CHECK(c.read(kMsr) == (kMsrRi | kMsrDeltaCts));
  c.write(kMcr, kMcrLoopback);  // RI off: trailing edge
  CHECK(c.read(kMsr) == kMsrTrailingRi);
  c.write(kMcr, kMcrLoopback | kMcrDtr | kMcrOut2);
  CHECK(c.read(kMsr) == (kMsrDsr | kMsrDcd | kMsrDeltaDsr | kMsrDeltaDcd));

  // Out of loopback, the host's lines drive the modem status interrupt.
  Com1 d;
  d.write(kMcr, kMcrOut2);
  d.write(kIer, kIerModem);
  CHECK(d.read(kIir) == 0x01);
  d.uart.set_modem_inputs(kMsrDsr | kMsrDcd);  // the terminal drops CTS
  CHECK(d.irq());
  CHECK(d.read(kIir) == 0x00);  // modem status: bit 0 clear means pending
  CHECK(d.read(kMsr) == (kMsrDsr | kMsrDcd | kMsrDeltaCts));
  CHECK(d.read(kIir) == 0x01);
  CHECK_FALSE(d.irq());
}

TEST_CASE("Uart16550: interrupt priorities: line status, RX data, THRE, modem status") {
  Com1 c;
  c.write(kFcr, kFcrEnable);
  c.write(kIer, kIerMask);
  c.write(kMcr, kMcrLoopback | kMcrRts);  // a modem delta (CTS) ...
  // ... THRE from enabling ETBEI, then RX data and an overrun from 17 looped bytes.
  CHECK(c.read(kIir) == 0xC2);
  c.write(kIer, 0);
  c.write(kIer, kIerMask);
  for (int i = 0; i < 17; ++i) c.write(kThr, 'x');
  CHECK(c.read(kIir) == 0xC6);
  c.read(kLsr);
  CHECK(c.read(kIir) == 0xC4);
  while (c.read(kLsr) & kLsrDataReady) c.read(kRbr);
  CHECK(c.read(kIir) == 0xC2);  // THRE, acknowledged by this read
  CHECK(c.read(kIir) == 0xC0);  // modem status
  c.read(kMsr);
  CHECK(c.read(kIir) == 0xC1);
}

TEST_CASE("Uart16550: FCR clears the FIFOs; switching FIFO mode empties them") {
  Com1 c;
  c.write(kFcr, kFcrEnable);
  c.write(kMcr, kMcrLoopback);
  c.write(kThr, 'a');
  c.write(kThr, 'b');
  CHECK((c.read(kLsr) & kLsrDataReady) != 0);
  c.write(kFcr, kFcrEnable | kFcrClearRx | kFcrClearTx);
  CHECK(c.read(kLsr) == 0x60);
  CHECK(c.read(kIir) == 0xC1);  // the FIFOs stay enabled; the clear bits self-clear
  c.write(kThr, 'c');
  c.write(kFcr, 0);
  CHECK(c.read(kLsr) == 0x60);
  CHECK(c.read(kIir) == 0x01);
}

TEST_CASE("Uart16550: COM1-COM4 live side by side on one bus and one scheduler") {
  IoBus bus;
  Scheduler scheduler;
  Uart16550 com1(bus, scheduler, Uart16550::kCom1Port);
  Uart16550 com2(bus, scheduler, Uart16550::kCom2Port);
  Uart16550 com3(bus, scheduler, Uart16550::kCom3Port);
  Uart16550 com4(bus, scheduler, Uart16550::kCom4Port);
  std::string out2, out4;
  com2.set_transmit_sink([&](uint8_t b) { out2 += static_cast<char>(b); });
  com4.set_transmit_sink([&](uint8_t b) { out4 += static_cast<char>(b); });
  bus.out(0x2F8, 1, '2');
  bus.out(0x2E8, 1, '4');
  bus.out(0x3EF, 1, 0x33);  // COM3's scratch register
  CHECK(out2 == "2");
  CHECK(out4 == "4");
  CHECK(bus.in(0x3EF, 1) == 0x33);
  CHECK(bus.in(0x3FF, 1) == 0x00);
  CHECK(bus.owner(0x2FD) == "uart-2f8");
  CHECK(bus.in(0x2F0, 1) == 0xFF);  // below COM2: nobody
}

TEST_CASE("Uart16550: reset() empties the FIFOs and keeps the divisor and scratch") {
  Com1 c;
  c.write(kLcr, kLcrDlab);
  c.write(kDll, 3);
  c.write(kLcr, 0x03);
  c.write(kScr, 0x42);
  c.write(kFcr, kFcrEnable);
  c.write(kIer, kIerRxData);
  c.uart.receive("abc");
  c.uart.reset();
  CHECK(c.read(kLsr) == 0x60);
  CHECK(c.read(kIir) == 0x01);
  CHECK(c.read(kIer) == 0x00);
  CHECK(c.read(kScr) == 0x42);
  c.write(kLcr, kLcrDlab);
  CHECK(c.read(kDll) == 3);
}
