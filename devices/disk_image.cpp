#include "devices/disk_image.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "cpu/log.h"
#include "devices/config_error.h"
#include "devices/image_lock.h"

namespace trapeze {

static_assert(sizeof(off_t) >= 8, "disk images need 64-bit file offsets (_FILE_OFFSET_BITS=64)");

namespace {

// The POSIX host file. Everything OS-specific about images is in this class and
// open_host_file().
class PosixHostFile final : public HostFile {
 public:
  explicit PosixHostFile(int fd) : fd_(fd) {}
  PosixHostFile(const PosixHostFile&) = delete;
  PosixHostFile& operator=(const PosixHostFile&) = delete;
  ~PosixHostFile() override { ::close(fd_); }

  Result read_at(uint64_t offset, std::span<uint8_t> bytes) override {
    const ssize_t n = ::pread(fd_, bytes.data(), bytes.size(), static_cast<off_t>(offset));
    if (n < 0) return {0, errno};
    return {static_cast<size_t>(n), 0};
  }
  Result write_at(uint64_t offset, std::span<const uint8_t> bytes) override {
    const ssize_t n = ::pwrite(fd_, bytes.data(), bytes.size(), static_cast<off_t>(offset));
    if (n < 0) return {0, errno};
    return {static_cast<size_t>(n), 0};
  }
  // fdatasync: the data and what is needed to read it back (the size), not timestamps.
  int flush() override { return ::fdatasync(fd_) == 0 ? 0 : errno; }
  uint64_t size_bytes() const override {
    // lseek rather than fstat: it also sizes block devices. Reads and writes are
    // positional, so moving the file offset is harmless.
    const off_t end = ::lseek(fd_, 0, SEEK_END);
    return end < 0 ? 0 : static_cast<uint64_t>(end);
  }

 private:
  int fd_;
};

std::string host_reason(int error) { return std::strerror(error); }

// ISO 9660 (ECMA-119 8.4): the primary volume descriptor sits in logical sector 16 and
// records how many logical blocks the volume has, so a shortened copy can be recognised.
constexpr uint64_t kIsoDescriptorOffset = 16 * 2048;

uint32_t le32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

}  // namespace

std::unique_ptr<HostFile> open_host_file(const std::string& path, bool writable, int& error) {
  const int fd = ::open(path.c_str(), (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) {
    error = errno;
    return nullptr;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
    error = S_ISDIR(st.st_mode) ? EISDIR : errno;
    ::close(fd);
    return nullptr;
  }
  // Locked as QEMU locks its images (devices/image_lock.h): a second emulator writing
  // the same image would corrupt it. File systems without locks (some network mounts)
  // are allowed: refusing to run there would help nobody.
  if (lock_image(fd, writable) == ImageLock::kBusy) {
    error = EWOULDBLOCK;
    ::close(fd);
    return nullptr;
  }
  error = 0;
  return std::make_unique<PosixHostFile>(fd);
}

std::unique_ptr<DiskImage> DiskImage::open(const std::string& path, DiskMedium medium,
                                           bool snapshot) {
  auto log = log::component("disk");
  // A snapshot never writes the file, so it never needs (or takes) write access.
  const bool want_write = medium == DiskMedium::kHardDisk && !snapshot;
  int error = 0;
  std::unique_ptr<HostFile> file = open_host_file(path, want_write, error);
  bool read_only = !want_write;
  if (!file && want_write && (error == EACCES || error == EROFS || error == EPERM)) {
    file = open_host_file(path, false, error);
    if (file) {
      read_only = true;
      log->warn(
          "disk image '{}' is not writable; opened read-only, guest writes will fail "
          "(use --snapshot to keep writes in memory)",
          path);
    }
  }
  if (!file) {
    if (error == EWOULDBLOCK)
      throw ConfigError(fmt::format(
          "disk image '{}' is in use: another program, or another drive of this machine, has "
          "it open{}",
          path, want_write ? "" : " for writing"));
    throw ConfigError(fmt::format("cannot open disk image '{}': {}", path, host_reason(error)));
  }
  return std::make_unique<DiskImage>(std::move(file), path, medium, read_only, snapshot);
}

DiskImage::DiskImage(std::unique_ptr<HostFile> file, std::string name, DiskMedium medium,
                     bool read_only, bool snapshot)
    : file_(std::move(file)),
      name_(std::move(name)),
      medium_(medium),
      sector_bytes_(medium == DiskMedium::kCdRom ? kCdRomSectorBytes : kHardDiskSectorBytes),
      // A CD-ROM medium is read-only whatever the options say; a snapshot of a read-only
      // file is writable, because its writes go to the overlay.
      read_only_(medium == DiskMedium::kCdRom || (read_only && !snapshot)),
      snapshot_(snapshot),
      log_(log::component("disk")) {
  file_bytes_ = file_->size_bytes();
  if (file_bytes_ == 0) throw ConfigError(fmt::format("disk image '{}' is empty", name_));
  sector_count_ = (file_bytes_ + sector_bytes_ - 1) / sector_bytes_;
  validate_contents();
  if (file_bytes_ % sector_bytes_ != 0)
    log_->warn(
        "disk image '{}' is {} bytes, not a multiple of {}: the last sector reads as "
        "zero-padded{}",
        name_, file_bytes_, sector_bytes_,
        read_only_ || snapshot_ ? "" : " and grows when written");
  log_->debug("disk image '{}': {} sectors of {} bytes{}{}", name_, sector_count_, sector_bytes_,
              read_only_ ? ", read-only" : "",
              snapshot_ ? ", snapshot (writes kept in memory)" : "");
}

DiskImage::~DiskImage() {
  if (dirty_ && flush() != DiskStatus::kOk)
    log_->error("disk image '{}': flushing on close failed; recent writes may be lost", name_);
}

void DiskImage::validate_contents() {
  std::vector<uint8_t> first(sector_bytes_);
  if (!read_file(0, first)) throw ConfigError(fmt::format("cannot read disk image '{}'", name_));
  if (medium_ == DiskMedium::kCdRom) {
    // An ISO 9660 volume says how big it is; a file shorter than that was cut off (an
    // interrupted download or copy), and booting it would fail in confusing ways later.
    if (file_bytes_ < kIsoDescriptorOffset + 2048) return;  // not ISO 9660 (or too small)
    std::vector<uint8_t> pvd(2048);
    if (!read_file(kIsoDescriptorOffset, pvd))
      throw ConfigError(fmt::format("cannot read disk image '{}'", name_));
    if (pvd[0] != 1 || std::memcmp(&pvd[1], "CD001", 5) != 0) return;
    const uint64_t blocks = le32(&pvd[80]);  // volume space size, both-endian: LE half
    const uint64_t block_bytes = uint64_t{pvd[128]} | uint64_t{pvd[129]} << 8;
    const uint64_t expected = blocks * (block_bytes != 0 ? block_bytes : 2048);
    if (file_bytes_ < expected)
      throw ConfigError(fmt::format(
          "CD-ROM image '{}' is truncated: its ISO 9660 volume is {} bytes, the file {} bytes",
          name_, expected, file_bytes_));
    return;
  }
  // A hard disk's MBR (0x55AA at 510) lists partitions; one that ends past the image
  // means a truncated copy (an interrupted download or dd). Boot sectors whose code runs
  // into the table area are common in tests and hobby systems, so only a table that
  // looks like one counts: every boot indicator 0x00 or 0x80. A GPT's protective entry
  // (type 0xEE) may cover more than the disk and is left out.
  if (first[510] != 0x55 || first[511] != 0xAA) return;
  for (int i = 0; i < 4; ++i) {
    const uint8_t status = first[446 + 16 * i];
    if (status != 0x00 && status != 0x80) return;
  }
  for (int i = 0; i < 4; ++i) {
    const uint8_t* entry = &first[446 + 16 * i];
    const uint8_t type = entry[4];
    const uint32_t start = le32(entry + 8);
    const uint32_t length = le32(entry + 12);
    if (type == 0 || type == 0xEE || start == 0 || length == 0) continue;
    const uint64_t end = uint64_t{start} + length;
    if (end > sector_count_)
      throw ConfigError(fmt::format(
          "disk image '{}' is truncated: partition {} ends at sector {} but the image has only "
          "{} sectors",
          name_, i + 1, end, sector_count_));
  }
}

DiskStatus DiskImage::check_range(uint64_t sector, size_t size_bytes) const {
  const uint64_t count = size_bytes / sector_bytes_;
  if (sector > sector_count_ || count > sector_count_ - sector) return DiskStatus::kOutOfRange;
  return DiskStatus::kOk;
}

bool DiskImage::read_file(uint64_t offset, std::span<uint8_t> bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const HostFile::Result r = file_->read_at(offset + done, bytes.subspan(done));
    if (r.error == EINTR) continue;
    if (r.error != 0) {
      log_host_error("read", offset / sector_bytes_, r.error);
      return false;
    }
    if (r.bytes == 0) break;  // end of file: the rest of the last sector is padding
    done += r.bytes;
  }
  std::fill(bytes.begin() + static_cast<ptrdiff_t>(done), bytes.end(), uint8_t{0});
  return true;
}

size_t DiskImage::write_file(uint64_t offset, std::span<const uint8_t> bytes, int& error) {
  size_t done = 0;
  error = 0;
  while (done < bytes.size()) {
    const HostFile::Result r = file_->write_at(offset + done, bytes.subspan(done));
    if (r.error == EINTR) continue;
    if (r.error != 0) {
      error = r.error;
      break;
    }
    if (r.bytes == 0) {  // no progress and no reason: treat as a full device, never spin
      error = ENOSPC;
      break;
    }
    done += r.bytes;
  }
  return done;
}

DiskStatus DiskImage::read(uint64_t sector, std::span<uint8_t> bytes) {
  if (bytes.size() % sector_bytes_ != 0) return DiskStatus::kOutOfRange;
  if (const DiskStatus s = check_range(sector, bytes.size()); s != DiskStatus::kOk) return s;
  const uint64_t count = bytes.size() / sector_bytes_;
  // Runs of sectors not in the overlay are read from the file in one call each.
  uint64_t i = 0;
  while (i < count) {
    auto hit = overlay_.empty() ? overlay_.end() : overlay_.find(sector + i);
    if (hit != overlay_.end()) {
      std::copy(hit->second.begin(), hit->second.end(), bytes.begin() + i * sector_bytes_);
      ++i;
      continue;
    }
    uint64_t run = 1;
    while (i + run < count && !overlay_.contains(sector + i + run)) ++run;
    if (!read_file((sector + i) * sector_bytes_,
                   bytes.subspan(i * sector_bytes_, run * sector_bytes_)))
      return DiskStatus::kHostError;
    i += run;
  }
  return DiskStatus::kOk;
}

DiskStatus DiskImage::write(uint64_t sector, std::span<const uint8_t> bytes,
                            uint64_t* sectors_written) {
  if (sectors_written != nullptr) *sectors_written = 0;
  if (bytes.size() % sector_bytes_ != 0) return DiskStatus::kOutOfRange;
  if (const DiskStatus s = check_range(sector, bytes.size()); s != DiskStatus::kOk) return s;
  if (read_only_) return DiskStatus::kReadOnly;
  const uint64_t count = bytes.size() / sector_bytes_;
  if (snapshot_) {
    for (uint64_t i = 0; i < count; ++i) {
      const auto data = bytes.subspan(i * sector_bytes_, sector_bytes_);
      overlay_[sector + i].assign(data.begin(), data.end());
    }
    if (sectors_written != nullptr) *sectors_written = count;
    return DiskStatus::kOk;
  }
  // The old contents, to put back a sector the host leaves half-written (see the header).
  std::vector<uint8_t> old(bytes.size());
  if (!read_file(sector * sector_bytes_, old)) return DiskStatus::kHostError;

  const uint64_t offset = sector * sector_bytes_;
  int error = 0;
  const size_t done = write_file(offset, bytes, error);
  dirty_ = true;
  file_bytes_ = std::max<uint64_t>(file_bytes_, offset + done);
  const uint64_t whole = done / sector_bytes_;
  if (sectors_written != nullptr) *sectors_written = whole;
  if (error == 0) return DiskStatus::kOk;

  log_host_error("write", sector + whole, error);
  const size_t torn_bytes = done % sector_bytes_;
  if (torn_bytes != 0) {
    const size_t start = whole * sector_bytes_;
    int restore_error = 0;
    const auto previous = std::span<const uint8_t>(old).subspan(start, torn_bytes);
    if (write_file(offset + start, previous, restore_error) != torn_bytes)
      log_->error("disk image '{}': sector {} is half-written: restoring it failed too ({})", name_,
                  sector + whole, host_reason(restore_error));
  }
  return DiskStatus::kHostError;
}

DiskStatus DiskImage::flush() {
  if (snapshot_ || read_only_ || !dirty_) return DiskStatus::kOk;
  int error = file_->flush();
  while (error == EINTR) error = file_->flush();
  if (error != 0) {
    log_host_error("flush", 0, error);
    return DiskStatus::kHostError;
  }
  dirty_ = false;
  log_->debug("disk image '{}': flushed (fdatasync)", name_);
  return DiskStatus::kOk;
}

void DiskImage::log_host_error(const char* what, uint64_t sector, int error) {
  if (error_reports_left_ == 0) return;
  --error_reports_left_;
  log_->error("disk image '{}': {} at sector {} failed: {}{}", name_, what, sector,
              host_reason(error), error_reports_left_ == 0 ? " (further errors not reported)" : "");
}

}  // namespace trapeze
