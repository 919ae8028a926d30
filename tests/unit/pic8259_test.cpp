// The 8259A pair programmed as SeaBIOS (src/hw/pic.c) and Linux (arch/x86/kernel/i8259.c)
// program it, with the interrupt lines and acknowledge cycles of a running PC. Each step
// checks what a driver would read and what the CPU would see on INTR.
#include "devices/pic8259.h"

#include <doctest/doctest.h>

#include <stdexcept>

#include "devices/io_bus.h"
#include "devices/irq_line.h"

using namespace trapeze;

namespace {

struct Pics {
  IoBus bus;
  Pic8259 pic{bus};
  IrqLine lines[16];

  Pics() {
    for (unsigned irq = 0; irq < 16; ++irq)
      if (irq != 2) lines[irq].connect(pic.input(irq));
  }
  uint8_t in(uint16_t port) { return static_cast<uint8_t>(bus.in(port, 1)); }
  void out(uint16_t port, uint8_t value) { bus.out(port, 1, value); }

  // SeaBIOS pic_reset(0x08, 0x70) followed by pic_irqmask_write(PIC_IRQMASK_DEFAULT).
  void seabios_init() {
    out(0x20, 0x11);
    out(0xA0, 0x11);
    out(0x21, 0x08);
    out(0xA1, 0x70);
    out(0x21, 0x04);
    out(0xA1, 0x02);
    out(0x21, 0x01);
    out(0xA1, 0x01);
    out(0x21, 0xFB);  // everything masked but the cascade
    out(0xA1, 0xFF);
  }
  // Linux init_8259A(auto_eoi) with ISA_IRQ_VECTOR(0) = 0x30, then the masks restored
  // to `master_mask`/`slave_mask`.
  void linux_init(bool auto_eoi, uint8_t master_mask, uint8_t slave_mask) {
    out(0x21, 0xFF);
    out(0x20, 0x11);
    out(0x21, 0x30);
    out(0x21, 1 << 2);
    out(0x21, auto_eoi ? 0x03 : 0x01);
    out(0xA0, 0x11);
    out(0xA1, 0x38);
    out(0xA1, 2);
    out(0xA1, 0x01);
    out(0x21, master_mask);
    out(0xA1, slave_mask);
  }
  uint8_t read_isr(uint16_t command_port) {
    out(command_port, 0x0B);
    const uint8_t isr = in(command_port);
    out(command_port, 0x0A);
    return isr;
  }
  uint8_t read_irr(uint16_t command_port) {
    out(command_port, 0x0A);
    return in(command_port);
  }
  bool intr() const { return pic.interrupt_pending(); }
  uint8_t inta() { return pic.acknowledge_interrupt(); }
};

}  // namespace

TEST_CASE("Pic8259: SeaBIOS initialisation leaves vectors 08h/70h and all but IRQ 2 masked") {
  Pics p;
  p.seabios_init();
  CHECK(p.pic.master().initialised());
  CHECK(p.pic.slave().initialised());
  CHECK(p.pic.master().vector_base() == 0x08);
  CHECK(p.pic.slave().vector_base() == 0x70);
  CHECK(p.pic.master().is_cascade_input(2));
  CHECK(p.pic.slave().slave_id() == 2);
  CHECK(p.in(0x21) == 0xFB);
  CHECK(p.in(0xA1) == 0xFF);
  CHECK(p.read_irr(0x20) == 0x00);
  CHECK(p.read_isr(0x20) == 0x00);
  CHECK_FALSE(p.intr());
  CHECK(p.pic.imr() == 0xFFFB);
}

TEST_CASE("Pic8259: Linux probe_8259A sees the mask register hold 0xa5") {
  Pics p;
  p.out(0xA1, 0xFF);
  p.out(0x21, 0xA5);
  CHECK(p.in(0x21) == 0xA5);
}

TEST_CASE("Pic8259: the timer interrupt as SeaBIOS takes it (edge, ack, non-specific EOI)") {
  Pics p;
  p.seabios_init();
  p.out(0x21, 0xFA);  // enable_hwirq(0)
  p.lines[0].raise();
  CHECK(p.intr());
  CHECK(p.read_irr(0x20) == 0x01);
  CHECK(p.inta() == 0x08);
  CHECK_FALSE(p.intr());
  CHECK(p.read_isr(0x20) == 0x01);
  CHECK(p.read_irr(0x20) == 0x00);  // the edge was consumed
  p.out(0x20, 0x20);                // pic_eoi1: non-specific EOI
  CHECK(p.read_isr(0x20) == 0x00);
  // The line is still high: an edge input needs a new rising edge.
  CHECK_FALSE(p.intr());
  p.lines[0].lower();
  p.lines[0].raise();
  CHECK(p.intr());
  CHECK(p.inta() == 0x08);
}

TEST_CASE("Pic8259: a masked request waits in the IRR until unmasked") {
  Pics p;
  p.seabios_init();
  p.lines[1].pulse();  // the keyboard, still masked
  CHECK_FALSE(p.intr());
  CHECK(p.read_irr(0x20) == 0x02);
  p.out(0x21, 0xF9);
  CHECK(p.intr());
  CHECK(p.inta() == 0x09);
  // Masking again after the acknowledge does not matter to the ISR.
  p.out(0x21, 0xFB);
  CHECK(p.read_isr(0x20) == 0x02);
  p.out(0x20, 0x61);  // specific EOI for IR1
  CHECK(p.read_isr(0x20) == 0x00);
}

TEST_CASE("Pic8259: fully nested priorities: higher levels preempt, lower ones wait") {
  Pics p;
  p.linux_init(false, 0x00, 0x00);
  p.lines[1].pulse();
  CHECK(p.inta() == 0x31);
  // IRQ 3 is below IRQ 1 in service: held off.
  p.lines[3].pulse();
  CHECK_FALSE(p.intr());
  // IRQ 0 is above: it nests.
  p.lines[0].pulse();
  CHECK(p.intr());
  CHECK(p.inta() == 0x30);
  CHECK(p.read_isr(0x20) == 0x03);
  p.out(0x20, 0x20);  // non-specific EOI ends the highest: IRQ 0
  CHECK(p.read_isr(0x20) == 0x02);
  CHECK_FALSE(p.intr());
  p.out(0x20, 0x20);  // IRQ 1
  CHECK(p.intr());
  CHECK(p.inta() == 0x33);
}

TEST_CASE("Pic8259: Linux's cascade acknowledge and EOI of a slave interrupt (RTC, IRQ 8)") {
  Pics p;
  p.linux_init(false, 0xFB, 0xFE);
  p.lines[8].raise();
  CHECK(p.intr());
  CHECK(p.read_irr(0xA0) == 0x01);
  CHECK(p.read_irr(0x20) == 0x04);  // the slave's INT on master IR2
  CHECK(p.inta() == 0x38);
  CHECK(p.read_isr(0xA0) == 0x01);
  CHECK(p.read_isr(0x20) == 0x04);
  CHECK_FALSE(p.intr());
  // mask_and_ack_8259A: specific EOI to the slave, then to the master's cascade input.
  p.out(0xA0, 0x60 + 0);
  p.out(0x20, 0x60 + 2);
  CHECK(p.pic.isr() == 0);
  p.lines[8].lower();
  CHECK_FALSE(p.intr());
}

TEST_CASE("Pic8259: a second slave request pending behind the first is not lost") {
  Pics p;
  p.linux_init(false, 0xFB, 0x00);
  p.lines[12].pulse();  // the mouse
  p.lines[14].pulse();  // the IDE channel
  CHECK(p.inta() == 0x3C);
  CHECK_FALSE(p.intr());  // IRQ 14 is below IRQ 12, and IR2 is in service on the master
  p.out(0xA0, 0x20);
  p.out(0x20, 0x20);
  CHECK(p.intr());
  CHECK(p.inta() == 0x3E);
}

TEST_CASE("Pic8259: level-triggered inputs (ELCR) re-trigger after EOI while the line is high") {
  Pics p;
  p.linux_init(false, 0xFB, 0x00);
  p.pic.set_level_triggered(0x0C00);  // PIIX3 ELCR as QEMU sets it: IRQ 10 and 11
  CHECK(p.pic.slave().level_triggered(2));
  CHECK_FALSE(p.pic.slave().level_triggered(0));

  p.lines[11].raise();
  CHECK(p.inta() == 0x3B);
  p.out(0xA0, 0x20);
  p.out(0x20, 0x20);
  // The device has not been serviced: the line is still high, so it interrupts again.
  CHECK(p.intr());
  CHECK(p.inta() == 0x3B);
  // The handler clears the device, then EOIs: no more interrupts.
  p.lines[11].lower();
  p.out(0xA0, 0x20);
  p.out(0x20, 0x20);
  CHECK_FALSE(p.intr());
  CHECK(p.pic.irr() == 0);

  // An edge input with its line left high does not re-trigger.
  p.lines[9].raise();
  CHECK(p.inta() == 0x39);
  p.out(0xA0, 0x20);
  p.out(0x20, 0x20);
  CHECK_FALSE(p.intr());
}

TEST_CASE("Pic8259: ICW1 LTIM makes every input level-triggered") {
  Pics p;
  p.out(0x20, 0x19);  // ICW1 with LTIM
  p.out(0x21, 0x20);
  p.out(0x21, 0x04);
  p.out(0x21, 0x01);
  CHECK(p.pic.master().level_triggered(5));
  p.lines[5].raise();
  CHECK(p.intr());
  p.lines[5].lower();
  CHECK_FALSE(p.intr());
}

TEST_CASE("Pic8259: a level request that vanishes before INTA is a spurious IRQ 7") {
  Pics p;
  p.linux_init(false, 0x00, 0x00);
  p.pic.set_level_triggered(0x0020);
  p.lines[5].raise();
  CHECK(p.intr());
  p.lines[5].lower();
  // The CPU had already seen INTR; the acknowledge finds nothing.
  CHECK(p.inta() == 0x37);
  CHECK(p.read_isr(0x20) == 0x00);  // Linux checks this to call it spurious
}

TEST_CASE(
    "Pic8259: a slave request that vanishes gives spurious IRQ 15 with master IR2 in service") {
  Pics p;
  p.linux_init(false, 0xFB, 0x00);
  p.pic.set_level_triggered(0x0400);
  p.lines[10].raise();
  CHECK(p.intr());
  p.lines[10].lower();
  // The master latched the slave's INT edge on IR2 and still requests.
  CHECK(p.intr());
  CHECK(p.inta() == 0x3F);
  CHECK(p.read_isr(0xA0) == 0x00);
  CHECK(p.read_isr(0x20) == 0x04);  // Linux EOIs the master only
  p.out(0x20, 0x62);
  CHECK(p.pic.isr() == 0);
  CHECK_FALSE(p.intr());
}

TEST_CASE("Pic8259: automatic EOI (Linux auto_eoi) leaves nothing in service") {
  Pics p;
  p.linux_init(true, 0x00, 0xFF);
  CHECK(p.pic.master().auto_eoi());
  p.lines[1].pulse();
  CHECK(p.inta() == 0x31);
  CHECK(p.read_isr(0x20) == 0x00);
  // Nothing blocks a lower level any more.
  p.lines[4].pulse();
  CHECK(p.intr());
  CHECK(p.inta() == 0x34);
}

TEST_CASE("Pic8259: rotate in AEOI mode makes each serviced level the lowest") {
  Pics p;
  p.linux_init(true, 0x00, 0xFF);
  p.out(0x20, 0x80);  // OCW2: rotate in automatic EOI mode (set)
  p.lines[0].pulse();
  p.lines[1].pulse();
  CHECK(p.inta() == 0x30);
  CHECK(p.pic.master().lowest_priority() == 0);
  p.lines[0].lower();
  p.lines[0].raise();
  // IRQ 1 is now the highest priority, IRQ 0 the lowest.
  CHECK(p.inta() == 0x31);
  CHECK(p.inta() == 0x30);
  p.out(0x20, 0x00);  // rotate in AEOI (clear)
  p.lines[3].pulse();
  p.lines[0].lower();
  p.lines[0].raise();
  // IR0 is still the lowest level, so IR3 goes first, and nothing rotates any more.
  CHECK(p.inta() == 0x33);
  CHECK(p.pic.master().lowest_priority() == 0);
  CHECK(p.inta() == 0x30);
  CHECK(p.pic.master().lowest_priority() == 0);
}

TEST_CASE("Pic8259: rotate on non-specific EOI, rotate on specific EOI, set priority") {
  Pics p;
  p.linux_init(false, 0x00, 0xFF);
  p.lines[3].pulse();
  CHECK(p.inta() == 0x33);
  p.out(0x20, 0xA0);  // rotate on non-specific EOI: IR3 becomes the lowest
  CHECK(p.pic.master().lowest_priority() == 3);
  CHECK(p.read_isr(0x20) == 0x00);
  p.lines[1].pulse();
  p.lines[5].pulse();
  CHECK(p.inta() == 0x35);  // IR4 is highest now, then 5, 6, 7, 0, 1
  p.out(0x20, 0xE5);        // rotate on specific EOI for IR5
  CHECK(p.pic.master().lowest_priority() == 5);
  CHECK(p.inta() == 0x31);
  p.out(0x20, 0x61);
  p.out(0x20, 0xC7);  // set priority: IR7 lowest, the power-on order
  CHECK(p.pic.master().lowest_priority() == 7);
  p.lines[6].pulse();
  p.lines[4].pulse();
  CHECK(p.inta() == 0x34);
}

TEST_CASE("Pic8259: special mask mode lets lower levels in while a level is in service") {
  Pics p;
  p.linux_init(false, 0x00, 0xFF);
  p.lines[1].pulse();
  CHECK(p.inta() == 0x31);
  p.lines[4].pulse();
  CHECK_FALSE(p.intr());  // fully nested: IR4 waits for IR1's EOI
  p.out(0x20, 0x68);      // OCW3: set special mask
  p.out(0x21, 0x02);      // mask the level in service
  CHECK(p.pic.master().special_mask_mode());
  CHECK(p.intr());
  CHECK(p.inta() == 0x34);
  CHECK(p.read_isr(0x20) == 0x12);
  p.out(0x20, 0x64);  // specific EOIs, as special mask mode needs
  p.out(0x20, 0x48);  // OCW3: reset special mask
  p.out(0x21, 0x00);
  CHECK_FALSE(p.pic.master().special_mask_mode());
  p.lines[4].pulse();
  CHECK_FALSE(p.intr());  // fully nested again: IR1 is still in service
  p.out(0x20, 0x61);
  CHECK(p.intr());
}

TEST_CASE("Pic8259: special fully nested mode passes a slave's higher request to the CPU") {
  for (const bool sfnm : {false, true}) {
    CAPTURE(sfnm);
    Pics p;
    p.linux_init(false, 0x00, 0x00);
    if (sfnm) {  // re-initialise the master with ICW4 SFNM
      p.out(0x20, 0x11);
      p.out(0x21, 0x30);
      p.out(0x21, 0x04);
      p.out(0x21, 0x11);
      p.out(0x21, 0x00);
    }
    p.lines[12].pulse();
    CHECK(p.inta() == 0x3C);
    p.lines[8].pulse();  // higher than IRQ 12 within the slave
    CHECK(p.intr() == sfnm);
  }
}

TEST_CASE("Pic8259: poll mode turns the next read into an acknowledge") {
  Pics p;
  p.linux_init(false, 0x00, 0xFF);
  p.out(0x20, 0x0C);                // OCW3: poll
  CHECK(p.pic.peek(0x20) == 0x00);  // peeking does not use up the poll
  CHECK(p.in(0x20) == 0x00);        // nothing requesting
  p.lines[6].pulse();
  p.out(0x20, 0x0C);
  CHECK(p.pic.peek(0x20) == 0x86);
  CHECK(p.pic.peek(0x21) == 0x86);
  CHECK(p.in(0x20) == 0x86);
  CHECK_FALSE(p.intr());
  CHECK(p.read_isr(0x20) == 0x40);
  CHECK(p.in(0x21) == 0x00);  // poll is one-shot: the data port reads the IMR again
}

TEST_CASE("Pic8259: OCW3 read select persists until changed") {
  Pics p;
  p.linux_init(false, 0xFF, 0xFF);
  p.lines[3].pulse();
  p.out(0x20, 0x0B);
  CHECK(p.in(0x20) == 0x00);
  CHECK(p.in(0x20) == 0x00);
  p.out(0x20, 0x08);  // OCW3 with RR=0: no change
  CHECK(p.in(0x20) == 0x00);
  p.out(0x20, 0x0A);
  CHECK(p.in(0x20) == 0x08);
  CHECK(p.in(0x20) == 0x08);
}

TEST_CASE("Pic8259: ICW1 resets the edge sense: a line already high must fall and rise again") {
  Pics p;
  p.lines[1].raise();
  p.linux_init(false, 0x00, 0x00);
  CHECK_FALSE(p.intr());
  p.lines[1].lower();
  p.lines[1].raise();
  CHECK(p.intr());
}

TEST_CASE("Pic8259: ISA IRQ 2 is ignored and a reset clears everything but the lines") {
  Pics p;
  p.linux_init(false, 0x00, 0x00);
  IrqLine irq2;
  irq2.connect(p.pic.input(2));
  irq2.raise();
  CHECK_FALSE(p.intr());
  p.pic.set_level_triggered(0x0800);
  p.lines[11].raise();
  CHECK(p.intr());
  p.pic.reset();
  CHECK(p.pic.imr() == 0);
  CHECK(p.pic.isr() == 0);
  // The level input still requests. The master's IR2 saw no new edge: the slave's INT
  // never fell.
  CHECK(p.pic.irr() == 0x0800);
  CHECK_THROWS_AS(p.pic.input(16), std::invalid_argument);
}

TEST_CASE("Pic8259: sources on one IRQ are wired-OR (an ISA device and a routed PCI line)") {
  Pics p;
  p.linux_init(false, 0xFB, 0x00);
  p.pic.set_level_triggered(0x0800);
  IrqLine pci_line;
  pci_line.connect(p.pic.input(11));
  p.lines[11].raise();
  pci_line.raise();
  CHECK(p.inta() == 0x3B);
  p.lines[11].lower();  // one device serviced; the other still asserts
  p.out(0xA0, 0x20);
  p.out(0x20, 0x20);
  CHECK(p.intr());
  CHECK(p.inta() == 0x3B);
  pci_line.lower();
  p.out(0xA0, 0x20);
  p.out(0x20, 0x20);
  CHECK_FALSE(p.intr());
}
