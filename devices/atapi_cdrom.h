// An ATAPI CD-ROM drive (T13 ATA/ATAPI-6 packet protocol, SFF-8020i; commands from INCITS
// MMC-3 and SPC-2) over a read-only DiskImage of 2048-byte sectors (an ISO image).
//
// ATA side: IDENTIFY PACKET DEVICE, PACKET, DEVICE RESET, SET FEATURES (transfer mode),
// the power commands; IDENTIFY DEVICE aborts with the packet signature in the task file,
// which is how hosts recognise a packet device. After a reset the status is 00h (DRDY
// is not set for packet devices, ATA-6 9.1).
//
// Packet commands: TEST UNIT READY, REQUEST SENSE, INQUIRY, READ CAPACITY, READ(10),
// READ(12), READ CD (user data only), SEEK(10), READ TOC/PMA/ATIP (formats 0, 1, 2),
// MODE SENSE(10) (pages 01h, 2Ah, 3Fh), START STOP UNIT, PREVENT ALLOW MEDIUM REMOVAL,
// GET CONFIGURATION (profile list, core, removable medium, random readable, CD read),
// GET EVENT STATUS NOTIFICATION (polled, media class), MECHANISM STATUS, SET CD SPEED.
// Others end in CHECK CONDITION, ILLEGAL REQUEST / INVALID COMMAND OPERATION CODE (logged
// once each).
//
// Data phases: PIO data goes in DRQ blocks no larger than the byte count limit the host
// put in the LBA mid/high registers (rounded down to even, FFFFh -> FFFEh, 0 -> FFFEh),
// each announced by an interrupt with the byte count in those registers and the
// interrupt reason "data in"; the command ends with the reason "status" and an
// interrupt. With the DMA bit in the features register the data goes through the bus
// master instead. A failing command sets ERR with the sense key in the error register's
// high nibble; REQUEST SENSE then returns fixed-format sense data.
//
// The medium: insert_medium() loads a disc (the guest sees a UNIT ATTENTION, "medium may
// have changed", and a "new media" event); eject_medium() or the guest's START STOP UNIT
// with LoEj takes it out, unless the guest locked the tray with PREVENT ALLOW MEDIUM
// REMOVAL. A disc present at power-on raises no unit attention (as QEMU), so the first
// TEST UNIT READY from SeaBIOS succeeds.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "devices/disk_image.h"
#include "devices/ide_device.h"

namespace trapeze {

class AtapiCdrom : public IdeDevice {
 public:
  static constexpr const char* kModel = "TRAPEZE CD-ROM";
  static constexpr uint32_t kSectorBytes = DiskImage::kCdRomSectorBytes;

  // SCSI sense keys used here (SPC-2 table 107).
  static constexpr uint8_t kSenseNone = 0x0;
  static constexpr uint8_t kSenseNotReady = 0x2;
  static constexpr uint8_t kSenseMediumError = 0x3;
  static constexpr uint8_t kSenseIllegalRequest = 0x5;
  static constexpr uint8_t kSenseUnitAttention = 0x6;

  struct Sense {
    uint8_t key = kSenseNone;
    uint8_t asc = 0;
    uint8_t ascq = 0;
    friend bool operator==(const Sense&, const Sense&) = default;
  };

  // `medium` may be null: an empty drive. It must be a CD-ROM image (2048-byte sectors).
  explicit AtapiCdrom(std::unique_ptr<DiskImage> medium, std::string serial = {});

  bool is_atapi() const override { return true; }
  std::string describe() const override;

  // Loads a disc (replacing one that is there).
  void insert_medium(std::unique_ptr<DiskImage> medium);
  // Takes the disc out. Refused (false) while the guest prevents removal, unless `force`.
  bool eject_medium(bool force = false);
  bool has_medium() const { return medium_ != nullptr; }
  const DiskImage* medium() const { return medium_.get(); }
  bool removal_prevented() const { return prevent_removal_; }
  // The sense data REQUEST SENSE would return next.
  Sense sense() const { return sense_; }
  bool unit_attention_pending() const { return unit_attention_; }

  // The 256 words IDENTIFY PACKET DEVICE returns.
  std::array<uint16_t, 256> identify_data() const;

 protected:
  void execute(uint8_t command) override;
  void step(uint64_t step) override;
  void pio_block_done() override;
  bool dma_next_chunk(std::vector<uint8_t>& chunk) override;
  bool dma_chunk_done(const std::vector<uint8_t>& chunk) override;
  uint8_t status_after_reset() const override { return 0x00; }
  void reset_settings() override;

 private:
  enum class MediaEvent : uint8_t { kNone = 0, kNewMedia = 2, kMediaRemoval = 3 };
  static constexpr uint64_t kStepRunPacket = kFirstDerivedStep;
  static constexpr uint64_t kStepNextBlock = kFirstDerivedStep + 1;
  static constexpr uint64_t kStepComplete = kFirstDerivedStep + 2;
  // Sectors read from the image into the data buffer at a time.
  static constexpr uint32_t kReadChunkSectors = 16;

  void run_packet();
  // Ends the packet command with CHECK CONDITION.
  void check_condition(uint8_t key, uint8_t asc, uint8_t ascq = 0);
  // The packet command has nothing (more) to transfer: status phase with an interrupt.
  void complete_packet();
  // Sends `response` (cut to `allocation_length`) to the host, then completes.
  void reply(std::vector<uint8_t> response, size_t allocation_length);
  // Starts sending `count` sectors from `lba`.
  void start_read(uint64_t lba, uint64_t count);
  // Starts the data-in phase for what reply()/start_read() set up.
  void start_data_in();
  // Refills data_ from the medium when it is used up; false after failing the command.
  bool refill();
  uint64_t bytes_left() const;
  void send_pio_block();
  bool require_medium();

  void read_toc(const uint8_t* cdb);
  void mode_sense(const uint8_t* cdb);
  void get_configuration(const uint8_t* cdb);
  void get_event_status(const uint8_t* cdb);
  void start_stop_unit(const uint8_t* cdb);
  void log_unsupported(uint8_t opcode);

  std::unique_ptr<DiskImage> medium_;
  std::string serial_;
  std::array<uint8_t, 12> cdb_{};
  Sense sense_;
  bool unit_attention_ = false;
  bool prevent_removal_ = false;
  MediaEvent media_event_ = MediaEvent::kNone;
  uint8_t transfer_mode_ = 0;
  bool standby_ = false;
  // The data phase in progress: bytes ready in data_ from data_pos_, and sectors still to
  // be read from the medium.
  bool awaiting_packet_ = false;  // PACKET written; the 12 command bytes are coming
  bool use_dma_ = false;
  uint32_t byte_count_limit_ = 0;
  std::vector<uint8_t> data_;
  size_t data_pos_ = 0;
  uint64_t read_lba_ = 0;
  uint64_t read_sectors_left_ = 0;
  std::array<bool, 256> unsupported_logged_{};
};

}  // namespace trapeze
