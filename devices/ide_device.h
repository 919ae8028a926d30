// What every device on an IDE cable shares (T13 ATA/ATAPI-6, 1410D): the task-file
// registers with their LBA48 "previous content" bytes, the BSY/DRDY/DRQ/ERR status
// protocol, PIO data blocks through the data port, DMA data through the host's bus
// master, the interrupt request (INTRQ), software reset and the reset signature.
// AtaDisk and AtapiCdrom add their command sets on top.
//
// Timing. A command takes effect kCommandLatencyNs after the guest writes it (BSY in
// between), and each further PIO block kBlockLatencyNs after the previous one; a reset
// ends kResetLatencyNs after SRST drops. These are virtual-time delays, short enough that
// no driver waits noticeably and long enough that drivers see the BSY phase and get their
// interrupt after the command write returns, as from a drive with its data in cache.
// DMA data moves in one go once the drive is ready and the bus master is started.
#pragma once

#include <spdlog/logger.h>

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "devices/scheduler.h"

namespace trapeze {

class IdeChannel;

// The host adapter's DMA engine (the PIIX3 bus master), as a drive sees it: bytes go to
// or come from guest memory at the engine's current PRD position.
class IdeDmaPort {
 public:
  enum class Result {
    kOk,            // all bytes moved
    kPrdExhausted,  // the PRD table ended first; the transfer stalls until restarted
    kBusError,      // a PRD pointed outside RAM (a PCI master abort)
  };
  virtual ~IdeDmaPort() = default;
  // `moved` receives the bytes moved before the result.
  virtual Result to_memory(std::span<const uint8_t> bytes, size_t& moved) = 0;
  virtual Result from_memory(std::span<uint8_t> bytes, size_t& moved) = 0;
};

// The task file as one device holds it. The "hob_" bytes are the previous value written
// to each register (ATA-6 6.20: the registers are two-byte FIFOs for 48-bit commands),
// read back with the HOB bit of the device control register.
struct AtaTaskFile {
  uint8_t features = 0;
  uint8_t sector_count = 0;
  uint8_t lba_low = 0;
  uint8_t lba_mid = 0;
  uint8_t lba_high = 0;
  uint8_t hob_features = 0;
  uint8_t hob_sector_count = 0;
  uint8_t hob_lba_low = 0;
  uint8_t hob_lba_mid = 0;
  uint8_t hob_lba_high = 0;
  uint8_t device = 0;
  uint8_t error = 0;
  uint8_t status = 0;
};

class IdeDevice {
 public:
  static constexpr uint64_t kCommandLatencyNs = 2'000;
  static constexpr uint64_t kBlockLatencyNs = 1'000;
  static constexpr uint64_t kResetLatencyNs = 10'000;

  virtual ~IdeDevice();
  IdeDevice(const IdeDevice&) = delete;
  IdeDevice& operator=(const IdeDevice&) = delete;

  virtual bool is_atapi() const = 0;
  // For logs and the monitor: "ide0-0 disk 'hda.img'".
  virtual std::string describe() const = 0;

  // ---- The channel's side (the cable). ----
  // Called by IdeChannel::attach()/detach().
  void connect(IdeChannel* channel, unsigned unit);
  unsigned unit() const { return unit_; }

  // Command block registers 1-6 (not data, not status/command). Reads have no side
  // effects; `hob` selects the previous bytes.
  uint8_t read_register(uint16_t reg, bool hob) const;
  // Every device on the cable latches every register write (ATA-6 6.3).
  void write_register(uint16_t reg, uint8_t value);
  uint8_t status() const { return tf_.status; }
  // A status-register read: acknowledges the device's interrupt.
  uint8_t read_status();
  // The command register, for the selected device. EXECUTE DEVICE DIAGNOSTIC goes to
  // run_diagnostic() instead (the channel sends it to both devices).
  void write_command(uint8_t command);
  void run_diagnostic(bool reports_interrupt);
  uint32_t read_data(unsigned size_bytes);
  void write_data(unsigned size_bytes, uint32_t value);
  // The SRST bit of the device control register.
  void set_soft_reset(bool asserted);
  // Power-on / RESET- on the cable: registers and settings to their defaults, no delay.
  void hardware_reset();
  // INTRQ as the device would drive it when selected and nIEN is clear.
  bool interrupt_pending() const { return intrq_; }
  // The device is ready to move DMA data (DMARQ).
  bool dma_requested() const { return phase_ == Phase::kDma; }
  // The bus master moves data for as long as the device and the PRD table allow.
  void run_dma(IdeDmaPort& port);
  // The channel's scheduler event for this device.
  void on_event(uint64_t step);

  const AtaTaskFile& task_file() const { return tf_; }
  // True while a PIO data block is waiting for the host (DRQ).
  bool pio_active() const { return phase_ == Phase::kPioIn || phase_ == Phase::kPioOut; }

 protected:
  IdeDevice();

  // Steps below kFirstDerivedStep are the base's own.
  static constexpr uint64_t kStepExecute = 0;
  static constexpr uint64_t kStepResetDone = 1;
  static constexpr uint64_t kStepDiagnosticDone = 2;
  static constexpr uint64_t kFirstDerivedStep = 16;

  // ---- Hooks for the device kinds. ----
  // Runs `command` (kCommandLatencyNs after it was written). Must end in one of the
  // phase changes below.
  virtual void execute(uint8_t command) = 0;
  // A step scheduled with busy_then().
  virtual void step(uint64_t step) = 0;
  // The host has moved the whole PIO block (DRQ has dropped).
  virtual void pio_block_done() = 0;
  // DMA data: the next chunk of the transfer. For data to the host, fill `chunk`; for
  // data from the host, size it. Returns false when the transfer is over, after
  // finishing or failing the command.
  virtual bool dma_next_chunk(std::vector<uint8_t>& chunk) = 0;
  // A chunk from the host has arrived in full (not called for data to the host). Returns
  // false after failing the command.
  virtual bool dma_chunk_done(const std::vector<uint8_t>& chunk) = 0;
  // The reset signature is in place (after SRST, power-on, diagnostics, DEVICE RESET):
  // set the status a freshly reset device of this kind shows.
  virtual uint8_t status_after_reset() const = 0;
  // Power-on defaults of the kind's settings (transfer mode, multiple count...).
  virtual void reset_settings() = 0;

  // ---- Phase changes for the device kinds. ----
  // BSY, then step(`step`) after `delay_ns`.
  void busy_then(uint64_t step, uint64_t delay_ns);
  // The first `bytes` of pio_buffer() go to the host: DRQ, and INTRQ.
  void begin_pio_in(size_t bytes);
  // `bytes` come from the host into pio_buffer(): DRQ, with INTRQ when `interrupt` (not
  // for the first block of an ATA write, ATA-6 9.8).
  void begin_pio_out(size_t bytes, bool interrupt);
  // Data through the bus master (`to_host`: a read): DRQ and DMARQ.
  void begin_dma(bool to_host);
  // The command ends well: DRDY, and INTRQ unless !interrupt.
  void finish(bool interrupt = true);
  // The command ends with ERR and `error` in the error register; INTRQ.
  void fail(uint8_t error);
  // Back to idle with the given status and no interrupt.
  void go_idle(uint8_t status);
  // Places the reset signature (ATA or ATAPI) in the task file.
  void set_signature();
  void raise_interrupt();

  // PIO block storage, at least `bytes` long.
  std::span<uint8_t> pio_buffer(size_t bytes);
  uint64_t now_ns() const;
  // The other device on the cable is there (IDENTIFY word 93).
  bool other_device_present() const;
  // Identify word 93: the hardware reset result (ATA-6 8.15.56), for this unit.
  uint16_t reset_result_word() const;
  // "ide0-1" style prefix for logs.
  std::string position() const;
  // The drive's number on the controller, from 1: primary master 1 ... secondary slave 4.
  unsigned drive_number() const;
  // Fills words [first, first + size/2) with an ATA string (two characters per word,
  // first character in the high byte, padded with spaces).
  static void put_string(std::span<uint16_t> words, size_t first, const std::string& text,
                         size_t size_chars);
  // Word 255: signature 0xA5 and a checksum making all 512 bytes sum to zero.
  static void put_checksum(std::array<uint16_t, 256>& words);

  AtaTaskFile tf_;
  uint8_t command_ = 0;  // the command being run
  std::shared_ptr<spdlog::logger> log_;

 private:
  enum class Phase { kIdle, kBusy, kPioIn, kPioOut, kDma, kReset };
  void cancel_event();
  void complete_reset();
  void notify_channel();

  IdeChannel* channel_ = nullptr;
  unsigned unit_ = 0;
  Phase phase_ = Phase::kIdle;
  bool intrq_ = false;
  bool diagnostic_reports_ = false;
  EventId event_;
  std::vector<uint8_t> pio_;
  size_t pio_pos_ = 0;
  size_t pio_end_ = 0;
  // DMA: the chunk being moved and how much of it has been.
  std::vector<uint8_t> dma_chunk_;
  size_t dma_pos_ = 0;
  bool dma_chunk_loaded_ = false;
  bool dma_to_host_ = false;
  bool idle_data_read_logged_ = false;
};

}  // namespace trapeze
