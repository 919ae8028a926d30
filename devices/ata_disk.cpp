#include "devices/ata_disk.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "devices/ata_registers.h"

namespace trapeze {

using namespace ata;

namespace {

constexpr uint32_t kSectorBytes = DiskImage::kHardDiskSectorBytes;
// The largest disk a CHS translation can describe: 16383 cylinders x 16 heads x 63
// sectors (ATA-6 6.2.1; words 1/3/6 of bigger disks say exactly this).
constexpr uint64_t kMaxChsSectors = 16383ull * 16 * 63;
constexpr uint64_t kMaxLba28 = 0x0FFFFFFF;

AtaDisk::Geometry default_geometry_for(uint64_t sectors) {
  const uint64_t cylinders = std::min(sectors, kMaxChsSectors) / (16 * 63);
  // A disk smaller than one cylinder (a test boot sector) still gets one, so the
  // translation is usable; addresses past the image's end give IDNF.
  return {static_cast<uint32_t>(std::max<uint64_t>(cylinders, 1)), 16, 63};
}

}  // namespace

AtaDisk::AtaDisk(std::unique_ptr<DiskImage> image, std::string serial)
    : image_(std::move(image)), serial_(std::move(serial)) {
  if (!image_ || image_->medium() != DiskMedium::kHardDisk)
    throw std::invalid_argument("AtaDisk needs a hard-disk image (512-byte sectors)");
  sectors_ = image_->sector_count();
  default_geometry_ = default_geometry_for(sectors_);
  current_geometry_ = default_geometry_;
}

std::string AtaDisk::describe() const {
  return fmt::format("ATA disk '{}', {} sectors ({} MiB){}", image_->name(), sectors_,
                     sectors_ / 2048, image_->read_only() ? ", read-only" : "");
}

uint8_t AtaDisk::status_after_reset() const { return kStatusDrdy | kStatusDsc; }

void AtaDisk::reset_settings() {
  multiple_count_ = 0;
  write_cache_ = true;
  look_ahead_ = true;
  transfer_mode_ = 0;
  standby_ = false;
  current_geometry_ = default_geometry_;
}

// ---- IDENTIFY DEVICE (ATA-6 8.15) ----

std::array<uint16_t, 256> AtaDisk::identify_data() const {
  std::array<uint16_t, 256> w{};
  w[0] = 0x0040;  // fixed device, not removable, ATA
  w[1] = static_cast<uint16_t>(default_geometry_.cylinders);
  w[3] = static_cast<uint16_t>(default_geometry_.heads);
  w[6] = static_cast<uint16_t>(default_geometry_.sectors_per_track);
  const std::string serial = serial_.empty() ? fmt::format("TZ{:05}", drive_number()) : serial_;
  put_string(w, 10, serial, 20);
  put_string(w, 23, TRAPEZE_VERSION, 8);
  put_string(w, 27, kModel, 40);
  w[47] = 0x8000 | kMaxMultipleSectors;
  w[49] = 0x0B00;  // IORDY supported, LBA, DMA
  w[50] = 0x4000;
  w[51] = 0x0200;  // PIO timing mode 2 (obsolete word, still read by old drivers)
  w[52] = 0x0200;
  w[53] = 0x0007;  // words 54-58, 64-70 and 88 are valid
  const Geometry& g = current_geometry_;
  w[54] = static_cast<uint16_t>(g.cylinders);
  w[55] = static_cast<uint16_t>(g.heads);
  w[56] = static_cast<uint16_t>(g.sectors_per_track);
  const uint32_t chs_capacity = g.cylinders * g.heads * g.sectors_per_track;
  w[57] = static_cast<uint16_t>(chs_capacity);
  w[58] = static_cast<uint16_t>(chs_capacity >> 16);
  w[59] = multiple_count_ != 0 ? static_cast<uint16_t>(0x0100 | multiple_count_) : 0;
  const uint32_t lba28 = static_cast<uint32_t>(std::min(sectors_, kMaxLba28));
  w[60] = static_cast<uint16_t>(lba28);
  w[61] = static_cast<uint16_t>(lba28 >> 16);
  // Supported modes in the low byte, the selected one in the high byte.
  const unsigned mode = transfer_mode_ & 7;
  w[63] = 0x0007;  // multiword DMA 0-2
  if ((transfer_mode_ & 0xF8) == 0x20) w[63] |= static_cast<uint16_t>(0x0100 << mode);
  w[64] = 0x0003;  // PIO 3 and 4
  w[65] = 120;     // DMA and PIO cycle times, ns
  w[66] = 120;
  w[67] = 120;
  w[68] = 120;
  w[80] = 0x007E;  // ATA-1 to ATA-6
  w[82] = 0x4060;  // NOP, look-ahead, write cache
  w[83] = 0x7400;  // FLUSH CACHE EXT, FLUSH CACHE, 48-bit addresses
  w[84] = 0x4000;
  w[85] = static_cast<uint16_t>(0x4000 | (look_ahead_ ? 0x0040 : 0) | (write_cache_ ? 0x0020 : 0));
  w[86] = 0x3400;
  w[87] = 0x4000;
  w[88] = 0x003F;  // Ultra DMA 0-5
  if ((transfer_mode_ & 0xF8) == 0x40) w[88] |= static_cast<uint16_t>(0x0100 << mode);
  w[93] = reset_result_word();
  for (int i = 0; i < 4; ++i) w[100 + i] = static_cast<uint16_t>(sectors_ >> (16 * i));
  w[106] = 0x4000;  // one 512-byte logical sector per physical sector
  put_checksum(w);
  return w;
}

// ---- Commands ----

void AtaDisk::execute(uint8_t command) {
  if (command >= kCmdRecalibrate && command <= 0x1F) {
    finish();  // obsolete; BIOSes still send it after a reset
    return;
  }
  if (command >= kCmdSeek && command <= 0x7F) {
    uint64_t lba = 0;
    addressing_ = (tf_.device & kDeviceLba) != 0 ? Addressing::kLba28 : Addressing::kChs;
    if (!decode_address(lba)) return;
    if (lba >= sectors_) {
      fail(kErrorIdnf);
      return;
    }
    finish();
    return;
  }
  switch (command) {
    case kCmdReadSectors:
    case kCmdReadSectorsNoRetry:
      return start_transfer(false, Transfer::kPio, false);
    case kCmdReadSectorsExt:
      return start_transfer(false, Transfer::kPio, true);
    case kCmdReadMultiple:
      return start_transfer(false, Transfer::kPioMultiple, false);
    case kCmdReadMultipleExt:
      return start_transfer(false, Transfer::kPioMultiple, true);
    case kCmdReadDma:
    case kCmdReadDmaNoRetry:
      return start_transfer(false, Transfer::kDma, false);
    case kCmdReadDmaExt:
      return start_transfer(false, Transfer::kDma, true);
    case kCmdWriteSectors:
    case kCmdWriteSectorsNoRetry:
      return start_transfer(true, Transfer::kPio, false);
    case kCmdWriteSectorsExt:
      return start_transfer(true, Transfer::kPio, true);
    case kCmdWriteMultiple:
      return start_transfer(true, Transfer::kPioMultiple, false);
    case kCmdWriteMultipleExt:
      return start_transfer(true, Transfer::kPioMultiple, true);
    case kCmdWriteDma:
    case kCmdWriteDmaNoRetry:
      return start_transfer(true, Transfer::kDma, false);
    case kCmdWriteDmaExt:
      return start_transfer(true, Transfer::kDma, true);
    case kCmdReadVerify:
    case kCmdReadVerifyNoRetry:
      return start_transfer(false, Transfer::kVerify, false);
    case kCmdReadVerifyExt:
      return start_transfer(false, Transfer::kVerify, true);
    case kCmdIdentify: {
      const std::array<uint16_t, 256> words = identify_data();
      std::span<uint8_t> buffer = pio_buffer(kSectorBytes);
      for (size_t i = 0; i < words.size(); ++i) {
        buffer[2 * i] = static_cast<uint8_t>(words[i]);
        buffer[2 * i + 1] = static_cast<uint8_t>(words[i] >> 8);
      }
      writing_ = false;
      identify_block_ = true;
      begin_pio_in(kSectorBytes);
      return;
    }
    case kCmdSetFeatures:
      return set_features();
    case kCmdSetMultiple:
      return set_multiple_mode();
    case kCmdInitializeParameters:
      return initialize_device_parameters();
    case kCmdFlushCache:
    case kCmdFlushCacheExt:
      return flush_cache();
    // Power management (ATA-6 6.11): the image never spins down, but the guest sees the
    // mode it asked for, and any media access makes the drive active again.
    case kCmdStandbyImmediate:
    case kCmdStandbyImmediateOld:
    case kCmdStandby:
    case kCmdStandbyOld:
    case kCmdSleep:  // a sleeping drive needs a reset to wake; standby is close enough
    case kCmdSleepOld:
      standby_ = true;
      finish();
      return;
    case kCmdIdleImmediate:
    case kCmdIdleImmediateOld:
    case kCmdIdle:
    case kCmdIdleOld:
      standby_ = false;
      finish();
      return;
    case kCmdCheckPowerMode:
    case kCmdCheckPowerModeOld:
      tf_.sector_count = standby_ ? 0x00 : 0xFF;  // standby, or active/idle
      finish();
      return;
    case kCmdNop:             // always aborts (ATA-6 8.21)
    case kCmdIdentifyPacket:  // a disk is not a packet device: how SeaBIOS tells them apart
    case kCmdPacket:
    case kCmdDeviceReset:
      fail(kErrorAbrt);
      return;
    default:
      log_unsupported(command);
      fail(kErrorAbrt);
      return;
  }
}

void AtaDisk::log_unsupported(uint8_t command) {
  if (unsupported_logged_[command]) return;
  unsupported_logged_[command] = true;
  log_->warn("{}: ATA command {:#04x} not implemented, aborted (reported once)", position(),
             command);
}

uint32_t AtaDisk::block_sectors() const {
  return transfer_ == Transfer::kPioMultiple ? multiple_count_ : 1;
}

void AtaDisk::start_transfer(bool write, Transfer transfer, bool ext) {
  if (transfer == Transfer::kPioMultiple && multiple_count_ == 0) {
    fail(kErrorAbrt);  // READ/WRITE MULTIPLE before SET MULTIPLE MODE (ATA-6 8.29)
    return;
  }
  addressing_ = ext                              ? Addressing::kLba48
                : (tf_.device & kDeviceLba) != 0 ? Addressing::kLba28
                                                 : Addressing::kChs;
  uint64_t lba = 0;
  if (!decode_address(lba)) return;
  uint64_t count =
      ext ? (uint64_t{tf_.hob_sector_count} << 8 | tf_.sector_count) : uint64_t{tf_.sector_count};
  if (count == 0) count = ext ? 65536 : 256;
  if (lba >= sectors_ || count > sectors_ - lba) {
    log_->debug("{}: sectors {}+{} are beyond the disk's {}", position(), lba, count, sectors_);
    fail(kErrorIdnf);
    return;
  }
  standby_ = false;
  writing_ = write;
  identify_block_ = false;
  transfer_ = transfer;
  next_lba_ = lba;
  remaining_ = count;
  switch (transfer) {
    case Transfer::kVerify:
      verify();
      return;
    case Transfer::kDma:
      begin_dma(!write);
      return;
    case Transfer::kPio:
    case Transfer::kPioMultiple:
      if (write) {
        block_count_ = static_cast<uint32_t>(std::min<uint64_t>(block_sectors(), remaining_));
        begin_pio_out(block_count_ * kSectorBytes, false);
      } else {
        send_read_block();
      }
      return;
  }
}

bool AtaDisk::decode_address(uint64_t& lba) {
  switch (addressing_) {
    case Addressing::kLba48:
      lba = uint64_t{tf_.hob_lba_high} << 40 | uint64_t{tf_.hob_lba_mid} << 32 |
            uint64_t{tf_.hob_lba_low} << 24 | uint64_t{tf_.lba_high} << 16 |
            uint64_t{tf_.lba_mid} << 8 | tf_.lba_low;
      return true;
    case Addressing::kLba28:
      lba = uint64_t{tf_.device & 0x0Fu} << 24 | uint64_t{tf_.lba_high} << 16 |
            uint64_t{tf_.lba_mid} << 8 | tf_.lba_low;
      return true;
    case Addressing::kChs: {
      const Geometry& g = current_geometry_;
      const uint32_t cylinder = uint32_t{tf_.lba_high} << 8 | tf_.lba_mid;
      const uint32_t head = tf_.device & 0x0Fu;
      const uint32_t sector = tf_.lba_low;
      if (sector == 0 || sector > g.sectors_per_track || head >= g.heads ||
          cylinder >= g.cylinders) {
        log_->debug("{}: CHS {}/{}/{} outside the translation {}/{}/{}", position(), cylinder, head,
                    sector, g.cylinders, g.heads, g.sectors_per_track);
        fail(kErrorIdnf);
        return false;
      }
      lba = (uint64_t{cylinder} * g.heads + head) * g.sectors_per_track + (sector - 1);
      return true;
    }
  }
  return false;
}

void AtaDisk::set_address(uint64_t lba) {
  switch (addressing_) {
    case Addressing::kLba48:
      tf_.hob_lba_low = static_cast<uint8_t>(lba >> 24);
      tf_.hob_lba_mid = static_cast<uint8_t>(lba >> 32);
      tf_.hob_lba_high = static_cast<uint8_t>(lba >> 40);
      [[fallthrough]];
    case Addressing::kLba28:
      tf_.lba_low = static_cast<uint8_t>(lba);
      tf_.lba_mid = static_cast<uint8_t>(lba >> 8);
      tf_.lba_high = static_cast<uint8_t>(lba >> 16);
      if (addressing_ == Addressing::kLba28)
        tf_.device = static_cast<uint8_t>((tf_.device & 0xF0) | ((lba >> 24) & 0x0F));
      return;
    case Addressing::kChs: {
      const Geometry& g = current_geometry_;
      const uint64_t cylinder = lba / (uint64_t{g.heads} * g.sectors_per_track);
      const uint64_t head = (lba / g.sectors_per_track) % g.heads;
      tf_.lba_low = static_cast<uint8_t>(lba % g.sectors_per_track + 1);
      tf_.lba_mid = static_cast<uint8_t>(cylinder);
      tf_.lba_high = static_cast<uint8_t>(cylinder >> 8);
      tf_.device = static_cast<uint8_t>((tf_.device & 0xF0) | (head & 0x0F));
      return;
    }
  }
}

void AtaDisk::set_remaining_count(uint64_t count) {
  tf_.sector_count = static_cast<uint8_t>(count);
  if (addressing_ == Addressing::kLba48) tf_.hob_sector_count = static_cast<uint8_t>(count >> 8);
}

void AtaDisk::fail_at(uint64_t lba, uint8_t error) {
  set_address(lba);
  set_remaining_count(remaining_);
  fail(error);
}

uint8_t AtaDisk::write_error(DiskStatus status) const {
  return status == DiskStatus::kOutOfRange ? kErrorIdnf : kErrorAbrt;
}

// ---- PIO ----

void AtaDisk::send_read_block() {
  block_count_ = static_cast<uint32_t>(std::min<uint64_t>(block_sectors(), remaining_));
  std::span<uint8_t> buffer = pio_buffer(block_count_ * kSectorBytes);
  const DiskStatus status = image_->read(next_lba_, buffer);
  if (status != DiskStatus::kOk) {
    fail_at(next_lba_, status == DiskStatus::kOutOfRange ? kErrorIdnf : kErrorUnc);
    return;
  }
  begin_pio_in(buffer.size());
}

void AtaDisk::write_block() {
  uint64_t written = 0;
  DiskStatus status = image_->write(next_lba_, pio_buffer(block_count_ * kSectorBytes), &written);
  if (status == DiskStatus::kOk && !write_cache_) status = image_->flush();
  if (status != DiskStatus::kOk) {
    fail_at(next_lba_ + written, write_error(status));
    return;
  }
  next_lba_ += block_count_;
  remaining_ -= block_count_;
  set_address(next_lba_ - 1);
  set_remaining_count(remaining_);
  if (remaining_ == 0) {
    finish();
    return;
  }
  block_count_ = static_cast<uint32_t>(std::min<uint64_t>(block_sectors(), remaining_));
  begin_pio_out(block_count_ * kSectorBytes, true);
}

void AtaDisk::pio_block_done() {
  if (identify_block_) {
    identify_block_ = false;
    finish(false);
    return;
  }
  if (writing_) {
    busy_then(kStepWriteBlock, kBlockLatencyNs);
    return;
  }
  next_lba_ += block_count_;
  remaining_ -= block_count_;
  set_address(next_lba_ - 1);
  set_remaining_count(remaining_);
  // The last block of a PIO read gets no interrupt after it: the host was told when its
  // data was ready (ATA-6 9.7).
  if (remaining_ == 0) {
    finish(false);
    return;
  }
  busy_then(kStepReadBlock, kBlockLatencyNs);
}

void AtaDisk::step(uint64_t step_code) {
  if (step_code == kStepReadBlock) {
    send_read_block();
  } else if (step_code == kStepWriteBlock) {
    write_block();
  }
}

// ---- DMA ----

bool AtaDisk::dma_next_chunk(std::vector<uint8_t>& chunk) {
  if (remaining_ == 0) {
    set_address(next_lba_ - 1);
    set_remaining_count(0);
    finish();
    return false;
  }
  block_count_ = static_cast<uint32_t>(std::min<uint64_t>(kDmaChunkSectors, remaining_));
  chunk.resize(block_count_ * kSectorBytes);
  if (writing_) return true;  // filled from memory, then dma_chunk_done()
  const DiskStatus status = image_->read(next_lba_, chunk);
  if (status != DiskStatus::kOk) {
    fail_at(next_lba_, status == DiskStatus::kOutOfRange ? kErrorIdnf : kErrorUnc);
    return false;
  }
  next_lba_ += block_count_;
  remaining_ -= block_count_;
  return true;
}

bool AtaDisk::dma_chunk_done(const std::vector<uint8_t>& chunk) {
  uint64_t written = 0;
  DiskStatus status = image_->write(next_lba_, chunk, &written);
  if (status == DiskStatus::kOk && !write_cache_) status = image_->flush();
  if (status != DiskStatus::kOk) {
    fail_at(next_lba_ + written, write_error(status));
    return false;
  }
  next_lba_ += block_count_;
  remaining_ -= block_count_;
  return true;
}

// ---- Non-data commands ----

void AtaDisk::verify() {
  // READ VERIFY reads without transferring: host read errors still show (UNC).
  std::vector<uint8_t> scratch;
  while (remaining_ > 0) {
    const uint64_t n = std::min<uint64_t>(kDmaChunkSectors, remaining_);
    scratch.resize(n * kSectorBytes);
    if (image_->read(next_lba_, scratch) != DiskStatus::kOk) {
      fail_at(next_lba_, kErrorUnc);
      return;
    }
    next_lba_ += n;
    remaining_ -= n;
  }
  set_address(next_lba_ - 1);
  set_remaining_count(0);
  finish();
}

void AtaDisk::set_features() {
  switch (tf_.features) {
    case kFeatureSetTransferMode: {
      // Sector count: 00h/01h PIO default, 08h+n PIO flow-control mode n, 20h+n multiword
      // DMA n, 40h+n Ultra DMA n (ATA-6 8.37.10). A mode not in IDENTIFY is refused.
      const uint8_t value = tf_.sector_count;
      const unsigned kind = value >> 3;
      const unsigned mode = value & 7;
      const bool valid = (kind == 0 && mode <= 1) || (kind == 1 && mode <= 4) ||
                         (kind == 4 && mode <= 2) || (kind == 8 && mode <= 5);
      if (!valid) {
        fail(kErrorAbrt);
        return;
      }
      transfer_mode_ = value;
      finish();
      return;
    }
    case kFeatureEnableWriteCache:
      write_cache_ = true;
      finish();
      return;
    case kFeatureDisableWriteCache:
      // What the cache held reaches the medium before the drive writes through.
      write_cache_ = false;
      if (image_->flush() != DiskStatus::kOk) {
        fail(kErrorAbrt);
        return;
      }
      finish();
      return;
    case kFeatureEnableLookAhead:
    case kFeatureDisableLookAhead:
      look_ahead_ = tf_.features == kFeatureEnableLookAhead;
      finish();
      return;
    case kFeatureEnableRevert:
    case kFeatureDisableRevert:
      finish();  // settings already survive soft resets
      return;
    default:
      log_->warn("{}: SET FEATURES {:#04x} not implemented, aborted", position(), tf_.features);
      fail(kErrorAbrt);
      return;
  }
}

void AtaDisk::set_multiple_mode() {
  const unsigned count = tf_.sector_count;
  // 0 turns multiple mode off; otherwise a power of two up to word 47's maximum.
  if (count > kMaxMultipleSectors || (count & (count - 1)) != 0) {
    fail(kErrorAbrt);
    return;
  }
  multiple_count_ = count;
  finish();
}

void AtaDisk::initialize_device_parameters() {
  const uint32_t sectors_per_track = tf_.sector_count;
  const uint32_t heads = (tf_.device & 0x0Fu) + 1;
  if (sectors_per_track == 0) {
    fail(kErrorAbrt);
    return;
  }
  const uint64_t cylinders =
      std::min<uint64_t>(std::min(sectors_, kMaxChsSectors) / (heads * sectors_per_track), 65535);
  current_geometry_ = {static_cast<uint32_t>(std::max<uint64_t>(cylinders, 1)), heads,
                       sectors_per_track};
  finish();
}

void AtaDisk::flush_cache() {
  if (image_->flush() != DiskStatus::kOk) {
    fail(kErrorAbrt);
    return;
  }
  finish();
}

}  // namespace trapeze
