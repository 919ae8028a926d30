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
  uint8_t in(uint16_t reg) { return static_cast<uint8_t>(bus.in(0x3F8 + reg, 1)); }
  void out(uint16_t reg, uint8_t value) { bus.out(0x3F8 + reg, 1, value); }
  bool irq() { return uart.irq().level(); }
  // What Linux's serial8250_do_set_termios leaves: 115200 8N1, FIFOs on with an 8-byte
  // trigger, DTR/RTS/OUT2 up.
  void linux_setup(uint8_t ier) {
    out(kLcr, kLcrDlab | 0x03);
    out(kDll, 1);
    out(kDlm, 0);
    out(kLcr, 0x03);
    out(kFcr, kFcrEnable | kFcrTrigger8);
    out(kMcr, kMcrDtr | kMcrRts | kMcrOut2);
    out(kIer, ier);
  }
};

}  // namespace

TEST_CASE("Uart16550: reset values") {
  Com1 c;
  CHECK(c.in(kIer) == 0x00);
  CHECK(c.in(kIir) == 0x01);  // no interrupt, FIFOs off
  CHECK(c.in(kLcr) == 0x00);
  CHECK(c.in(kMcr) == 0x00);
  CHECK(c.in(kLsr) == 0x60);  // THRE and TEMT: the transmitter is idle
  // The host end is a connected terminal: CTS, DSR and DCD on, nothing changed yet.
  CHECK(c.in(kMsr) == 0xB0);
  CHECK_FALSE(c.irq());
}

TEST_CASE("Uart16550: SeaBIOS's detection (enable THRE, see it in the IIR)") {
  Com1 c;
  c.out(kIer, kIerThrEmpty);
  CHECK(c.in(kIer) == 0x02);
  CHECK((c.in(kIir) & 0x3F) == 0x02);  // THR empty; reading the IIR acknowledges it
  CHECK(c.in(kIir) == 0x01);
  c.out(kIer, 0);
  CHECK(c.in(kIer) == 0x00);
}

TEST_CASE("Uart16550: the scratch register holds what is written (8250 vs 16450 probe)") {
  Com1 c;
  c.out(kScr, 0xA5);
  CHECK(c.in(kScr) == 0xA5);
  c.out(kScr, 0x5A);
  CHECK(c.in(kScr) == 0x5A);
}

TEST_CASE("Uart16550: Linux 8250 autoconfig identifies a 16550A") {
  Com1 c;
  // IER probe: the four enable bits stick, nothing else does.
  c.out(kIer, 0);
  CHECK((c.in(kIer) & 0x0F) == 0x00);
  c.out(kIer, 0x0F);
  CHECK((c.in(kIer) & 0x0F) == 0x0F);
  c.out(kIer, 0xFF);
  CHECK(c.in(kIer) == 0x0F);
  c.out(kIer, 0);

  // Loopback test: RTS and OUT2 come back as CTS and DCD.
  c.out(kMcr, kMcrLoopback | kMcrRts | kMcrOut2);
  CHECK((c.in(kMsr) & 0xF0) == 0x90);
  c.out(kMcr, 0);

  // EFR probe (LCR 0xBF) finds nothing; enabling the FIFOs shows 11 in IIR bits 6-7.
  c.out(kLcr, 0xBF);
  c.out(kFcr, 0);
  c.out(kLcr, 0);
  c.out(kFcr, kFcrEnable);
  CHECK((c.in(kIir) >> 6) == 3);
  CHECK(c.in(kIir) == 0xC1);

  // autoconfig_16550a: no EFR behind LCR 0x80 or 0xBF (the IIR is never 0 there) ...
  c.out(kLcr, 0x80);
  CHECK(c.in(kIir) != 0);
  c.out(kLcr, 0xBF);
  CHECK(c.in(kIir) != 0);
  // ... no 64-byte FIFO (IIR bit 5 stays 0, with or without DLAB) ...
  c.out(kLcr, 0);
  c.out(kFcr, kFcrEnable | 0x20);
  CHECK((c.in(kIir) >> 5) == 6);
  c.out(kFcr, kFcrEnable);
  c.out(kLcr, 0x80);
  c.out(kFcr, kFcrEnable | 0x20);
  CHECK((c.in(kIir) >> 5) == 6);
  c.out(kFcr, kFcrEnable);
  c.out(kLcr, 0);
  // ... and no XScale UUE bit in the IER.
  c.out(kIer, 0x40);
  CHECK(c.in(kIer) == 0x00);
}

TEST_CASE("Uart16550: the divisor latch and the line format set the character time") {
  Com1 c;
  c.out(kLcr, kLcrDlab | 0x03);
  c.out(kDll, 12);
  c.out(kDlm, 0);
  CHECK(c.in(kDll) == 12);
  CHECK(c.in(kDlm) == 0);
  c.out(kLcr, 0x03);  // 8N1
  CHECK(c.in(kLcr) == 0x03);
  CHECK(c.in(kIer) == 0x00);  // offset 1 is the IER again
  // 9600 baud, 10 bits a character.
  CHECK(c.uart.character_time_ns() == 1'041'666);

  c.out(kLcr, kLcrDlab);
  c.out(kDll, 1);
  c.out(kLcr, 0x03 | kLcrParity | kLcrStopBits);  // 8E2 at 115200: 12 bits
  CHECK(c.uart.character_time_ns() == 104'166);
  c.out(kLcr, 0x00 | kLcrStopBits);  // 5 data bits and 1.5 stop bits: 7.5 bits
  CHECK(c.uart.character_time_ns() == 65'104);
}

TEST_CASE("Uart16550: polled transmit (a console write) leaves THRE and TEMT set") {
  Com1 c;
  c.linux_setup(0);
  for (char ch : std::string("ok\n")) {
    CHECK((c.in(kLsr) & kLsrThrEmpty) != 0);
    c.out(kThr, static_cast<uint8_t>(ch));
  }
  CHECK(c.sent == "ok\n");
  CHECK(c.in(kLsr) == 0x60);
  CHECK_FALSE(c.irq());
}

TEST_CASE("Uart16550: the THRE interrupt is raised, acknowledged by IIR, re-raised by THR") {
  Com1 c;
  c.linux_setup(0);
  CHECK(c.irq_edges.empty());
  c.out(kIer, kIerThrEmpty);
  CHECK(c.irq());
  CHECK(c.uart.peek(kIir) == 0xC2);  // peeking acknowledges nothing
  CHECK(c.in(kIir) == 0xC2);
  CHECK_FALSE(c.irq());
  CHECK(c.in(kIir) == 0xC1);
  // The byte leaves at once and the transmitter is empty again: a new THRE interrupt.
  c.out(kThr, 'x');
  CHECK(c.irq());
  CHECK(c.in(kIir) == 0xC2);
  CHECK(c.sent == "x");
  CHECK(c.irq_edges == std::vector<bool>{true, false, true, false});
}

TEST_CASE("Uart16550: Linux's THRE test sees THRE re-asserted when IER.THRI is set again") {
  Com1 c;
  c.linux_setup(0);
  c.out(kIer, kIerThrEmpty);
  const uint8_t iir1 = c.in(kIir);
  c.out(kIer, 0);
  c.out(kIer, kIerThrEmpty);
  const uint8_t iir2 = c.in(kIir);
  c.out(kIer, 0);
  CHECK(iir1 == 0xC2);
  CHECK(iir2 == 0xC2);  // a UART without this gets UART_BUG_THRE
}

TEST_CASE("Uart16550: the IRQ line is gated by OUT2 and held off in loopback") {
  Com1 c;
  c.out(kIer, kIerThrEmpty);
  CHECK(c.in(kIir) == 0x02);  // pending, without FIFOs bits 6-7 are 0
  c.out(kIer, 0);
  c.out(kIer, kIerThrEmpty);
  CHECK_FALSE(c.irq());  // OUT2 off: the PC's serial card does not drive IRQ 4
  c.out(kMcr, kMcrOut2);
  CHECK(c.irq());
  c.out(kMcr, kMcrOut2 | kMcrLoopback);
  CHECK_FALSE(c.irq());
  CHECK(c.uart.peek(kIir) == 0x02);  // the chip still has the interrupt pending
  c.out(kMcr, kMcrOut2);
  CHECK(c.irq());
}

TEST_CASE("Uart16550: RX FIFO trigger level, then the character timeout for the rest") {
  Com1 c;
  c.linux_setup(kIerRxData);
  c.uart.receive("1234567");
  CHECK(c.in(kLsr) == 0x61);  // data ready
  CHECK(c.in(kIir) == 0xC1);  // 7 bytes: below the trigger of 8
  CHECK_FALSE(c.irq());
  c.uart.receive('8');
  CHECK(c.in(kIir) == 0xC4);  // received data available
  CHECK(c.irq());
  CHECK(c.in(kRbr) == '1');
  CHECK(c.in(kIir) == 0xC1);  // 7 left: below the trigger again
  CHECK_FALSE(c.irq());

  // Four character times without a read or a new byte: timeout.
  const uint64_t four_chars = 4 * c.uart.character_time_ns();
  c.scheduler.advance_to(c.scheduler.now_ns() + four_chars - 1);
  CHECK(c.in(kIir) == 0xC1);
  c.scheduler.advance_to(c.scheduler.now_ns() + 1);
  CHECK(c.in(kIir) == 0xCC);
  CHECK(c.irq());
  // A read clears the timeout and restarts the count; the driver drains while DR is set.
  std::string got;
  while (c.in(kLsr) & kLsrDataReady) got += static_cast<char>(c.in(kRbr));
  CHECK(got == "2345678");
  CHECK(c.in(kIir) == 0xC1);
  CHECK(c.in(kLsr) == 0x60);
  CHECK_FALSE(c.irq());
  c.scheduler.advance_to(c.scheduler.now_ns() + 10 * four_chars);
  CHECK(c.in(kIir) == 0xC1);  // an empty FIFO never times out
}

TEST_CASE("Uart16550: the four FIFO trigger levels") {
  const std::pair<uint8_t, size_t> levels[] = {
      {kFcrTrigger1, 1}, {kFcrTrigger4, 4}, {kFcrTrigger8, 8}, {kFcrTrigger14, 14}};
  for (auto [bits, level] : levels) {
    CAPTURE(level);
    Com1 c;
    c.out(kFcr, kFcrEnable | bits);
    c.out(kIer, kIerRxData);
    for (size_t i = 1; i < level; ++i) c.uart.receive('a');
    CHECK(c.in(kIir) == 0xC1);
    c.uart.receive('a');
    CHECK(c.in(kIir) == 0xC4);
  }
}

TEST_CASE("Uart16550: host input waits while the receiver is full; nothing overruns") {
  Com1 c;
  c.out(kFcr, kFcrEnable);
  c.uart.receive(std::string(20, 'z'));
  CHECK(c.uart.input_queued() == 4);
  CHECK((c.in(kLsr) & kLsrOverrun) == 0);
  c.in(kRbr);
  CHECK(c.uart.input_queued() == 3);

  // With FIFOs off the receiver is one byte, the RBR.
  Com1 d;
  d.uart.receive("abc");
  CHECK(d.uart.input_queued() == 2);
  CHECK(d.in(kLsr) == 0x61);
  CHECK(d.in(kIir) == 0x01);  // ERBFI off
  d.out(kIer, kIerRxData);
  CHECK(d.in(kIir) == 0x04);  // 16450 mode: any byte is "data available"
  CHECK(d.in(kRbr) == 'a');
  CHECK(d.in(kRbr) == 'b');
  CHECK(d.in(kRbr) == 'c');
  CHECK(d.in(kLsr) == 0x60);
  CHECK(d.in(kRbr) == 'c');  // an empty receiver reads its last byte again
  CHECK(d.in(kIir) == 0x01);
}

TEST_CASE("Uart16550: loopback sends THR to RBR, overruns a full FIFO, and LSR clears OE") {
  Com1 c;
  c.out(kFcr, kFcrEnable);
  c.out(kIer, kIerLineStatus | kIerRxData);
  c.out(kMcr, kMcrLoopback);
  c.uart.receive('h');  // the line's bytes wait while the receiver listens to THR
  for (int i = 0; i < 16; ++i) c.out(kThr, static_cast<uint8_t>('a' + i));
  CHECK(c.sent.empty());
  CHECK(c.in(kIir) == 0xC4);
  c.out(kThr, '!');  // the 17th byte: overrun, and it is lost
  CHECK(c.in(kIir) == 0xC6);  // line status outranks received data
  CHECK(c.in(kLsr) == (0x60 | kLsrOverrun | kLsrDataReady));
  CHECK(c.in(kLsr) == 0x61);  // reading the LSR cleared OE
  CHECK(c.in(kIir) == 0xC4);
  std::string got;
  while (c.in(kLsr) & kLsrDataReady) got += static_cast<char>(c.in(kRbr));
  CHECK(got == "abcdefghijklmnop");
  // Leaving loopback connects the line again, and its byte arrives.
  c.out(kMcr, 0);
  CHECK(c.in(kRbr) == 'h');
}

TEST_CASE("Uart16550: modem status deltas, in loopback and from the host") {
  Com1 c;
  // Entering loopback disconnects the host's CTS, DSR and DCD: all three change.
  c.out(kMcr, kMcrLoopback);
  CHECK(c.in(kMsr) == (kMsrDeltaCts | kMsrDeltaDsr | kMsrDeltaDcd));
  CHECK(c.in(kMsr) == 0x00);  // reading cleared the deltas
  c.out(kMcr, kMcrLoopback | kMcrRts);
  CHECK(c.in(kMsr) == (kMsrCts | kMsrDeltaCts));
  c.out(kMcr, kMcrLoopback | kMcrOut1);  // RI on: no delta for a leading edge
  CHECK(c.in(kMsr) == (kMsrRi | kMsrDeltaCts));
  c.out(kMcr, kMcrLoopback);  // RI off: trailing edge
  CHECK(c.in(kMsr) == kMsrTrailingRi);
  c.out(kMcr, kMcrLoopback | kMcrDtr | kMcrOut2);
  CHECK(c.in(kMsr) == (kMsrDsr | kMsrDcd | kMsrDeltaDsr | kMsrDeltaDcd));

  // Out of loopback, the host's lines drive the modem status interrupt.
  Com1 d;
  d.out(kMcr, kMcrOut2);
  d.out(kIer, kIerModem);
  CHECK(d.in(kIir) == 0x01);
  d.uart.set_modem_inputs(kMsrDsr | kMsrDcd);  // the terminal drops CTS
  CHECK(d.irq());
  CHECK(d.in(kIir) == 0x00);  // modem status: bit 0 clear means pending
  CHECK(d.in(kMsr) == (kMsrDsr | kMsrDcd | kMsrDeltaCts));
  CHECK(d.in(kIir) == 0x01);
  CHECK_FALSE(d.irq());
}

TEST_CASE("Uart16550: interrupt priorities: line status, RX data, THRE, modem status") {
  Com1 c;
  c.out(kFcr, kFcrEnable);
  c.out(kIer, kIerMask);
  c.out(kMcr, kMcrLoopback | kMcrRts);  // a modem delta (CTS) ...
  // ... THRE from enabling ETBEI, then RX data and an overrun from 17 looped bytes.
  CHECK(c.in(kIir) == 0xC2);
  c.out(kIer, 0);
  c.out(kIer, kIerMask);
  for (int i = 0; i < 17; ++i) c.out(kThr, 'x');
  CHECK(c.in(kIir) == 0xC6);
  c.in(kLsr);
  CHECK(c.in(kIir) == 0xC4);
  while (c.in(kLsr) & kLsrDataReady) c.in(kRbr);
  CHECK(c.in(kIir) == 0xC2);  // THRE, acknowledged by this read
  CHECK(c.in(kIir) == 0xC0);  // modem status
  c.in(kMsr);
  CHECK(c.in(kIir) == 0xC1);
}

TEST_CASE("Uart16550: FCR clears the FIFOs; switching FIFO mode empties them") {
  Com1 c;
  c.out(kFcr, kFcrEnable);
  c.out(kMcr, kMcrLoopback);
  c.out(kThr, 'a');
  c.out(kThr, 'b');
  CHECK((c.in(kLsr) & kLsrDataReady) != 0);
  c.out(kFcr, kFcrEnable | kFcrClearRx | kFcrClearTx);
  CHECK(c.in(kLsr) == 0x60);
  CHECK(c.in(kIir) == 0xC1);  // the FIFOs stay enabled; the clear bits self-clear
  c.out(kThr, 'c');
  c.out(kFcr, 0);
  CHECK(c.in(kLsr) == 0x60);
  CHECK(c.in(kIir) == 0x01);
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
  c.out(kLcr, kLcrDlab);
  c.out(kDll, 3);
  c.out(kLcr, 0x03);
  c.out(kScr, 0x42);
  c.out(kFcr, kFcrEnable);
  c.out(kIer, kIerRxData);
  c.uart.receive("abc");
  c.uart.reset();
  CHECK(c.in(kLsr) == 0x60);
  CHECK(c.in(kIir) == 0x01);
  CHECK(c.in(kIer) == 0x00);
  CHECK(c.in(kScr) == 0x42);
  c.out(kLcr, kLcrDlab);
  CHECK(c.in(kDll) == 3);
}
