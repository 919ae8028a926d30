#include "devices/atapi_cdrom.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "devices/ata_registers.h"

namespace trapeze {

using namespace ata;

namespace {

// MMC-3 / SPC-2 operation codes.
constexpr uint8_t kScsiTestUnitReady = 0x00;
constexpr uint8_t kScsiRequestSense = 0x03;
constexpr uint8_t kScsiInquiry = 0x12;
constexpr uint8_t kScsiStartStopUnit = 0x1B;
constexpr uint8_t kScsiPreventAllow = 0x1E;
constexpr uint8_t kScsiReadCapacity = 0x25;
constexpr uint8_t kScsiRead10 = 0x28;
constexpr uint8_t kScsiSeek10 = 0x2B;
constexpr uint8_t kScsiReadToc = 0x43;
constexpr uint8_t kScsiGetConfiguration = 0x46;
constexpr uint8_t kScsiGetEventStatus = 0x4A;
constexpr uint8_t kScsiModeSense10 = 0x5A;
constexpr uint8_t kScsiRead12 = 0xA8;
constexpr uint8_t kScsiSetCdSpeed = 0xBB;
constexpr uint8_t kScsiMechanismStatus = 0xBD;
constexpr uint8_t kScsiReadCd = 0xBE;

// Additional sense codes (SPC-2 annex D).
constexpr uint8_t kAscInvalidOpcode = 0x20;
constexpr uint8_t kAscLbaOutOfRange = 0x21;
constexpr uint8_t kAscInvalidField = 0x24;
constexpr uint8_t kAscMediumMayHaveChanged = 0x28;
constexpr uint8_t kAscSavingNotSupported = 0x39;
constexpr uint8_t kAscMediumNotPresent = 0x3A;
constexpr uint8_t kAscUnrecoveredReadError = 0x11;
constexpr uint8_t kAscRemovalPrevented = 0x53;

constexpr uint8_t kAdrControlData = 0x14;  // ADR 1 (position), control 4 (data track)
constexpr uint8_t kLeadOutTrack = 0xAA;
constexpr uint16_t kProfileCdRom = 0x0008;
constexpr uint16_t kSpeedKbps = 706;  // 4x: 176 KB/s per x

uint32_t be16(const uint8_t* p) { return uint32_t{p[0]} << 8 | p[1]; }
uint32_t be24(const uint8_t* p) { return uint32_t{p[0]} << 16 | be16(p + 1); }
uint32_t be32(const uint8_t* p) { return uint32_t{p[0]} << 24 | be24(p + 1); }

void put_be16(std::vector<uint8_t>& out, size_t at, uint32_t value) {
  out[at] = static_cast<uint8_t>(value >> 8);
  out[at + 1] = static_cast<uint8_t>(value);
}

void append_be32(std::vector<uint8_t>& out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(value >> shift));
}

// A CD address: a logical block, or minutes/seconds/frames counted from the start of the
// disc's lead-in gap (LBA 0 is 00:02:00, 75 frames a second).
void append_address(std::vector<uint8_t>& out, uint32_t lba, bool msf) {
  if (!msf) {
    append_be32(out, lba);
    return;
  }
  const uint32_t frames = lba + 150;
  out.push_back(0);
  out.push_back(static_cast<uint8_t>(frames / (60 * 75)));
  out.push_back(static_cast<uint8_t>(frames / 75 % 60));
  out.push_back(static_cast<uint8_t>(frames % 75));
}

void append_text(std::vector<uint8_t>& out, const std::string& text, size_t size) {
  for (size_t i = 0; i < size; ++i)
    out.push_back(i < text.size() ? static_cast<uint8_t>(text[i]) : uint8_t{' '});
}

}  // namespace

AtapiCdrom::AtapiCdrom(std::unique_ptr<DiskImage> medium, std::string serial)
    : serial_(std::move(serial)) {
  if (medium && medium->medium() != DiskMedium::kCdRom)
    throw std::invalid_argument("AtapiCdrom needs a CD-ROM image (2048-byte sectors)");
  medium_ = std::move(medium);
}

std::string AtapiCdrom::describe() const {
  if (!medium_) return "ATAPI CD-ROM, empty";
  return fmt::format("ATAPI CD-ROM '{}', {} sectors ({} MiB)", medium_->name(),
                     medium_->sector_count(), medium_->sector_count() / 512);
}

void AtapiCdrom::insert_medium(std::unique_ptr<DiskImage> medium) {
  if (medium && medium->medium() != DiskMedium::kCdRom)
    throw std::invalid_argument("AtapiCdrom needs a CD-ROM image (2048-byte sectors)");
  medium_ = std::move(medium);
  if (medium_) {
    // The next command learns of the change (MMC-3 4.1.6.2), and GET EVENT STATUS
    // NOTIFICATION reports it to pollers such as Linux's.
    unit_attention_ = true;
    media_event_ = MediaEvent::kNewMedia;
  }
}

bool AtapiCdrom::eject_medium(bool force) {
  if (!medium_) return true;
  if (prevent_removal_ && !force) return false;
  medium_.reset();
  media_event_ = MediaEvent::kMediaRemoval;
  return true;
}

void AtapiCdrom::reset_settings() {
  transfer_mode_ = 0;
  standby_ = false;
  prevent_removal_ = false;  // a hard reset unlocks the tray (SPC-2 7.12)
  sense_ = {};
  awaiting_packet_ = false;
  data_.clear();
  data_pos_ = 0;
  read_sectors_left_ = 0;
}

// ---- IDENTIFY PACKET DEVICE (ATA-6 8.16) ----

std::array<uint16_t, 256> AtapiCdrom::identify_data() const {
  std::array<uint16_t, 256> w{};
  // Packet device, CD-ROM (type 05h), removable, DRQ within 50 us of PACKET, 12-byte
  // command packets.
  w[0] = 0x85C0;
  const std::string serial = serial_.empty() ? fmt::format("TZ{:05}", drive_number()) : serial_;
  put_string(w, 10, serial, 20);
  put_string(w, 23, TRAPEZE_VERSION, 8);
  put_string(w, 27, kModel, 40);
  w[49] = 0x0300;  // LBA, DMA
  w[50] = 0x4000;
  w[53] = 0x0006;  // words 64-70 and 88 are valid
  const unsigned mode = transfer_mode_ & 7;
  w[63] = 0x0007;
  if ((transfer_mode_ & 0xF8) == 0x20) w[63] |= static_cast<uint16_t>(0x0100 << mode);
  w[64] = 0x0003;
  w[65] = 120;
  w[66] = 120;
  w[67] = 120;
  w[68] = 120;
  w[80] = 0x007E;  // ATA/ATAPI-1 to 6
  w[82] = 0x4210;  // NOP, DEVICE RESET, PACKET
  w[83] = 0x4000;
  w[84] = 0x4000;
  w[85] = 0x4210;
  w[87] = 0x4000;
  w[88] = 0x003F;
  if ((transfer_mode_ & 0xF8) == 0x40) w[88] |= static_cast<uint16_t>(0x0100 << mode);
  w[93] = reset_result_word();
  put_checksum(w);
  return w;
}

// ---- ATA commands ----

void AtapiCdrom::execute(uint8_t command) {
  awaiting_packet_ = false;
  data_.clear();
  data_pos_ = 0;
  read_sectors_left_ = 0;
  switch (command) {
    case kCmdPacket: {
      if ((tf_.features & 0x02) != 0) {  // overlapped commands are not supported
        fail(kErrorAbrt);
        return;
      }
      use_dma_ = (tf_.features & 0x01) != 0;
      byte_count_limit_ = uint32_t{tf_.lba_high} << 8 | tf_.lba_mid;
      // 0 is not a valid limit and FFFFh must be taken as FFFEh (SFF-8020i 5.2.2).
      if (byte_count_limit_ == 0 || byte_count_limit_ == 0xFFFF) byte_count_limit_ = 0xFFFE;
      awaiting_packet_ = true;
      tf_.sector_count = kReasonCod;  // ready for the command packet
      begin_pio_out(cdb_.size(), false);
      return;
    }
    case kCmdIdentifyPacket: {
      const std::array<uint16_t, 256> words = identify_data();
      std::span<uint8_t> buffer = pio_buffer(512);
      for (size_t i = 0; i < words.size(); ++i) {
        buffer[2 * i] = static_cast<uint8_t>(words[i]);
        buffer[2 * i + 1] = static_cast<uint8_t>(words[i] >> 8);
      }
      begin_pio_in(512);
      return;
    }
    case kCmdIdentify:
      // ATA-6 8.15: a packet device aborts IDENTIFY DEVICE and leaves its signature, so a
      // host that tried the wrong command learns what it is talking to.
      set_signature();
      fail(kErrorAbrt);
      return;
    case kCmdDeviceReset:
      // Resets the device alone, with no interrupt (ATA-6 8.10).
      set_signature();
      tf_.error = kErrorAmnf;
      go_idle(status_after_reset());
      return;
    case kCmdSetFeatures:
      if (tf_.features == kFeatureSetTransferMode) {
        const unsigned kind = tf_.sector_count >> 3;
        const unsigned mode = tf_.sector_count & 7;
        if ((kind == 0 && mode <= 1) || (kind == 1 && mode <= 4) || (kind == 4 && mode <= 2) ||
            (kind == 8 && mode <= 5)) {
          transfer_mode_ = tf_.sector_count;
          finish();
          return;
        }
      } else if (tf_.features == kFeatureEnableRevert || tf_.features == kFeatureDisableRevert) {
        finish();
        return;
      }
      fail(kErrorAbrt);
      return;
    case kCmdCheckPowerMode:
    case kCmdCheckPowerModeOld:
      tf_.sector_count = standby_ ? 0x00 : 0xFF;
      finish();
      return;
    case kCmdStandbyImmediate:
    case kCmdStandby:
    case kCmdSleep:
      standby_ = true;
      finish();
      return;
    case kCmdIdleImmediate:
    case kCmdIdle:
      standby_ = false;
      finish();
      return;
    case kCmdNop:
      fail(kErrorAbrt);
      return;
    default:
      log_unsupported(command);
      fail(kErrorAbrt);
      return;
  }
}

void AtapiCdrom::log_unsupported(uint8_t opcode) {
  if (unsupported_logged_[opcode]) return;
  unsupported_logged_[opcode] = true;
  log_->warn("{}: {} {:#04x} not implemented, rejected (reported once)", position(),
             command_ == kCmdPacket ? "packet command" : "ATA command", opcode);
}

void AtapiCdrom::pio_block_done() {
  if (awaiting_packet_) {
    awaiting_packet_ = false;
    std::span<const uint8_t> packet = pio_buffer(cdb_.size());
    std::copy(packet.begin(), packet.end(), cdb_.begin());
    busy_then(kStepRunPacket, kCommandLatencyNs);
    return;
  }
  if (command_ != kCmdPacket) {
    finish(false);  // IDENTIFY PACKET DEVICE: PIO data-in, no interrupt after the data
    return;
  }
  busy_then(bytes_left() > 0 ? kStepNextBlock : kStepComplete, kBlockLatencyNs);
}

void AtapiCdrom::step(uint64_t step_code) {
  switch (step_code) {
    case kStepRunPacket:
      run_packet();
      return;
    case kStepNextBlock:
      send_pio_block();
      return;
    case kStepComplete:
      complete_packet();
      return;
    default:
      return;
  }
}

// ---- Packet protocol ----

void AtapiCdrom::complete_packet() {
  tf_.sector_count = kReasonIo | kReasonCod;  // status phase
  finish();
}

void AtapiCdrom::check_condition(uint8_t key, uint8_t asc, uint8_t ascq) {
  sense_ = {key, asc, ascq};
  data_.clear();
  data_pos_ = 0;
  read_sectors_left_ = 0;
  tf_.sector_count = kReasonIo | kReasonCod;
  fail(static_cast<uint8_t>(key << 4));
}

bool AtapiCdrom::require_medium() {
  if (medium_) return true;
  check_condition(kSenseNotReady, kAscMediumNotPresent);
  return false;
}

uint64_t AtapiCdrom::bytes_left() const {
  return (data_.size() - data_pos_) + read_sectors_left_ * kSectorBytes;
}

void AtapiCdrom::reply(std::vector<uint8_t> response, size_t allocation_length) {
  if (response.size() > allocation_length) response.resize(allocation_length);
  data_ = std::move(response);
  data_pos_ = 0;
  read_sectors_left_ = 0;
  start_data_in();
}

void AtapiCdrom::start_read(uint64_t lba, uint64_t count) {
  const uint64_t sectors = medium_->sector_count();
  if (lba > sectors || count > sectors - lba) {
    check_condition(kSenseIllegalRequest, kAscLbaOutOfRange);
    return;
  }
  data_.clear();
  data_pos_ = 0;
  read_lba_ = lba;
  read_sectors_left_ = count;
  start_data_in();
}

void AtapiCdrom::start_data_in() {
  if (bytes_left() == 0) {
    complete_packet();
    return;
  }
  if (use_dma_) {
    begin_dma(true);
  } else {
    send_pio_block();
  }
}

bool AtapiCdrom::refill() {
  if (data_pos_ < data_.size() || read_sectors_left_ == 0) return true;
  if (!medium_) {  // taken out by the host in the middle of a read
    check_condition(kSenseNotReady, kAscMediumNotPresent);
    return false;
  }
  const uint64_t n = std::min<uint64_t>(kReadChunkSectors, read_sectors_left_);
  data_.resize(n * kSectorBytes);
  data_pos_ = 0;
  if (medium_->read(read_lba_, data_) != DiskStatus::kOk) {
    check_condition(kSenseMediumError, kAscUnrecoveredReadError);
    return false;
  }
  read_lba_ += n;
  read_sectors_left_ -= n;
  return true;
}

void AtapiCdrom::send_pio_block() {
  if (!refill()) return;
  const size_t available = data_.size() - data_pos_;
  // The last block may be odd-sized; a block cut short by the limit must be even.
  const size_t even_limit = std::max<size_t>(byte_count_limit_ & ~1u, 2);
  const size_t block = available <= byte_count_limit_ ? available : even_limit;
  std::span<uint8_t> buffer = pio_buffer(block);
  std::copy_n(data_.begin() + static_cast<ptrdiff_t>(data_pos_), block, buffer.begin());
  data_pos_ += block;
  tf_.lba_mid = static_cast<uint8_t>(block);
  tf_.lba_high = static_cast<uint8_t>(block >> 8);
  tf_.sector_count = kReasonIo;  // data to the host
  begin_pio_in(block);
}

bool AtapiCdrom::dma_next_chunk(std::vector<uint8_t>& chunk) {
  if (bytes_left() == 0) {
    complete_packet();
    return false;
  }
  if (!refill()) return false;
  chunk.assign(data_.begin() + static_cast<ptrdiff_t>(data_pos_), data_.end());
  data_pos_ = data_.size();
  return true;
}

bool AtapiCdrom::dma_chunk_done(const std::vector<uint8_t>&) { return true; }

void AtapiCdrom::run_packet() {
  const uint8_t* cdb = cdb_.data();
  const uint8_t opcode = cdb[0];
  if (opcode != kScsiRequestSense) {
    // A pending unit attention fails the next command, except those that report status
    // without touching the medium (MMC-3 4.1.6.2).
    if (unit_attention_ && opcode != kScsiInquiry && opcode != kScsiGetEventStatus &&
        opcode != kScsiGetConfiguration) {
      unit_attention_ = false;
      check_condition(kSenseUnitAttention, kAscMediumMayHaveChanged);
      return;
    }
    sense_ = {};  // sense data describes the last command only
  }
  switch (opcode) {
    case kScsiTestUnitReady:
      if (require_medium()) complete_packet();
      return;
    case kScsiRequestSense: {
      Sense sense = sense_;
      if (sense.key == kSenseNone && unit_attention_) {
        sense = {kSenseUnitAttention, kAscMediumMayHaveChanged, 0};
        unit_attention_ = false;
      }
      sense_ = {};
      std::vector<uint8_t> r(18, 0);
      r[0] = 0x70;  // current error, fixed format
      r[2] = sense.key;
      r[7] = 10;  // additional sense length
      r[12] = sense.asc;
      r[13] = sense.ascq;
      reply(std::move(r), cdb[4]);
      return;
    }
    case kScsiInquiry: {
      if ((cdb[1] & 0x01) != 0) {  // no vital product data pages
        check_condition(kSenseIllegalRequest, kAscInvalidField);
        return;
      }
      std::vector<uint8_t> r = {0x05, 0x80, 0x00, 0x21, 31, 0, 0, 0};  // CD-ROM, removable
      append_text(r, "TRAPEZE", 8);
      append_text(r, kModel, 16);
      append_text(r, TRAPEZE_VERSION, 4);
      reply(std::move(r), be16(cdb + 3));
      return;
    }
    case kScsiStartStopUnit:
      start_stop_unit(cdb);
      return;
    case kScsiPreventAllow:
      prevent_removal_ = (cdb[4] & 0x01) != 0;
      complete_packet();
      return;
    case kScsiReadCapacity: {
      if (!require_medium()) return;
      std::vector<uint8_t> r;
      append_be32(r, static_cast<uint32_t>(medium_->sector_count() - 1));
      append_be32(r, kSectorBytes);
      reply(std::move(r), 8);
      return;
    }
    case kScsiRead10:
      if (require_medium()) start_read(be32(cdb + 2), be16(cdb + 7));
      return;
    case kScsiRead12:
      if (require_medium()) start_read(be32(cdb + 2), be32(cdb + 6));
      return;
    case kScsiReadCd: {
      if (!require_medium()) return;
      // Only the user data of data sectors (sector type "any" or mode 1, and field
      // selection "user data"): what READ(10) returns. Headers, sync, EDC and subchannel
      // data need a raw image.
      const unsigned sector_type = (cdb[1] >> 2) & 7;
      if ((sector_type != 0 && sector_type != 2) || (cdb[9] != 0x10 && cdb[9] != 0) ||
          cdb[10] != 0) {
        log_unsupported(opcode);
        check_condition(kSenseIllegalRequest, kAscInvalidField);
        return;
      }
      start_read(be32(cdb + 2), cdb[9] == 0 ? 0 : be24(cdb + 6));
      return;
    }
    case kScsiSeek10:
      if (!require_medium()) return;
      if (be32(cdb + 2) >= medium_->sector_count()) {
        check_condition(kSenseIllegalRequest, kAscLbaOutOfRange);
        return;
      }
      complete_packet();
      return;
    case kScsiReadToc:
      read_toc(cdb);
      return;
    case kScsiGetConfiguration:
      get_configuration(cdb);
      return;
    case kScsiGetEventStatus:
      get_event_status(cdb);
      return;
    case kScsiModeSense10:
      mode_sense(cdb);
      return;
    case kScsiMechanismStatus: {
      // No changer, idle, the tray closed, no slots (MMC-3 6.1.9).
      std::vector<uint8_t> r(8, 0);
      reply(std::move(r), be16(cdb + 8));
      return;
    }
    case kScsiSetCdSpeed:
      complete_packet();  // the image has one speed
      return;
    default:
      log_unsupported(opcode);
      check_condition(kSenseIllegalRequest, kAscInvalidOpcode);
      return;
  }
}

void AtapiCdrom::start_stop_unit(const uint8_t* cdb) {
  const bool load_eject = (cdb[4] & 0x02) != 0;
  const bool start = (cdb[4] & 0x01) != 0;
  if (load_eject && !start) {
    if (prevent_removal_) {
      check_condition(kSenseIllegalRequest, kAscRemovalPrevented, 0x02);
      return;
    }
    eject_medium();
  }
  complete_packet();
}

void AtapiCdrom::read_toc(const uint8_t* cdb) {
  if (!require_medium()) return;
  const bool msf = (cdb[1] & 0x02) != 0;
  unsigned format = cdb[2] & 0x0F;
  if (format == 0) format = cdb[9] >> 6;  // the older place for the format (SFF-8020i)
  const unsigned track = cdb[6];
  const uint32_t lead_out = static_cast<uint32_t>(medium_->sector_count());
  std::vector<uint8_t> r = {0, 0, 1, 1};  // data length, first and last track (or session)
  switch (format) {
    case 0:  // TOC: track 1 (data) and the lead-out
      if (track > 1 && track != kLeadOutTrack) {
        check_condition(kSenseIllegalRequest, kAscInvalidField);
        return;
      }
      if (track <= 1) {
        r.insert(r.end(), {0, kAdrControlData, 1, 0});
        append_address(r, 0, msf);
      }
      r.insert(r.end(), {0, kAdrControlData, kLeadOutTrack, 0});
      append_address(r, lead_out, msf);
      break;
    case 1:  // session information: one session, starting with track 1
      r.insert(r.end(), {0, kAdrControlData, 1, 0});
      append_address(r, 0, msf);
      break;
    case 2: {  // full TOC: points A0/A1/A2 and track 1, always in MSF
      auto entry = [&r](uint8_t point, uint8_t pmin, uint8_t psec, uint8_t pframe) {
        r.insert(r.end(), {1, kAdrControlData, 0, point, 0, 0, 0, 0, pmin, psec, pframe});
      };
      std::vector<uint8_t> end;
      append_address(end, lead_out, true);
      entry(0xA0, 1, 0x00, 0);  // first track 1, disc type CD-DA or CD-ROM
      entry(0xA1, 1, 0, 0);     // last track 1
      entry(0xA2, end[1], end[2], end[3]);
      entry(1, 0, 2, 0);  // track 1 at 00:02:00
      break;
    }
    default:
      check_condition(kSenseIllegalRequest, kAscInvalidField);
      return;
  }
  put_be16(r, 0, static_cast<uint32_t>(r.size() - 2));
  reply(std::move(r), be16(cdb + 7));
}

void AtapiCdrom::mode_sense(const uint8_t* cdb) {
  const unsigned control = cdb[2] >> 6;  // current, changeable, default, saved
  const unsigned page = cdb[2] & 0x3F;
  if (control == 3) {
    check_condition(kSenseIllegalRequest, kAscSavingNotSupported);
    return;
  }
  const bool changeable = control == 1;  // nothing can be changed: all zeros
  std::vector<uint8_t> r(8, 0);
  r[2] = medium_ ? 0x01 : 0x70;  // 120 mm data CD, or "door closed, no disc"
  auto error_recovery = [&] {
    r.insert(r.end(), {0x01, 0x0A});
    if (changeable) {
      r.insert(r.end(), 10, 0);
    } else {
      r.insert(r.end(), {0x00, 5, 0, 0, 0, 0, 0, 0, 0, 0});  // 5 read retries
    }
  };
  auto capabilities = [&] {
    // CD capabilities and mechanical status (MMC-3 6.3.11): reads CD-ROM only, no
    // audio; a tray that locks and ejects; 4x.
    r.insert(r.end(), {0x2A, 0x12});
    if (changeable) {
      r.insert(r.end(), 18, 0);
      return;
    }
    const uint8_t mechanism = static_cast<uint8_t>(0x29 | (prevent_removal_ ? 0x02 : 0x00));
    r.insert(r.end(), {0x00, 0x00, 0x00, 0x00, mechanism, 0x00,
                       static_cast<uint8_t>(kSpeedKbps >> 8), static_cast<uint8_t>(kSpeedKbps),
                       0x00, 0x00, 0x02, 0x00,  // volume levels, buffer 512 KiB
                       static_cast<uint8_t>(kSpeedKbps >> 8), static_cast<uint8_t>(kSpeedKbps),
                       0x00, 0x00, 0x00, 0x00});
  };
  switch (page) {
    case 0x01:
      error_recovery();
      break;
    case 0x2A:
      capabilities();
      break;
    case 0x3F:
      error_recovery();
      capabilities();
      break;
    default:
      check_condition(kSenseIllegalRequest, kAscInvalidField);
      return;
  }
  put_be16(r, 0, static_cast<uint32_t>(r.size() - 2));
  reply(std::move(r), be16(cdb + 7));
}

void AtapiCdrom::get_configuration(const uint8_t* cdb) {
  const unsigned request_type = cdb[1] & 0x03;
  const uint32_t starting = be16(cdb + 2);
  if (request_type == 3) {
    check_condition(kSenseIllegalRequest, kAscInvalidField);
    return;
  }
  const bool loaded = medium_ != nullptr;
  std::vector<uint8_t> r(8, 0);
  put_be16(r, 6, loaded ? kProfileCdRom : 0);
  // Byte 2 of a descriptor: version << 2 | persistent << 1 | current.
  auto feature = [&](uint16_t code, uint8_t flags, std::initializer_list<uint8_t> data) {
    const bool current = (flags & 0x01) != 0;
    if (request_type == 2 && code != starting) return;
    if (code < starting) return;
    if (request_type == 1 && !current) return;
    r.insert(r.end(), {static_cast<uint8_t>(code >> 8), static_cast<uint8_t>(code), flags,
                       static_cast<uint8_t>(data.size())});
    r.insert(r.end(), data);
  };
  feature(0x0000, 0x03, {0x00, 0x08, static_cast<uint8_t>(loaded ? 1 : 0), 0});  // profiles
  feature(0x0001, 0x03, {0, 0, 0, 2});                                           // core: ATAPI
  feature(0x0003, 0x03, {0x29, 0, 0, 0});  // removable medium: tray, eject, lock
  feature(0x0010, loaded ? 0x01 : 0x00, {0, 0, 0x08, 0x00, 0, 1, 0, 0});  // random readable
  feature(0x001E, loaded ? 0x01 : 0x00, {0, 0, 0, 0});                    // CD read
  const uint32_t length = static_cast<uint32_t>(r.size() - 4);
  for (int i = 0; i < 4; ++i) r[i] = static_cast<uint8_t>(length >> (24 - 8 * i));
  reply(std::move(r), be16(cdb + 7));
}

void AtapiCdrom::get_event_status(const uint8_t* cdb) {
  if ((cdb[1] & 0x01) == 0) {  // only polled operation (MMC-3 6.1.5)
    check_condition(kSenseIllegalRequest, kAscInvalidField);
    return;
  }
  const size_t allocation = be16(cdb + 7);
  constexpr uint8_t kMediaClass = 0x10;  // class 4, as a bit in the request and support masks
  if ((cdb[4] & kMediaClass) == 0) {
    reply({0, 2, 0x80, kMediaClass}, allocation);  // "no event available" for those classes
    return;
  }
  std::vector<uint8_t> r = {0,
                            6,
                            0x04,
                            kMediaClass,
                            static_cast<uint8_t>(media_event_),
                            static_cast<uint8_t>(medium_ ? 0x02 : 0x00),
                            0,
                            0};
  if (allocation >= r.size()) media_event_ = MediaEvent::kNone;  // reported
  reply(std::move(r), allocation);
}

}  // namespace trapeze
