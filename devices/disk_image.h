// A raw disk or CD-ROM image as the drives see it: whole sectors read and written at
// sector addresses, with QEMU's rules for where writes go.
//
// Where writes go. Guest writes reach the image file, as in QEMU, unless the image was
// opened as a snapshot (--snapshot): then written sectors live in an in-memory overlay
// (sector -> bytes), reads see them, and the file is opened read-only so it cannot
// change. The overlay is dropped with the image; it grows with every distinct sector
// written, which is fine for test runs and demos (QEMU keeps it in a temporary file).
//
// Read-only images. A CD-ROM image is always opened read-only. A disk image whose file
// cannot be opened for writing (permissions, a read-only file system) is opened
// read-only with a warning, and every guest write then fails with kReadOnly, which the
// drive reports as an aborted command (ABRT), the answer a drive gives to a write it
// refuses; the guest sees an I/O error and the file is untouched.
//
// Never a half-written sector. A write is one positional write of whole sectors at the
// sector's offset, retried after EINTR and short writes until done. If the host fails
// part-way (a full disk, an I/O error), the sector the failure landed in is restored from
// a copy read before the write, so the file holds only whole old or whole new sectors,
// and the caller learns how many sectors reached the file (the drive puts the failing
// sector's address in its task file). Only a second failure while restoring can leave a
// torn sector; that is logged as an error. Drives hand over only whole sectors: a PIO
// transfer cut off by a reset writes nothing of the partial sector.
//
// Odd sizes. An image whose size is not a multiple of the sector size is accepted, as
// QEMU accepts it: the last partial sector reads with zeros after the file's end, and a
// write to it writes the whole sector (the file grows to the sector boundary). Refusing
// would reject boot sectors and test images assembled to odd lengths, which users expect
// to work because QEMU runs them; a warning says what happened.
//
// Errors found when opening (missing, unreadable, empty, a directory, an ISO 9660 image
// shorter than its volume descriptor says, a disk shorter than its partition table
// says, locked by another process or drive) throw ConfigError with a one-line message,
// so the machine refuses to start. Errors during the run are returned to the drive,
// which turns them into ATA/ATAPI error status.
//
// Crashes. Written sectors are in the host's page cache as soon as write() returns, so a
// crash or SIGKILL of trapeze loses nothing the guest was told was written; the kernel
// copies a write in whole pages (a multiple of the sector size, at sector-aligned
// offsets), stopping a killed write only between pages, so a kill leaves whole sectors.
// flush() (the guest's FLUSH CACHE, and closing the image at every clean exit) makes
// them durable against a host crash or power loss.
//
// Locking. The image is locked as QEMU locks its images: exclusive when it is written,
// shared when it is only read (--snapshot, CD-ROMs, read-only files), with Linux's open
// file description locks, so a second trapeze, or a second drive of the same machine,
// cannot write an image that is in use, nor read one that is being written.
//
// Portability: the host file sits behind HostFile (positional read/write/flush, the
// POSIX pread/pwrite/fdatasync primitives); open_host_file() is the POSIX implementation and
// the one place a Windows port replaces.
#pragma once

#include <spdlog/logger.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace trapeze {

// An open host file with positional I/O. One call may move fewer bytes than asked, or fail
// with EINTR; callers retry. `error` is an errno value (0 = success).
class HostFile {
 public:
  struct Result {
    size_t bytes = 0;  // moved; 0 from read_at() without an error is the end of the file
    int error = 0;
  };
  virtual ~HostFile() = default;
  virtual Result read_at(uint64_t offset, std::span<uint8_t> bytes) = 0;
  virtual Result write_at(uint64_t offset, std::span<const uint8_t> bytes) = 0;
  // Makes written data durable (fsync). Returns an errno value or 0.
  virtual int flush() = 0;
  virtual uint64_t size_bytes() const = 0;
};

// Opens `path` with POSIX open() (read-write, or read-only when !writable), takes an
// advisory fcntl() lock on the open file description (shared when read-only, exclusive
// when writable) so two programs or drives cannot write one image, and returns the
// file. On failure returns nullptr and sets `error` to an errno value; EWOULDBLOCK
// means someone else holds the lock.
std::unique_ptr<HostFile> open_host_file(const std::string& path, bool writable, int& error);

enum class DiskMedium {
  kHardDisk,  // 512-byte sectors, read-write
  kCdRom,     // 2048-byte sectors, read-only
};

// What a sector operation came to.
enum class DiskStatus {
  kOk,
  kOutOfRange,  // the sectors are not all inside the image
  kReadOnly,    // a write to a read-only image
  kHostError,   // the host file failed (logged with the host's reason)
};

class DiskImage {
 public:
  static constexpr uint32_t kHardDiskSectorBytes = 512;
  static constexpr uint32_t kCdRomSectorBytes = 2048;

  // Opens the image at `path`. `snapshot`: writes go to the in-memory overlay and the file
  // is opened read-only. Throws ConfigError (one line) when the image cannot be used.
  static std::unique_ptr<DiskImage> open(const std::string& path, DiskMedium medium, bool snapshot);
  // An image over an already open host file (tests inject failing files this way).
  // `name` is used in messages. Throws ConfigError as open() does.
  DiskImage(std::unique_ptr<HostFile> file, std::string name, DiskMedium medium, bool read_only,
            bool snapshot);
  DiskImage(const DiskImage&) = delete;
  DiskImage& operator=(const DiskImage&) = delete;
  // Flushes what was written (errors are logged: there is no one left to tell).
  ~DiskImage();

  const std::string& name() const { return name_; }
  DiskMedium medium() const { return medium_; }
  uint32_t sector_bytes() const { return sector_bytes_; }
  // Sectors the guest sees: the file size rounded up to whole sectors.
  uint64_t sector_count() const { return sector_count_; }
  // Guest writes fail (kReadOnly). False for a snapshot of a read-only file: its writes
  // go to the overlay.
  bool read_only() const { return read_only_; }
  bool snapshot() const { return snapshot_; }
  // Sectors held in the snapshot overlay (0 without --snapshot).
  size_t overlay_sectors() const { return overlay_.size(); }

  // Reads `bytes.size() / sector_bytes()` whole sectors starting at `sector` (bytes.size()
  // must be a multiple of the sector size). On an error the buffer's contents are
  // unspecified.
  DiskStatus read(uint64_t sector, std::span<uint8_t> bytes);
  // Writes whole sectors starting at `sector`. `sectors_written`, when given, receives how
  // many leading sectors reached the image (all of them on kOk; on failure the sector at
  // that index is the failing one, and it and the ones after it hold their old contents).
  DiskStatus write(uint64_t sector, std::span<const uint8_t> bytes,
                   uint64_t* sectors_written = nullptr);
  // Makes earlier writes durable (FLUSH CACHE). A no-op for snapshots and read-only images.
  DiskStatus flush();

 private:
  DiskStatus check_range(uint64_t sector, size_t size_bytes) const;
  // Reads bytes at `offset` from the file, zero-filling past its end.
  bool read_file(uint64_t offset, std::span<uint8_t> bytes);
  // Writes all of `bytes` at `offset`; returns the bytes written before a failure.
  size_t write_file(uint64_t offset, std::span<const uint8_t> bytes, int& error);
  void validate_contents();
  void log_host_error(const char* what, uint64_t sector, int error);

  std::unique_ptr<HostFile> file_;
  std::string name_;
  DiskMedium medium_;
  uint32_t sector_bytes_;
  uint64_t file_bytes_ = 0;
  uint64_t sector_count_ = 0;
  bool read_only_ = false;
  bool snapshot_ = false;
  bool dirty_ = false;  // written since the last flush
  std::unordered_map<uint64_t, std::vector<uint8_t>> overlay_;
  // Host errors usually repeat (the guest retries); report the first few.
  unsigned error_reports_left_ = 8;
  std::shared_ptr<spdlog::logger> log_;
};

}  // namespace trapeze
