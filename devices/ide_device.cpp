#include "devices/ide_device.h"

#include <fmt/format.h>

#include <algorithm>

#include "cpu/log.h"
#include "devices/ata_registers.h"
#include "devices/ide_channel.h"

namespace trapeze {

using namespace ata;

IdeDevice::IdeDevice() : log_(log::component("ide")) {}

IdeDevice::~IdeDevice() { cancel_event(); }

void IdeDevice::connect(IdeChannel* channel, unsigned unit) {
  cancel_event();
  channel_ = channel;
  unit_ = unit;
}

std::string IdeDevice::position() const {
  return channel_ != nullptr ? fmt::format("ide{}-{}", channel_->index(), unit_) : "ide-?";
}

unsigned IdeDevice::drive_number() const {
  return (channel_ != nullptr ? channel_->index() * 2 : 0) + unit_ + 1;
}

uint64_t IdeDevice::now_ns() const { return channel_ != nullptr ? channel_->now_ns() : 0; }

bool IdeDevice::other_device_present() const {
  return channel_ != nullptr && channel_->present(unit_ ^ 1);
}

void IdeDevice::cancel_event() {
  if (channel_ != nullptr) channel_->cancel(event_);
  event_ = {};
}

void IdeDevice::notify_channel() {
  if (channel_ != nullptr) channel_->update_irq();
}

void IdeDevice::raise_interrupt() {
  intrq_ = true;
  notify_channel();
}

// ---- Registers ----

uint8_t IdeDevice::read_register(uint16_t reg, bool hob) const {
  switch (reg) {
    case kRegError:
      return tf_.error;
    case kRegSectorCount:
      return hob ? tf_.hob_sector_count : tf_.sector_count;
    case kRegLbaLow:
      return hob ? tf_.hob_lba_low : tf_.lba_low;
    case kRegLbaMid:
      return hob ? tf_.hob_lba_mid : tf_.lba_mid;
    case kRegLbaHigh:
      return hob ? tf_.hob_lba_high : tf_.lba_high;
    case kRegDevice:
      return tf_.device;
    default:
      return 0xFF;
  }
}

void IdeDevice::write_register(uint16_t reg, uint8_t value) {
  // Each write pushes the register's previous byte into its "previous content" half, which
  // is how a 48-bit command's high bytes get there (written first, ATA-6 6.20).
  auto push = [value](uint8_t& current, uint8_t& previous) {
    previous = current;
    current = value;
  };
  switch (reg) {
    case kRegFeatures:
      push(tf_.features, tf_.hob_features);
      break;
    case kRegSectorCount:
      push(tf_.sector_count, tf_.hob_sector_count);
      break;
    case kRegLbaLow:
      push(tf_.lba_low, tf_.hob_lba_low);
      break;
    case kRegLbaMid:
      push(tf_.lba_mid, tf_.hob_lba_mid);
      break;
    case kRegLbaHigh:
      push(tf_.lba_high, tf_.hob_lba_high);
      break;
    case kRegDevice:
      tf_.device = value;
      break;
    default:
      break;
  }
}

uint8_t IdeDevice::read_status() {
  // Reading the status register is how the host acknowledges INTRQ (ATA-6 5.2.9).
  if (intrq_) {
    intrq_ = false;
    notify_channel();
  }
  return tf_.status;
}

// ---- Commands ----

void IdeDevice::write_command(uint8_t command) {
  if (phase_ == Phase::kReset) return;
  // A busy device ignores the command register (the host must wait for BSY to drop);
  // DEVICE RESET is the packet devices' way out of a hung command, so it always gets in.
  if ((tf_.status & kStatusBsy) != 0 && !(is_atapi() && command == kCmdDeviceReset)) {
    log_->debug("{}: command {:#04x} while busy ignored", position(), command);
    return;
  }
  // A command written during a data phase abandons it: nothing of a partial PIO write
  // block reaches the medium.
  cancel_event();
  dma_chunk_loaded_ = false;
  pio_pos_ = pio_end_ = 0;
  command_ = command;
  // Writing the command register clears a pending interrupt (ATA-6 5.2.9).
  intrq_ = false;
  notify_channel();
  busy_then(kStepExecute, kCommandLatencyNs);
}

void IdeDevice::run_diagnostic(bool reports_interrupt) {
  if (phase_ == Phase::kReset) return;
  cancel_event();
  pio_pos_ = pio_end_ = 0;
  command_ = kCmdExecuteDiagnostic;
  intrq_ = false;
  notify_channel();
  diagnostic_reports_ = reports_interrupt;
  busy_then(kStepDiagnosticDone, kCommandLatencyNs);
}

void IdeDevice::on_event(uint64_t step_code) {
  event_ = {};
  switch (step_code) {
    case kStepExecute:
      execute(command_);
      break;
    case kStepResetDone:
      complete_reset();
      break;
    case kStepDiagnosticDone:
      // Both devices pass; device 0 reports 01h: "device 0 passed, device 1 passed or not
      // present" (ATA-6 8.11, table 23).
      set_signature();
      tf_.error = kErrorAmnf;
      go_idle(status_after_reset());
      if (diagnostic_reports_) raise_interrupt();
      break;
    default:
      step(step_code);
      break;
  }
}

// ---- Reset ----

void IdeDevice::set_soft_reset(bool asserted) {
  if (asserted) {
    cancel_event();
    pio_pos_ = pio_end_ = 0;
    dma_chunk_loaded_ = false;
    phase_ = Phase::kReset;
    tf_.status = kStatusBsy;
    if (intrq_) {
      intrq_ = false;
      notify_channel();
    }
    return;
  }
  // The device stays busy while it runs its reset and diagnostics; no interrupt follows a
  // software reset (ATA-6 9.2).
  if (phase_ == Phase::kReset && channel_ != nullptr)
    event_ = channel_->schedule(unit_, kResetLatencyNs, kStepResetDone);
}

void IdeDevice::complete_reset() {
  set_signature();
  tf_.error = kErrorAmnf;  // diagnostics passed
  tf_.features = tf_.hob_features = 0;
  go_idle(status_after_reset());
}

void IdeDevice::hardware_reset() {
  cancel_event();
  pio_pos_ = pio_end_ = 0;
  dma_chunk_loaded_ = false;
  tf_ = {};
  reset_settings();
  complete_reset();
  if (intrq_) {
    intrq_ = false;
    notify_channel();
  }
}

void IdeDevice::set_signature() {
  tf_.sector_count = tf_.hob_sector_count = 0x01;
  tf_.lba_low = tf_.hob_lba_low = 0x01;
  tf_.lba_mid = tf_.hob_lba_mid = is_atapi() ? kSignatureAtapiMid : kSignatureAtaMid;
  tf_.lba_high = tf_.hob_lba_high = is_atapi() ? kSignatureAtapiHigh : kSignatureAtaHigh;
  tf_.device = 0x00;
}

// ---- Phases ----

void IdeDevice::busy_then(uint64_t step_code, uint64_t delay_ns) {
  phase_ = Phase::kBusy;
  tf_.status = kStatusBsy;
  if (channel_ != nullptr) event_ = channel_->schedule(unit_, delay_ns, step_code);
}

std::span<uint8_t> IdeDevice::pio_buffer(size_t bytes) {
  if (pio_.size() < bytes) pio_.resize(bytes);
  return std::span<uint8_t>(pio_).first(bytes);
}

void IdeDevice::begin_pio_in(size_t bytes) {
  if (pio_.size() < bytes) pio_.resize(bytes);
  pio_pos_ = 0;
  pio_end_ = bytes;
  phase_ = Phase::kPioIn;
  tf_.status = kStatusDrdy | kStatusDsc | kStatusDrq;
  raise_interrupt();
}

void IdeDevice::begin_pio_out(size_t bytes, bool interrupt) {
  if (pio_.size() < bytes) pio_.resize(bytes);
  pio_pos_ = 0;
  pio_end_ = bytes;
  phase_ = Phase::kPioOut;
  tf_.status = kStatusDrdy | kStatusDsc | kStatusDrq;
  if (interrupt) raise_interrupt();
}

void IdeDevice::begin_dma(bool to_host) {
  phase_ = Phase::kDma;
  dma_to_host_ = to_host;
  dma_chunk_loaded_ = false;
  dma_pos_ = 0;
  tf_.status = kStatusDrdy | kStatusDsc | kStatusDrq;
  if (channel_ != nullptr) channel_->dma_requested();
}

void IdeDevice::finish(bool interrupt) {
  phase_ = Phase::kIdle;
  tf_.status = kStatusDrdy | kStatusDsc;
  if (interrupt) raise_interrupt();
}

void IdeDevice::fail(uint8_t error) {
  phase_ = Phase::kIdle;
  tf_.error = error;
  tf_.status = kStatusDrdy | kStatusDsc | kStatusErr;
  raise_interrupt();
}

void IdeDevice::go_idle(uint8_t status) {
  phase_ = Phase::kIdle;
  tf_.status = status;
}

// ---- Data port ----

uint32_t IdeDevice::read_data(unsigned size_bytes) {
  if (phase_ != Phase::kPioIn) {
    if (!idle_data_read_logged_) {
      idle_data_read_logged_ = true;
      log_->debug("{}: data port read without DRQ (reported once)", position());
    }
    return 0xFFFFFFFF;
  }
  uint32_t value = 0;
  for (unsigned i = 0; i < size_bytes; ++i) {
    // A 32-bit read past the end of an odd-sized ATAPI block gets filler in its top half.
    const uint8_t byte = pio_pos_ < pio_end_ ? pio_[pio_pos_++] : 0xFF;
    value |= uint32_t{byte} << (8 * i);
  }
  if (pio_pos_ >= pio_end_) {
    phase_ = Phase::kBusy;
    tf_.status = kStatusBsy;
    pio_block_done();
  }
  return value;
}

void IdeDevice::write_data(unsigned size_bytes, uint32_t value) {
  if (phase_ != Phase::kPioOut) {
    log_->debug("{}: data port write without DRQ ignored", position());
    return;
  }
  for (unsigned i = 0; i < size_bytes && pio_pos_ < pio_end_; ++i)
    pio_[pio_pos_++] = static_cast<uint8_t>(value >> (8 * i));
  if (pio_pos_ >= pio_end_) {
    phase_ = Phase::kBusy;
    tf_.status = kStatusBsy;
    pio_block_done();
  }
}

// ---- DMA ----

void IdeDevice::run_dma(IdeDmaPort& port) {
  while (phase_ == Phase::kDma) {
    if (!dma_chunk_loaded_) {
      dma_chunk_.clear();
      if (!dma_next_chunk(dma_chunk_)) return;
      if (dma_chunk_.empty()) continue;
      dma_chunk_loaded_ = true;
      dma_pos_ = 0;
    }
    size_t moved = 0;
    const auto rest = std::span<uint8_t>(dma_chunk_).subspan(dma_pos_);
    const IdeDmaPort::Result result =
        dma_to_host_ ? port.to_memory(rest, moved) : port.from_memory(rest, moved);
    dma_pos_ += moved;
    if (result == IdeDmaPort::Result::kBusError) {
      // The bus master stopped with a master abort; the drive ends the command with an
      // error so the driver hears of it now rather than at its timeout.
      fail(kErrorAbrt);
      return;
    }
    // The PRD table ran out first: the drive keeps DMARQ up and waits, as hardware does,
    // until the bus master is restarted or the host resets it.
    if (result == IdeDmaPort::Result::kPrdExhausted) return;
    dma_chunk_loaded_ = false;
    if (!dma_to_host_ && !dma_chunk_done(dma_chunk_)) return;
  }
}

// ---- IDENTIFY helpers ----

uint16_t IdeDevice::reset_result_word() const {
  // ATA-6 8.15.56: bit 14 set, bit 13 CBLID (a 40-wire cable: the PIIX3 has no UDMA).
  // Device 0: bit 0 set, bits 2-1 = 01 (jumper), bit 3 passed diagnostics, bits 4/5
  // PDIAG-/DASP- seen from device 1, or bit 6 "device 0 answers for device 1" when there
  // is none (SeaBIOS reads that and skips probing the slave).
  // Device 1: bit 8 set, bits 10-9 = 01 (jumper), bit 11 asserted PDIAG-.
  if (unit_ == 0) {
    uint16_t word = 0x4000 | 0x0001 | 0x0002 | 0x0008;
    word |= other_device_present() ? (0x0010 | 0x0020) : 0x0040;
    return word;
  }
  return 0x4000 | 0x0100 | 0x0200 | 0x0800;
}

void IdeDevice::put_string(std::span<uint16_t> words, size_t first, const std::string& text,
                           size_t size_chars) {
  for (size_t i = 0; i < size_chars; ++i) {
    const uint8_t c = i < text.size() ? static_cast<uint8_t>(text[i]) : ' ';
    uint16_t& word = words[first + i / 2];
    word = (i % 2 == 0) ? static_cast<uint16_t>((word & 0x00FF) | (c << 8))
                        : static_cast<uint16_t>((word & 0xFF00) | c);
  }
}

void IdeDevice::put_checksum(std::array<uint16_t, 256>& words) {
  unsigned sum = 0xA5;
  for (size_t i = 0; i < 255; ++i) sum += (words[i] & 0xFF) + (words[i] >> 8);
  words[255] = static_cast<uint16_t>(0x00A5 | (((0x100 - (sum & 0xFF)) & 0xFF) << 8));
}

}  // namespace trapeze
