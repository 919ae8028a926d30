#include "devices/uart16550.h"

#include <fmt/format.h>

#include "cpu/log.h"

namespace trapeze {

using namespace uart;

namespace {

constexpr size_t kTriggerLevels[4] = {1, 4, 8, 14};  // FCR bits 6-7

}  // namespace

Uart16550::Uart16550(IoBus& bus, Scheduler& scheduler, uint16_t base_port)
    : base_port_(base_port),
      scheduler_(scheduler),
      timeout_event_type_(scheduler.register_type(fmt::format("uart-{:x}-rx-timeout", base_port),
                                                  [this](uint64_t) { on_rx_timeout(); })),
      log_(log::component("serial")),
      registration_(bus.map(fmt::format("uart-{:x}", base_port), base_port,
                            static_cast<uint16_t>(base_port + kRegisterCount - 1), kIoWidth8,
                            *this)) {
  reset();
}

void Uart16550::reset() {
  rx_.clear();
  tx_.clear();
  host_input_.clear();
  ier_ = lcr_ = mcr_ = 0;
  line_errors_ = msr_deltas_ = 0;
  fifo_enabled_ = false;
  rx_trigger_ = 1;
  thr_empty_pending_ = false;
  rx_timeout_pending_ = false;
  scheduler_.cancel(timeout_event_);
  update_irq();
}

// ---- Host side ----

void Uart16550::receive(uint8_t byte) {
  host_input_.push_back(byte);
  feed_host_input();
}

void Uart16550::receive(std::string_view bytes) {
  for (char c : bytes) host_input_.push_back(static_cast<uint8_t>(c));
  feed_host_input();
}

void Uart16550::set_modem_inputs(uint8_t msr_inputs) {
  const uint8_t before = modem_inputs();
  host_modem_inputs_ = msr_inputs & kMsrInputs;
  note_modem_change(before);
  update_irq();
}

void Uart16550::feed_host_input() {
  // In loopback the receiver listens to the transmitter; the line's bytes wait.
  bool moved = false;
  while (!loopback() && !host_input_.empty() && rx_.size() < rx_capacity()) {
    receive_into_fifo(host_input_.front());
    host_input_.pop_front();
    moved = true;
  }
  if (moved) update_irq();
}

// ---- Receiver ----

void Uart16550::receive_into_fifo(uint8_t byte) {
  if (rx_.size() >= rx_capacity()) {
    line_errors_ |= kLsrOverrun;
    log_->debug("uart {:x}: receiver overrun", base_port_);
    if (fifo_enabled_) return;
    rx_.pop();
  }
  rx_.push(byte);
  // A pending timeout stays pending until the guest reads (datasheet: only a read clears
  // it); otherwise each arriving byte restarts the count.
  if (!rx_timeout_pending_) restart_rx_timeout();
}

uint8_t Uart16550::read_rbr() {
  if (rx_.empty()) return last_rx_byte_;
  last_rx_byte_ = rx_.pop();
  rx_timeout_pending_ = false;
  restart_rx_timeout();
  feed_host_input();
  return last_rx_byte_;
}

void Uart16550::clear_rx() {
  rx_.clear();
  rx_timeout_pending_ = false;
  scheduler_.cancel(timeout_event_);
}

void Uart16550::restart_rx_timeout() {
  scheduler_.cancel(timeout_event_);
  // Only a FIFO with bytes in it times out; the 16450-compatible mode has no timeout.
  if (!fifo_enabled_ || rx_.empty()) return;
  timeout_event_ =
      scheduler_.schedule(timeout_event_type_, scheduler_.now_ns() + 4 * character_time_ns());
}

void Uart16550::on_rx_timeout() {
  if (!fifo_enabled_ || rx_.empty()) return;
  rx_timeout_pending_ = true;
  update_irq();
}

uint64_t Uart16550::character_time_ns() const {
  // Counted in half bits, for the 1.5 stop bits of a 5-bit frame: start bit, data bits,
  // optional parity, stop bits.
  const uint64_t data_bits = 5 + (lcr_ & kLcrWordLength);
  const uint64_t parity_bits = (lcr_ & kLcrParity) ? 1 : 0;
  uint64_t stop_half_bits = 2;
  if (lcr_ & kLcrStopBits) stop_half_bits = data_bits == 5 ? 3 : 4;
  const uint64_t half_bits = 2 * (1 + data_bits + parity_bits) + stop_half_bits;
  // A divisor of 0 is not a valid setting; time it as the slowest rate rather than
  // dividing by zero.
  const uint64_t divisor = divisor_ == 0 ? 0x10000 : divisor_;
  // One bit lasts 16 * divisor clock periods.
  return half_bits * 16 * divisor * 1'000'000'000 / (2 * kClockHz);
}

// ---- Transmitter ----

void Uart16550::write_thr(uint8_t value) {
  // Writing THR takes back a THRE interrupt; the transmitter empties again at once (see
  // the header), which raises it anew.
  thr_empty_pending_ = false;
  update_irq();
  if (!tx_.full()) tx_.push(value);
  while (!tx_.empty()) {
    const uint8_t byte = tx_.pop();
    if (loopback()) {
      receive_into_fifo(byte);
    } else if (transmit_sink_) {
      transmit_sink_(byte);
    }
  }
  thr_empty_pending_ = true;
  update_irq();
}

// ---- Modem lines ----

uint8_t Uart16550::modem_inputs() const {
  if (!loopback()) return host_modem_inputs_;
  uint8_t inputs = 0;
  if (mcr_ & kMcrRts) inputs |= kMsrCts;
  if (mcr_ & kMcrDtr) inputs |= kMsrDsr;
  if (mcr_ & kMcrOut1) inputs |= kMsrRi;
  if (mcr_ & kMcrOut2) inputs |= kMsrDcd;
  return inputs;
}

void Uart16550::note_modem_change(uint8_t before) {
  const uint8_t after = modem_inputs();
  const uint8_t changed = before ^ after;
  if (changed & kMsrCts) msr_deltas_ |= kMsrDeltaCts;
  if (changed & kMsrDsr) msr_deltas_ |= kMsrDeltaDsr;
  if ((before & kMsrRi) && !(after & kMsrRi)) msr_deltas_ |= kMsrTrailingRi;
  if (changed & kMsrDcd) msr_deltas_ |= kMsrDeltaDcd;
}

void Uart16550::write_mcr(uint8_t value) {
  const uint8_t before = modem_inputs();
  const bool was_loopback = loopback();
  mcr_ = value & kMcrMask;
  note_modem_change(before);
  if (was_loopback && !loopback()) feed_host_input();
}

// ---- Interrupts ----

uint8_t Uart16550::line_status() const {
  uint8_t lsr = line_errors_;
  if (!rx_.empty()) lsr |= kLsrDataReady;
  // The transmitter never holds a byte between guest instructions.
  if (tx_.empty()) lsr |= kLsrThrEmpty | kLsrTransmitterEmpty;
  return lsr;
}

uint8_t Uart16550::interrupt_id() const {
  // Priority order of the datasheet's table 4.
  if ((ier_ & kIerLineStatus) && (line_errors_ & kLsrErrors)) return kIirLineStatus;
  if (ier_ & kIerRxData) {
    const bool at_trigger = fifo_enabled_ ? rx_.size() >= rx_trigger_ : !rx_.empty();
    if (at_trigger) return kIirRxData;
    if (rx_timeout_pending_) return kIirRxTimeout;
  }
  if ((ier_ & kIerThrEmpty) && thr_empty_pending_) return kIirThrEmpty;
  if ((ier_ & kIerModem) && msr_deltas_ != 0) return kIirModem;
  return kIirNoInterrupt;
}

void Uart16550::update_irq() {
  const bool out2_pin = (mcr_ & kMcrOut2) && !loopback();
  irq_.set(out2_pin && interrupt_id() != kIirNoInterrupt);
}

void Uart16550::write_ier(uint8_t value) {
  const uint8_t before = ier_;
  ier_ = value & kIerMask;
  // Enabling the THRE interrupt while THR is empty interrupts at once, even when an IIR
  // read had taken the last one back: Linux's 8250 driver tests for exactly this at
  // start-up (UART_BUG_THRE), and SeaBIOS detects ports by it.
  if ((ier_ & ~before) & kIerThrEmpty) thr_empty_pending_ = (line_status() & kLsrThrEmpty) != 0;
}

void Uart16550::write_fcr(uint8_t value) {
  const bool enable = value & kFcrEnable;
  if (enable != fifo_enabled_) {
    // Switching between FIFO and 16450 mode empties both FIFOs.
    clear_rx();
    tx_.clear();
  }
  fifo_enabled_ = enable;
  // The other bits only take effect while the FIFOs are (being) enabled.
  if (enable) {
    if (value & kFcrClearRx) clear_rx();
    if (value & kFcrClearTx) tx_.clear();
    rx_trigger_ = kTriggerLevels[value >> 6];
  }
  feed_host_input();
}

// ---- Register file ----

uint8_t Uart16550::peek(uint16_t offset) const {
  const bool dlab = lcr_ & kLcrDlab;
  switch (offset & 7) {
    case kRbr:
      if (dlab) return static_cast<uint8_t>(divisor_);
      return rx_.empty() ? last_rx_byte_ : rx_.front();
    case kIer:
      return dlab ? static_cast<uint8_t>(divisor_ >> 8) : ier_;
    case kIir:
      return static_cast<uint8_t>(interrupt_id() | (fifo_enabled_ ? kIirFifoEnabled : 0));
    case kLcr:
      return lcr_;
    case kMcr:
      return mcr_;
    case kLsr:
      return line_status();
    case kMsr:
      return static_cast<uint8_t>(modem_inputs() | msr_deltas_);
    default:
      return scr_;
  }
}

uint8_t Uart16550::read_register(uint16_t offset) {
  const uint8_t value = peek(offset);
  switch (offset) {
    case kRbr:
      if (!(lcr_ & kLcrDlab)) read_rbr();
      break;
    case kIir:
      // Reading the IIR acknowledges a THRE interrupt, but only when it is the one
      // reported.
      if ((value & 0x0F) == kIirThrEmpty) thr_empty_pending_ = false;
      break;
    case kLsr:
      line_errors_ = 0;
      break;
    case kMsr:
      msr_deltas_ = 0;
      break;
    default:
      break;
  }
  update_irq();
  return value;
}

void Uart16550::write_register(uint16_t offset, uint8_t value) {
  const bool dlab = lcr_ & kLcrDlab;
  switch (offset) {
    case kThr:
      if (dlab) {
        divisor_ = static_cast<uint16_t>((divisor_ & 0xFF00) | value);
      } else {
        write_thr(value);
      }
      break;
    case kIer:
      if (dlab) {
        divisor_ = static_cast<uint16_t>((divisor_ & 0x00FF) | (value << 8));
      } else {
        write_ier(value);
      }
      break;
    case kFcr:
      write_fcr(value);
      break;
    case kLcr:
      lcr_ = value;
      if (!(lcr_ & kLcrDlab)) log_line_settings();
      break;
    case kMcr:
      write_mcr(value);
      break;
    case kScr:
      scr_ = value;
      break;
    default:
      // LSR and MSR writes reach factory-test logic on the chip; drivers never do them.
      log_->debug("uart {:x}: write {:#04x} to read-only register {} ignored", base_port_, value,
                  offset);
      break;
  }
  update_irq();
}

void Uart16550::log_line_settings() {
  // Once per change of rate or frame, when the driver closes the divisor latch: the
  // line every serial setup ends with.
  static constexpr char kParity[] = {'N', 'O', 'N', 'E', 'N', 'M', 'N', 'S'};
  const unsigned data_bits = 5 + (lcr_ & kLcrWordLength);
  const char parity = kParity[(lcr_ >> 3) & 7];
  const char* stop = (lcr_ & kLcrStopBits) ? (data_bits == 5 ? "1.5" : "2") : "1";
  const uint64_t divisor = divisor_ == 0 ? 0x10000 : divisor_;
  std::string settings =
      fmt::format("{} baud {}{}{}", kClockHz / 16 / divisor, data_bits, parity, stop);
  if (settings == logged_settings_) return;
  log_->debug("uart {:x}: {}", base_port_, settings);
  logged_settings_ = std::move(settings);
}

uint32_t Uart16550::io_read(uint16_t port, unsigned /*size_bytes*/) {
  return read_register(static_cast<uint16_t>(port - base_port_));
}

void Uart16550::io_write(uint16_t port, unsigned /*size_bytes*/, uint32_t value) {
  write_register(static_cast<uint16_t>(port - base_port_), static_cast<uint8_t>(value));
}

}  // namespace trapeze
