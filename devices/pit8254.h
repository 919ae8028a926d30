// The PC's interval timer: an Intel 8254 programmable interval timer (Intel 82C54
// datasheet, order number 231244) at ports 0x40-0x43, clocked at 1.193182 MHz. Counter 0
// drives IRQ 0, counter 1 once paced DRAM refresh, counter 2 drives the speaker and is
// gated and read back through port 0x61 (see system_control_port_b.h).
//
// Wiring:
//   Pit8254 pit(io, scheduler);               // maps 0x40-0x43 (8-bit)
//   pit.irq0().connect(pic.input(0));          // counter 0 OUT
//   SystemControlPortB port_b(io, pit);        // counter 2 GATE and OUT, port 0x61
// Counters 0 and 1 have their GATE tied high, as on the PC.
//
// Time. The counters are not stepped: the count and OUT at any moment are computed from
// the virtual clock, where clock tick n happens at ceil(n * 1e9 / 1193182) ns, exactly
// and without drift, however long the machine runs. Counter 0 schedules one scheduler
// event per OUT transition (so mode 2 at 1 kHz costs two events per millisecond, and a
// counter that has stopped costs none). Counter 2 schedules events only in the one-shot
// modes (0, 1, 4, 5), whose few transitions end a CPU slice at the moment a guest
// polling port 0x61 bit 5 (SeaBIOS's TSC calibration) should see them; its periodic
// modes (speaker tones) are computed on demand. Counter 1 never schedules anything.
//
// Power-on state is undefined on the chip; here every counter starts in mode 2 with no
// count loaded, so OUT is high and idle until the firmware programs it.
#pragma once

#include <spdlog/logger.h>

#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>

#include "devices/io_bus.h"
#include "devices/irq_line.h"
#include "devices/scheduler.h"

namespace trapeze {

class Pit8254 : public IoHandler {
 public:
  static constexpr uint16_t kBasePort = 0x40;
  static constexpr uint16_t kControlPort = 0x43;
  static constexpr unsigned kCounters = 3;
  // The PC's 14.31818 MHz crystal divided by 12, to the precision PC software assumes.
  static constexpr uint64_t kClockHz = 1'193'182;

  // Control word fields (datasheet, figure 8).
  static constexpr uint8_t kReadBack = 0xC0;          // SC1 SC0 = 11
  static constexpr uint8_t kReadBackNoCount = 0x20;   // read-back: do not latch the count
  static constexpr uint8_t kReadBackNoStatus = 0x10;  // read-back: do not latch the status
  static constexpr uint8_t kStatusOutput = 0x80;      // status byte: OUT pin
  static constexpr uint8_t kStatusNullCount = 0x40;   // status byte: CR not yet in CE

  // Maps ports 0x40-0x43 on `bus` and registers the output event type on `scheduler`;
  // both must outlive the PIT.
  Pit8254(IoBus& bus, Scheduler& scheduler);
  Pit8254(const Pit8254&) = delete;
  Pit8254& operator=(const Pit8254&) = delete;
  ~Pit8254() override;

  // Machine reset: every counter back to the power-on state described above. Gates keep
  // their levels (they belong to the board).
  void reset();

  // Counter 0's OUT, wired to IRQ 0.
  IrqLine& irq0() { return irq0_; }
  // A counter's GATE input (counter 2's comes from port 0x61 bit 0).
  void set_gate(unsigned counter, bool level);
  bool gate(unsigned counter) const { return counters_.at(counter).gate; }
  // A counter's OUT pin now.
  bool output(unsigned counter) const;

  // What the counting element holds now, as a read would show it (BCD in BCD mode), and
  // the read-back status byte now; neither latches nor moves the read sequence.
  uint16_t peek_count(unsigned counter) const;
  uint8_t peek_status(unsigned counter) const;

  // Clock ticks since virtual time 0 (the PC's other 1.19 MHz-derived signals use it).
  uint64_t now_tick() const { return ticks_at(scheduler_.now_ns()); }
  // The clock ticks that have happened by `ns`, and the first nanosecond of tick `tick`.
  static uint64_t ticks_at(uint64_t ns);
  static uint64_t ns_at_tick(uint64_t tick);

  // IoHandler.
  uint32_t io_read(uint16_t port, unsigned size_bytes) override;
  void io_write(uint16_t port, unsigned size_bytes, uint32_t value) override;

 private:
  static constexpr uint64_t kNever = std::numeric_limits<uint64_t>::max();

  // One counter. The counting element is not stepped; it is a formula over clock ticks
  // that holds from `ref_tick` until the next write, gate change or pending reload.
  struct Counter {
    // The control word's RW1 RW0 M2 M1 M0 BCD bits, as the read-back status shows them.
    uint8_t control = 0;
    uint16_t cr = 0;  // the count register as written (BCD digits in BCD mode)
    // A whole count was written since the control word (and, in mode 0, no first byte
    // of a new one has stopped the counter since).
    bool loaded = false;
    uint8_t lsb_written = 0;  // read/write mode 3: the LSB, waiting for its MSB
    bool write_msb_next = false;
    bool read_msb_next = false;
    bool count_latched = false;
    uint16_t latched_count = 0;
    bool latched_msb_next = false;
    bool status_latched = false;
    uint8_t latched_status = 0;
    uint64_t null_count_until = kNever;  // the tick at which CR's value reaches CE
    bool gate = true;

    // The counting element. In the one-shot modes (0, 1, 4, 5) CE = ref_value - (t -
    // ref_tick), wrapping, while `counting`; ref_value counts the clocks to the terminal
    // count (1..modulus). In the periodic modes (2, 3) the position within a period of
    // ref_value clocks is ref_phase + (t - ref_tick).
    bool counting = false;
    uint64_t ref_tick = 0;
    uint32_t ref_value = 0;
    uint32_t ref_phase = 0;
    uint32_t held_ce = 0;  // CE while not counting (binary, below the modulus)
    // One-shot modes: the output event of this count (mode 0's rise, mode 1's low pulse,
    // mode 4/5's strobe) is still to come or under way.
    bool armed = false;
    bool mode0_out = false;  // mode 0's OUT while not armed (low until a terminal count)
    // Periodic modes: a count written while counting takes over at the end of the current
    // period (mode 2) or half-period (mode 3).
    bool reload_pending = false;
    uint64_t reload_tick = 0;
    uint32_t reload_value = 0;
    bool reload_low_half = false;

    unsigned mode() const;
    unsigned rw() const { return (control >> 4) & 3; }
    bool bcd() const { return control & 1; }
    uint32_t modulus() const { return bcd() ? 10000 : 0x10000; }
  };

  // Pure functions of a counter's state at tick `t` (after settle()).
  static Counter settled(const Counter& c, uint64_t t);
  static bool out_at(const Counter& c, uint64_t t);
  static uint32_t ce_at(const Counter& c, uint64_t t);  // binary, below the modulus
  static uint8_t status_at(const Counter& c, uint64_t t);
  static std::optional<uint64_t> next_change(const Counter& c, uint64_t t);
  static uint32_t count_value(const Counter& c);  // CR in clocks, 1..modulus
  static uint16_t encode(const Counter& c, uint32_t ce);

  // Applies a pending periodic reload whose time has come.
  void settle(Counter& c, uint64_t t);
  void write_control(uint8_t value);
  void latch_count(Counter& c, uint64_t t);
  void latch_status(Counter& c, uint64_t t);
  void write_counter(unsigned index, uint8_t value);
  void load_count(Counter& c, uint64_t t);
  uint8_t read_counter(unsigned index);
  // Brings counter `index`'s OUT line and its next event up to date after a change.
  void update_output(unsigned index);
  bool wants_events(unsigned index) const;

  Scheduler& scheduler_;
  EventType event_type_;
  std::array<EventId, kCounters> events_{};
  std::array<Counter, kCounters> counters_{};
  IrqLine irq0_;
  std::shared_ptr<spdlog::logger> log_;
  IoRegistration registration_;
};

}  // namespace trapeze
