// The PC/AT interrupt controllers: two Intel 8259A programmable interrupt controllers
// (Intel 8259A datasheet, order number 231468), cascaded as on every PC since the AT and
// inside the PIIX3 (82371SB datasheet, section 2.6 "Interrupt controller registers"):
// the master at ports 0x20/0x21 handles IRQ 0-7, the slave at 0xA0/0xA1 handles IRQ 8-15
// and drives its INT output into the master's IR2.
//
// Wiring (the board does this once):
//   Pic8259 pic(io);                          // maps 0x20-0x21 and 0xA0-0xA1 (8-bit)
//   device.irq().connect(pic.input(4));        // ISA IRQ 0-15 except 2; sinks of one IRQ
//                                              // are wired-OR (see input())
//   cpu.set_interrupt_source(&pic);            // INTR and the interrupt-acknowledge cycle
//   PIIX3 ELCR (0x4D0/0x4D1) writes  ->  pic.set_level_triggered(elcr1 | elcr2 << 8)
// The sinks input() returns point at the Pic8259, so it must outlive the lines wired to it
// (declare it before the devices in the board).
//
// Modelling choices, each where the datasheet leaves room:
// - Edge-triggered inputs latch the rising edge in the IRR and keep it even if the line
//   falls before the acknowledge (as QEMU and Bochs do). The datasheet says a request
//   that goes away before INTA becomes a spurious IR7, but IrqLine::pulse() - the ISA
//   way of signalling one interrupt - raises and lowers the line at the same instant, so
//   the strict reading would lose every pulsed interrupt.
// - Level-triggered inputs (ICW1 LTIM for the whole chip, or the PIIX3 ELCR per input)
//   show the line's level in the IRR: an interrupt re-triggers after EOI while the line
//   stays high, and disappears (spurious IR7) if the line drops before the acknowledge.
// - ICW1 also clears the ISR (the datasheet lists only IMR, edge sense, priority, special
//   mask and read select), as QEMU and Bochs do: in-service bits left over from before a
//   re-initialisation would otherwise block their levels for good.
// - The INTA cycle drops the slave's INT for a moment, so a second slave request that is
//   already pending when the first is acknowledged reaches the edge-triggered master IR2
//   as a new edge instead of being lost.
#pragma once

#include <spdlog/logger.h>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>

#include "cpu/interrupt_source.h"
#include "devices/io_bus.h"
#include "devices/irq_line.h"

namespace trapeze {

// One 8259A: the register file and priority logic, without ports. Pic8259 holds two and
// connects them; tests may drive one directly.
class Pic8259Chip {
 public:
  // `is_master` is the SP/EN pin: it decides whether ICW3 lists slave inputs or holds
  // this chip's slave identity, and whether special fully nested mode applies.
  explicit Pic8259Chip(bool is_master);

  // Power-on state: not initialised, everything cleared, vector base 0.
  void reset();

  // Writes with A0 = 0 (command port: ICW1, OCW2, OCW3) and A0 = 1 (data port: ICW2-4,
  // OCW1).
  void write_command(uint8_t value);
  void write_data(uint8_t value);
  // Reads, with their side effects: a pending poll command turns the next read of either
  // port into a poll (an acknowledge).
  uint8_t read_command();
  uint8_t read_data();
  // What those reads would return, without side effects.
  uint8_t peek_command() const;
  uint8_t peek_data() const;

  // An IR input pin's level.
  void set_input(unsigned pin, bool level);
  bool input(unsigned pin) const { return (input_levels_ >> pin) & 1; }
  // Inputs that are level-triggered regardless of ICW1 LTIM (the PIIX3 ELCR bits).
  void set_level_triggered_pins(uint8_t mask);

  // The INT output: an unmasked request outranks everything in service.
  bool interrupt_output() const { return highest_request().has_value(); }

  // The first INTA pulse: the highest request goes in service (unless AEOI) and leaves
  // the IRR. Returns the input acknowledged, or nullopt when nothing qualifies any more
  // (the chip then answers as IR7 without setting its ISR bit: a spurious interrupt).
  std::optional<unsigned> acknowledge();
  // The vector the second INTA pulse puts on the bus for input `pin` (8086 mode).
  uint8_t vector(unsigned pin) const { return static_cast<uint8_t>((icw2_ & 0xF8) | (pin & 7)); }

  // Whether the input `pin` has a slave behind it (master, ICW3 bit set, cascade mode).
  bool is_cascade_input(unsigned pin) const;
  // The slave identity programmed in ICW3 (slave only).
  unsigned slave_id() const { return icw3_ & 7; }

  uint8_t irr() const { return irr_; }
  uint8_t isr() const { return isr_; }
  uint8_t imr() const { return imr_; }
  uint8_t vector_base() const { return icw2_ & 0xF8; }
  bool initialised() const { return init_step_ == InitStep::kReady && icw1_ != 0; }
  bool auto_eoi() const { return icw4_ & kIcw4Aeoi; }
  bool x86_mode() const { return icw4_ & kIcw4Upm; }
  bool special_mask_mode() const { return special_mask_; }
  bool level_triggered(unsigned pin) const { return (level_pins() >> pin) & 1; }
  // The input with the lowest priority (7 after initialisation; rotation moves it).
  unsigned lowest_priority() const { return lowest_priority_; }

  // ICW1 bits.
  static constexpr uint8_t kIcw1Ic4 = 0x01;   // ICW4 follows
  static constexpr uint8_t kIcw1Sngl = 0x02;  // single chip: no ICW3
  static constexpr uint8_t kIcw1Ltim = 0x08;  // level-triggered inputs
  static constexpr uint8_t kIcw1 = 0x10;      // marks ICW1 on the command port
  // ICW4 bits.
  static constexpr uint8_t kIcw4Upm = 0x01;   // 8086/8088 mode (else MCS-80/85)
  static constexpr uint8_t kIcw4Aeoi = 0x02;  // automatic end of interrupt
  static constexpr uint8_t kIcw4Sfnm = 0x10;  // special fully nested mode
  // OCW3 bits.
  static constexpr uint8_t kOcw3 = 0x08;         // marks OCW3 (bit 4 clear)
  static constexpr uint8_t kOcw3ReadIsr = 0x01;  // with kOcw3ReadReg: ISR, else IRR
  static constexpr uint8_t kOcw3ReadReg = 0x02;
  static constexpr uint8_t kOcw3Poll = 0x04;
  static constexpr uint8_t kOcw3Smm = 0x20;   // with kOcw3Esmm: set, else reset
  static constexpr uint8_t kOcw3Esmm = 0x40;  // the SMM bit counts

 private:
  enum class InitStep { kReady, kIcw2, kIcw3, kIcw4 };

  void write_icw1(uint8_t value);
  void write_ocw2(uint8_t value);
  void write_ocw3(uint8_t value);
  uint8_t level_pins() const { return (icw1_ & kIcw1Ltim) ? 0xFF : elcr_; }
  // The highest-priority input that may interrupt now, under the priority rules in force
  // (fully nested, special fully nested on the master, or special mask mode).
  std::optional<unsigned> highest_request() const;
  // The in-service input with the highest priority (what a non-specific EOI clears).
  std::optional<unsigned> highest_in_service() const;
  // Position of `pin` in the priority order, 0 = highest.
  unsigned priority(unsigned pin) const { return (pin - lowest_priority_ - 1) & 7; }
  uint8_t poll();

  bool is_master_;
  InitStep init_step_ = InitStep::kReady;
  uint8_t icw1_ = 0;
  uint8_t icw2_ = 0;
  uint8_t icw3_ = 0;
  uint8_t icw4_ = 0;
  uint8_t irr_ = 0;
  uint8_t isr_ = 0;
  uint8_t imr_ = 0;
  uint8_t input_levels_ = 0;
  uint8_t elcr_ = 0;
  unsigned lowest_priority_ = 7;
  bool read_isr_ = false;  // OCW3 read register select: ISR rather than IRR
  bool poll_pending_ = false;
  bool special_mask_ = false;
  bool rotate_in_aeoi_ = false;
};

// The PC's pair of 8259As, as the CPU and the ISA IRQ lines see it.
class Pic8259 : public IoHandler, public InterruptSource {
 public:
  static constexpr uint16_t kMasterPort = 0x20;
  static constexpr uint16_t kSlavePort = 0xA0;
  static constexpr unsigned kCascadeInput = 2;  // master IR2 <- slave INT
  static constexpr unsigned kIrqCount = 16;

  explicit Pic8259(IoBus& bus);
  Pic8259(const Pic8259&) = delete;  // input sinks and the CPU point at it
  Pic8259& operator=(const Pic8259&) = delete;

  // The RESET pin of both chips (machine reset). Input levels and the ELCR stay: they
  // belong to the devices and the PIIX3.
  void reset();

  // A sink for ISA IRQ `irq` (0-15), for IrqLine::connect. Each call makes a new source:
  // the sources of one IRQ are wired-OR (an ISA device and the PIIX3's PCI output on the
  // same IRQ, as its header describes), up to kMaxSourcesPerIrq. IRQ 2 is the cascade and
  // has no ISA input on an AT (the bus's IRQ2 pin goes to IRQ 9): its sinks log once and
  // ignore the line.
  IrqLine::Sink input(unsigned irq);
  static constexpr unsigned kMaxSourcesPerIrq = 31;
  // Drives one more source of `irq` directly (tests, the monitor), ORed with the sinks.
  void set_irq(unsigned irq, bool level) { set_source(irq, 0, level); }
  // The PIIX3 ELCR: bit n makes IRQ n level-triggered (active high here: the PIIX3
  // inverts the active-low PCI interrupt lines before the PIC).
  void set_level_triggered(uint16_t irq_mask);

  // InterruptSource: the master's INT, and the INTA cycle (vector from the slave when the
  // master acknowledges its cascade input).
  bool interrupt_pending() const override { return intr_; }
  uint8_t acknowledge_interrupt() override;

  // The value a read of `port` (0x20, 0x21, 0xA0 or 0xA1) would return, without side
  // effects: for the monitor, traces and tests.
  uint8_t peek(uint16_t port) const;
  const Pic8259Chip& master() const { return master_; }
  const Pic8259Chip& slave() const { return slave_; }
  // IRR, ISR and IMR of both chips as 16-bit IRQ masks (slave in the high byte).
  uint16_t irr() const { return static_cast<uint16_t>(master_.irr() | slave_.irr() << 8); }
  uint16_t isr() const { return static_cast<uint16_t>(master_.isr() | slave_.isr() << 8); }
  uint16_t imr() const { return static_cast<uint16_t>(master_.imr() | slave_.imr() << 8); }

  // IoHandler.
  uint32_t io_read(uint16_t port, unsigned size_bytes) override;
  void io_write(uint16_t port, unsigned size_bytes, uint32_t value) override;

 private:
  void set_source(unsigned irq, unsigned source, bool level);
  // Carries the slave's INT to master IR2 and the master's INT to the CPU.
  void update();

  Pic8259Chip master_{true};
  Pic8259Chip slave_{false};
  // Per IRQ: bit n is source n's level (bit 0 set_irq(), the others input() sinks), and
  // how many sources have been handed out.
  std::array<uint32_t, kIrqCount> source_levels_{};
  std::array<unsigned, kIrqCount> sources_{};
  bool intr_ = false;
  std::shared_ptr<spdlog::logger> log_;
  IoRegistration master_registration_;
  IoRegistration slave_registration_;
};

}  // namespace trapeze
