#include "devices/pit8254.h"

#include <fmt/format.h>

#include <algorithm>

#include "cpu/log.h"

namespace trapeze {

namespace {

constexpr uint64_t kNsPerSecond = 1'000'000'000;

uint16_t to_bcd(uint32_t value) {
  uint16_t bcd = 0;
  for (unsigned shift = 0; shift < 16; shift += 4, value /= 10)
    bcd = static_cast<uint16_t>(bcd | (value % 10) << shift);
  return bcd;
}

// Digits above 9 count with their nibble's value, which is what the chip's decade
// counters do with them (nobody programs them on purpose).
uint32_t from_bcd(uint16_t bcd) {
  uint32_t value = 0;
  for (int shift = 12; shift >= 0; shift -= 4) value = value * 10 + ((bcd >> shift) & 0xF);
  return value;
}

}  // namespace

// ---- Virtual time <-> clock ticks ----

uint64_t Pit8254::ticks_at(uint64_t ns) {
  // Split at whole seconds so the products stay far below 2^64 for any run length.
  return ns / kNsPerSecond * kClockHz + ns % kNsPerSecond * kClockHz / kNsPerSecond;
}

uint64_t Pit8254::ns_at_tick(uint64_t tick) {
  const uint64_t remainder = tick % kClockHz;
  return tick / kClockHz * kNsPerSecond + (remainder * kNsPerSecond + kClockHz - 1) / kClockHz;
}

// ---- Counter formulas ----

unsigned Pit8254::Counter::mode() const {
  const unsigned m = (control >> 1) & 7;
  return m >= 6 ? m - 4 : m;  // modes 6 and 7 are modes 2 and 3 (M2 is a don't-care)
}

uint32_t Pit8254::count_value(const Counter& c) {
  const uint32_t n = c.bcd() ? from_bcd(c.cr) : c.cr;
  return n == 0 ? c.modulus() : n;  // 0 is the largest count: 2^16, or 10^4 in BCD
}

uint16_t Pit8254::encode(const Counter& c, uint32_t ce) {
  return c.bcd() ? to_bcd(ce % 10000) : static_cast<uint16_t>(ce);
}

Pit8254::Counter Pit8254::settled(const Counter& c, uint64_t t) {
  Counter s = c;
  if (s.reload_pending && t >= s.reload_tick) {
    s.ref_tick = s.reload_tick;
    s.ref_value = s.reload_value;
    s.ref_phase = s.reload_low_half ? (s.reload_value + 1) / 2 : 0;
    s.reload_pending = false;
  }
  return s;
}

namespace {

uint32_t phase_at(uint64_t ref_tick, uint32_t ref_phase, uint32_t period, uint64_t t) {
  return static_cast<uint32_t>((ref_phase + (t - ref_tick)) % period);
}

}  // namespace

bool Pit8254::out_at(const Counter& c, uint64_t t) {
  const uint64_t terminal = c.ref_tick + c.ref_value;
  switch (c.mode()) {
    case 0:  // interrupt on terminal count: low from the write until CE reaches 0
      if (!c.armed) return c.mode0_out;
      return c.counting && t >= terminal;
    case 1:  // hardware one-shot: low from the clock after the trigger to terminal count
      return !(c.armed && t >= c.ref_tick && t < terminal);
    case 4:  // software strobe: low for the one clock at terminal count
      return !(c.armed && c.counting && t == terminal);
    case 5:  // hardware strobe
      return !(c.armed && t == terminal);
    case 2:  // rate generator: low for one clock when CE reaches 1
      if (!c.counting || t < c.ref_tick) return true;
      return phase_at(c.ref_tick, c.ref_phase, c.ref_value, t) != c.ref_value - 1;
    default:  // 3, square wave: high for the first ceil(N/2) clocks of each period
      if (!c.counting || t < c.ref_tick) return true;
      return phase_at(c.ref_tick, c.ref_phase, c.ref_value, t) < (c.ref_value + 1) / 2;
  }
}

uint32_t Pit8254::ce_at(const Counter& c, uint64_t t) {
  const uint32_t m = c.modulus();
  if (!c.counting) return c.held_ce;
  if (t < c.ref_tick) return c.ref_value % m;  // loaded on the coming clock
  switch (c.mode()) {
    case 2:
      return (c.ref_value - phase_at(c.ref_tick, c.ref_phase, c.ref_value, t)) % m;
    case 3: {
      // CE steps down by two through each half-period (datasheet, mode 3); the exact
      // sequence for odd counts (N-1 first, then N-3 in the low half) is approximated.
      const uint32_t half = (c.ref_value + 1) / 2;
      const uint32_t p = phase_at(c.ref_tick, c.ref_phase, c.ref_value, t);
      return (c.ref_value - 2 * (p < half ? p : p - half)) % m;
    }
    default: {
      const uint32_t elapsed = static_cast<uint32_t>((t - c.ref_tick) % m);
      return (c.ref_value % m + m - elapsed) % m;  // counts down and wraps past zero
    }
  }
}

uint8_t Pit8254::status_at(const Counter& c, uint64_t t) {
  uint8_t status = c.control;
  if (out_at(c, t)) status |= kStatusOutput;
  if (t < c.null_count_until) status |= kStatusNullCount;
  return status;
}

std::optional<uint64_t> Pit8254::next_change(const Counter& c, uint64_t t) {
  // Candidates are every tick where OUT may change; OUT is constant between them, so the
  // first candidate with a different level is the next edge.
  const bool now_out = out_at(c, t);
  std::optional<uint64_t> next;
  auto consider = [&](uint64_t tick) {
    if (tick > t && out_at(c, tick) != now_out && (!next || tick < *next)) next = tick;
  };
  const uint64_t terminal = c.ref_tick + c.ref_value;
  switch (c.mode()) {
    case 0:
      if (c.armed && c.counting) consider(terminal);
      break;
    case 1:
      if (c.armed) {
        consider(c.ref_tick);
        consider(terminal);
      }
      break;
    case 4:
    case 5:
      if (c.armed) {
        consider(terminal);
        consider(terminal + 1);
      }
      break;
    default: {  // 2 and 3
      if (!c.counting) break;
      const uint32_t period = c.ref_value;
      const uint64_t x = std::max(t + 1, c.ref_tick);
      const uint32_t p = phase_at(c.ref_tick, c.ref_phase, period, x);
      auto at_phase = [&](uint32_t target) { return x + (target + period - p) % period; };
      consider(at_phase(0));
      consider(at_phase(c.mode() == 2 ? period - 1 : (period + 1) / 2 % period));
      break;
    }
  }
  // A pending reload changes the formula: look again when it happens.
  if (c.reload_pending && c.reload_tick > t && (!next || c.reload_tick < *next))
    next = c.reload_tick;
  return next;
}

// ---- Construction ----

Pit8254::Pit8254(IoBus& bus, Scheduler& scheduler)
    : scheduler_(scheduler),
      event_type_(scheduler.register_type(
          "pit-out", [this](uint64_t counter) { update_output(static_cast<unsigned>(counter)); })),
      log_(log::component("pit")),
      registration_(bus.map("pit", kBasePort, kControlPort, kIoWidth8, *this)) {
  reset();
}

Pit8254::~Pit8254() {
  // The scheduler keeps the event type; no event may call a PIT that is gone.
  for (EventId id : events_) scheduler_.cancel(id);
}

void Pit8254::reset() {
  for (unsigned i = 0; i < kCounters; ++i) {
    Counter fresh;
    fresh.gate = counters_[i].gate;
    fresh.control = 0x34;  // LSB then MSB, mode 2, binary, nothing loaded: OUT high
    counters_[i] = fresh;
    update_output(i);
  }
}

// ---- Programming ----

void Pit8254::settle(Counter& c, uint64_t t) { c = settled(c, t); }

void Pit8254::write_control(uint8_t value) {
  const uint64_t t = now_tick();
  if ((value & 0xC0) == kReadBack) {
    // Read-back command (datasheet, figure 11): bits 1-3 select counters 0-2; bits 5 and
    // 4, active low, latch their count and status.
    for (unsigned i = 0; i < kCounters; ++i) {
      if (!(value & (2u << i))) continue;
      Counter& c = counters_[i];
      settle(c, t);
      if (!(value & kReadBackNoCount)) latch_count(c, t);
      if (!(value & kReadBackNoStatus)) latch_status(c, t);
    }
    return;
  }
  const unsigned index = value >> 6;
  Counter& c = counters_[index];
  settle(c, t);
  if ((value & 0x30) == 0) {  // RW = 00: counter latch command
    latch_count(c, t);
    return;
  }
  // A control word stops the counter and resets its latches and byte sequences; OUT
  // goes to the mode's initial level (low in mode 0, high otherwise). CE keeps what it
  // held, which a read before the first count shows (it is undefined on the chip).
  Counter fresh;
  fresh.gate = c.gate;
  fresh.control = value & 0x3F;
  fresh.held_ce = ce_at(c, t) % fresh.modulus();
  c = fresh;
  update_output(index);
}

void Pit8254::latch_count(Counter& c, uint64_t t) {
  // A second latch before the first is read is ignored (datasheet, counter latch command).
  if (c.count_latched) return;
  c.count_latched = true;
  c.latched_count = encode(c, ce_at(c, t));
  c.latched_msb_next = false;
}

void Pit8254::latch_status(Counter& c, uint64_t t) {
  if (c.status_latched) return;
  c.status_latched = true;
  c.latched_status = status_at(c, t);
}

void Pit8254::write_counter(unsigned index, uint8_t value) {
  Counter& c = counters_[index];
  const uint64_t t = now_tick();
  settle(c, t);
  switch (c.rw()) {
    case 1:
      c.cr = value;
      load_count(c, t);
      break;
    case 2:
      c.cr = static_cast<uint16_t>(value << 8);
      load_count(c, t);
      break;
    default:
      if (!c.write_msb_next) {
        c.lsb_written = value;
        c.write_msb_next = true;
        if (c.mode() == 0) {
          // Mode 0: the first byte of a new count stops counting and sets OUT low at
          // once; the second byte starts the new count (datasheet, mode 0).
          c.held_ce = ce_at(c, t);
          c.counting = false;
          c.armed = false;
          c.mode0_out = false;
          c.loaded = false;
        }
      } else {
        c.cr = static_cast<uint16_t>(c.lsb_written | value << 8);
        c.write_msb_next = false;
        load_count(c, t);
      }
      break;
  }
  update_output(index);
}

void Pit8254::load_count(Counter& c, uint64_t t) {
  const uint32_t n = count_value(c);
  const uint32_t m = c.modulus();
  c.loaded = true;
  switch (c.mode()) {
    case 0:
    case 4:
      // The count reaches CE on the next clock and counting starts from it, even in the
      // middle of a count (a new count restarts the one-shot).
      c.armed = true;
      c.mode0_out = false;
      c.null_count_until = t + 1;
      if (c.gate) {
        c.counting = true;
        c.ref_tick = t + 1;
        c.ref_value = n;
      } else {
        c.counting = false;
        c.held_ce = n % m;
      }
      break;
    case 1:
    case 5:
      // Waits in CR for the next trigger (a rising edge on GATE).
      c.null_count_until = kNever;
      break;
    default:  // 2 and 3
      if (n == 1)
        log::once(log_,
                  "pit: a count of 1 in mode 2 or 3 is illegal on the 8254 (OUT stays "
                  "constant here)");
      if (c.counting) {
        // The current period (mode 2) or half-period (mode 3) finishes with the old count.
        const uint32_t period = c.ref_value;
        const uint64_t x = std::max(t + 1, c.ref_tick);
        const uint32_t p = phase_at(c.ref_tick, c.ref_phase, period, x);
        const uint64_t period_end = x + (period - p) % period;
        uint64_t boundary = period_end;
        bool low_half = false;
        const uint32_t half = (period + 1) / 2;
        if (c.mode() == 3 && half < period) {
          const uint64_t half_end = x + (half + period - p) % period;
          if (half_end < period_end) {
            boundary = half_end;
            low_half = true;
          }
        }
        c.reload_pending = true;
        c.reload_tick = boundary;
        c.reload_value = n;
        c.reload_low_half = low_half;
        c.null_count_until = boundary;
      } else if (c.gate) {
        c.counting = true;
        c.ref_tick = t + 1;
        c.ref_value = n;
        c.ref_phase = 0;
        c.null_count_until = t + 1;
      } else {
        // GATE low: the count waits for the gate's rising edge.
        c.held_ce = n % m;
        c.null_count_until = kNever;
      }
      break;
  }
}

void Pit8254::set_gate(unsigned index, bool level) {
  Counter& c = counters_.at(index);
  const uint64_t t = now_tick();
  settle(c, t);
  if (level == c.gate) return;
  c.gate = level;
  const uint32_t m = c.modulus();
  switch (c.mode()) {
    case 0:
    case 4:
      // GATE low suspends counting; OUT is not affected.
      if (!level) {
        if (!c.counting) break;
        const bool terminal_passed = t >= c.ref_tick + c.ref_value;
        c.held_ce = ce_at(c, t);
        if (c.armed && terminal_passed) {
          c.armed = false;
          if (c.mode() == 0) c.mode0_out = true;
        }
        c.counting = false;
      } else if (c.loaded) {
        c.counting = true;
        c.ref_tick = t;
        c.ref_value = c.held_ce == 0 ? m : c.held_ce;
      }
      break;
    case 1:
    case 5:
      // A rising edge triggers: CR goes to CE on the next clock (again, if retriggered).
      if (level && c.loaded) {
        c.armed = true;
        c.counting = true;
        c.ref_tick = t + 1;
        c.ref_value = count_value(c);
        c.null_count_until = std::min(c.null_count_until, t + 1);
      }
      break;
    default:  // 2 and 3
      if (!level) {
        // GATE low stops counting and sets OUT high at once.
        if (c.counting) c.held_ce = ce_at(c, t);
        c.counting = false;
        c.reload_pending = false;
      } else if (c.loaded) {
        // The rising edge reloads CE from CR on the next clock and starts a new period.
        c.counting = true;
        c.ref_tick = t + 1;
        c.ref_value = count_value(c);
        c.ref_phase = 0;
        c.reload_pending = false;
        c.null_count_until = std::min(c.null_count_until, t + 1);
      }
      break;
  }
  update_output(index);
}

// ---- Reading ----

uint8_t Pit8254::read_counter(unsigned index) {
  Counter& c = counters_[index];
  const uint64_t t = now_tick();
  settle(c, t);
  // A latched status is read first, then a latched count (datasheet, read-back command).
  if (c.status_latched) {
    c.status_latched = false;
    return c.latched_status;
  }
  if (c.count_latched) {
    const uint16_t v = c.latched_count;
    switch (c.rw()) {
      case 1:
        c.count_latched = false;
        return static_cast<uint8_t>(v);
      case 2:
        c.count_latched = false;
        return static_cast<uint8_t>(v >> 8);
      default:
        if (!c.latched_msb_next) {
          c.latched_msb_next = true;
          return static_cast<uint8_t>(v);
        }
        c.count_latched = false;
        return static_cast<uint8_t>(v >> 8);
    }
  }
  // Unlatched: the live count, one byte at a time (the two bytes of a word may come from
  // different counts, as on the chip).
  const uint16_t v = encode(c, ce_at(c, t));
  switch (c.rw()) {
    case 1:
      return static_cast<uint8_t>(v);
    case 2:
      return static_cast<uint8_t>(v >> 8);
    default:
      c.read_msb_next = !c.read_msb_next;
      return static_cast<uint8_t>(c.read_msb_next ? v : v >> 8);
  }
}

bool Pit8254::output(unsigned counter) const {
  const uint64_t t = now_tick();
  return out_at(settled(counters_.at(counter), t), t);
}

uint16_t Pit8254::peek_count(unsigned counter) const {
  const uint64_t t = now_tick();
  const Counter c = settled(counters_.at(counter), t);
  return encode(c, ce_at(c, t));
}

uint8_t Pit8254::peek_status(unsigned counter) const {
  const uint64_t t = now_tick();
  return status_at(settled(counters_.at(counter), t), t);
}

// ---- Output line and events ----

bool Pit8254::wants_events(unsigned index) const {
  if (index == 0) return true;
  if (index != 2) return false;
  const unsigned mode = counters_[2].mode();
  return mode != 2 && mode != 3;
}

void Pit8254::update_output(unsigned index) {
  Counter& c = counters_[index];
  const uint64_t t = now_tick();
  settle(c, t);
  if (index == 0) irq0_.set(out_at(c, t));
  scheduler_.cancel(events_[index]);
  events_[index] = EventId{};
  if (!wants_events(index)) return;
  if (auto next = next_change(c, t))
    events_[index] = scheduler_.schedule(event_type_, ns_at_tick(*next), index);
}

// ---- Ports ----

uint32_t Pit8254::io_read(uint16_t port, unsigned /*size_bytes*/) {
  const unsigned offset = port - kBasePort;
  // The control register cannot be read: A1 A0 = 11 is a no-operation, the data bus
  // floats (datasheet, table 1).
  if (offset == 3) return 0xFF;
  return read_counter(offset);
}

void Pit8254::io_write(uint16_t port, unsigned /*size_bytes*/, uint32_t value) {
  const unsigned offset = port - kBasePort;
  const auto byte = static_cast<uint8_t>(value);
  if (offset == 3) {
    write_control(byte);
  } else {
    write_counter(offset, byte);
  }
}

}  // namespace trapeze
