// A PC serial port: the 16550A UART (National Semiconductor PC16550D) with its 16-byte
// FIFOs, divisor latch, loopback and interrupt logic, at one of the COM base ports.
//
// Timing. The transmitter is instantaneous, as in QEMU: a byte written to THR reaches
// the host at once, and THRE/TEMT read "empty" again before the guest's next
// instruction. Pacing output at the programmed baud rate would only make guests wait
// (they poll THRE or wait for its interrupt) with nothing gained, since the host end
// never pushes back. The receiver is paced by the guest: host bytes wait in an unbounded
// queue until the RX FIFO (one byte, the RBR, with FIFOs off) has room, so scripted input
// is never lost to overrun. The one timed behaviour is the FIFO's character timeout
// (four character times at the programmed rate and frame), because a driver with a
// trigger level above one (Linux uses 8) only sees a lone keystroke through it.
//
// Interrupt output. On a PC the chip's INTR pin reaches the ISA IRQ line through a gate
// driven by the OUT2 modem-control pin, and loopback mode holds OUT2 inactive; irq() is
// the line after that gate, as the interrupt controller sees it.
#pragma once

#include <spdlog/logger.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "devices/byte_fifo.h"
#include "devices/io_bus.h"
#include "devices/irq_line.h"
#include "devices/scheduler.h"
#include "devices/uart16550_registers.h"

namespace trapeze {

class Uart16550 : public IoHandler {
 public:
  // The PC's standard base ports; COM1 and COM3 use IRQ 4, COM2 and COM4 IRQ 3.
  static constexpr uint16_t kCom1Port = 0x3F8;
  static constexpr uint16_t kCom2Port = 0x2F8;
  static constexpr uint16_t kCom3Port = 0x3E8;
  static constexpr uint16_t kCom4Port = 0x2E8;
  static constexpr size_t kFifoBytes = 16;
  // The PC's 1.8432 MHz crystal: divisor 1 is 115200 baud (the clock / 16).
  static constexpr uint64_t kClockHz = 1'843'200;

  // Registers ports base_port..base_port+7 on `bus` (8-bit; the bus splits wider
  // accesses) and the character-timeout event type on `scheduler`; both must outlive
  // the UART. Several UARTs may share a bus and a scheduler at different base ports.
  Uart16550(IoBus& bus, Scheduler& scheduler, uint16_t base_port);
  Uart16550(const Uart16550&) = delete;
  Uart16550& operator=(const Uart16550&) = delete;
  // The scheduler keeps the event type (types are never unregistered), so a pending
  // timeout must not outlive the UART it would call.
  ~Uart16550() override { scheduler_.cancel(timeout_event_); }

  // The master-reset pin: every register to its documented reset value, FIFOs and the
  // host input queue emptied. The divisor latch and scratch register keep their values,
  // as on the chip.
  void reset();

  // Where transmitted bytes go (nothing, until set). Not called in loopback mode.
  void set_transmit_sink(std::function<void(uint8_t)> sink) { transmit_sink_ = std::move(sink); }
  // The current sink, so a watcher (the frontend's --exit-on) can chain in front of it.
  const std::function<void(uint8_t)>& transmit_sink() const { return transmit_sink_; }
  // Host-to-guest input: queued, then moved into the receiver as it has room.
  void receive(uint8_t byte);
  void receive(std::string_view bytes);
  // Host bytes not yet in the receiver.
  size_t input_queued() const { return host_input_.size(); }
  // The modem-status inputs the host end drives (MSR bits 4-7 layout: kMsrCts, kMsrDsr,
  // kMsrRi, kMsrDcd). The default is a terminal that is connected and ready (CTS, DSR
  // and DCD on), which is what guests wait for before they send.
  void set_modem_inputs(uint8_t msr_inputs);

  IrqLine& irq() { return irq_; }
  uint16_t base_port() const { return base_port_; }
  // One character's time on the wire at the programmed divisor and frame format.
  uint64_t character_time_ns() const;

  // The value a read of register `offset` (0-7) would return, without its side effects
  // (no FIFO pop, no status clearing): for the monitor, traces and tests.
  uint8_t peek(uint16_t offset) const;

  // IoHandler.
  uint32_t io_read(uint16_t port, unsigned size_bytes) override;
  void io_write(uint16_t port, unsigned size_bytes, uint32_t value) override;

 private:
  uint8_t read_register(uint16_t offset);
  void write_register(uint16_t offset, uint8_t value);
  void write_ier(uint8_t value);
  void write_fcr(uint8_t value);
  void write_mcr(uint8_t value);
  void write_thr(uint8_t value);
  uint8_t read_rbr();

  bool loopback() const { return mcr_ & uart::kMcrLoopback; }
  size_t rx_capacity() const { return fifo_enabled_ ? kFifoBytes : 1; }
  // The modem inputs as MSR bits 4-7 show them: the host's lines, or in loopback the
  // chip's own outputs (RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD).
  uint8_t modem_inputs() const;
  // Records in the MSR delta bits how the inputs changed from `before` to now.
  void note_modem_change(uint8_t before);
  uint8_t line_status() const;
  // The IIR's bits 0-3: the highest-priority pending, enabled interrupt source.
  uint8_t interrupt_id() const;
  void update_irq();

  // A byte arriving at the receiver (from the host queue or, in loopback, from the
  // transmitter). A full receiver is an overrun: the FIFO keeps its bytes and the new one
  // is lost; with FIFOs off the RBR is overwritten.
  void receive_into_fifo(uint8_t byte);
  void feed_host_input();
  void clear_rx();
  // The character timeout restarts whenever a byte enters or leaves the RX FIFO.
  void restart_rx_timeout();
  void on_rx_timeout();
  void log_line_settings();

  uint16_t base_port_;
  Scheduler& scheduler_;
  EventType timeout_event_type_;
  EventId timeout_event_;
  std::function<void(uint8_t)> transmit_sink_;
  IrqLine irq_;
  std::shared_ptr<spdlog::logger> log_;

  ByteFifo<kFifoBytes> rx_;
  ByteFifo<kFifoBytes> tx_;
  std::deque<uint8_t> host_input_;
  uint8_t last_rx_byte_ = 0;  // what RBR reads when the receiver is empty
  uint8_t ier_ = 0;
  uint8_t lcr_ = 0;
  uint8_t mcr_ = 0;
  uint8_t scr_ = 0;
  uint8_t line_errors_ = 0;  // LSR bits 1-4, until the LSR is read
  uint8_t msr_deltas_ = 0;   // MSR bits 0-3, until the MSR is read
  uint8_t host_modem_inputs_ = uart::kMsrCts | uart::kMsrDsr | uart::kMsrDcd;
  // The divisor latch is undefined at power-on; 1 (115200 baud) is the rate consoles use.
  uint16_t divisor_ = 1;
  bool fifo_enabled_ = false;
  size_t rx_trigger_ = 1;
  bool thr_empty_pending_ = false;  // the THRE interrupt condition, until IIR read/THR write
  bool rx_timeout_pending_ = false;
  std::string logged_settings_;
  IoRegistration registration_;
};

}  // namespace trapeze
