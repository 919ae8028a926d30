// Shared by the storage tests (disk image, ATA disk, ATAPI CD-ROM, PIIX3 IDE): host files
// in memory with failures on demand, temporary image files, and port helpers that drive an
// IDE channel the way SeaBIOS's ata.c and Linux's libata-sff do.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "devices/ata_registers.h"
#include "devices/disk_image.h"
#include "devices/io_bus.h"
#include "devices/scheduler.h"

namespace trapeze::test {

// A recognisable byte for every offset of a test image, different in every sector.
inline uint8_t pattern(uint64_t offset) {
  return static_cast<uint8_t>((offset >> 9) * 37 + (offset & 511) * 3 + (offset >> 17) + 1);
}

inline std::vector<uint8_t> pattern_bytes(uint64_t offset, size_t size) {
  std::vector<uint8_t> bytes(size);
  for (size_t i = 0; i < size; ++i) bytes[i] = pattern(offset + i);
  return bytes;
}

// What a MemoryFile holds and how it misbehaves; the test keeps a pointer to look inside
// after the image owns the file.
struct MemoryFileState {
  std::vector<uint8_t> bytes;  // the start of the file
  // A larger size makes the file sparse: bytes past `bytes` read as pattern() (a huge
  // disk for LBA48 tests) and writes there land in `tail`.
  uint64_t virtual_size = 0;
  std::map<uint64_t, uint8_t> tail;
  // Faults: each call moves at most this many bytes; every n-th call fails with EINTR;
  // after `write_budget` bytes every write fails with ENOSPC.
  size_t max_bytes_per_call = SIZE_MAX;
  int eintr_every = 0;
  std::optional<size_t> write_budget;
  // After this many more bytes, one write fails with EIO; later writes work again (a
  // transient host error, after which restoring a torn sector succeeds).
  std::optional<size_t> fail_once_after;
  int calls = 0;
  int flushes = 0;

  uint64_t size() const { return std::max<uint64_t>(bytes.size(), virtual_size); }
  uint8_t at(uint64_t offset) const {
    if (offset < bytes.size()) return bytes[offset];
    auto it = tail.find(offset);
    return it != tail.end() ? it->second : pattern(offset);
  }
};

class MemoryFile final : public HostFile {
 public:
  explicit MemoryFile(std::shared_ptr<MemoryFileState> state) : s_(std::move(state)) {}

  Result read_at(uint64_t offset, std::span<uint8_t> out) override {
    if (interrupted()) return {0, EINTR};
    if (offset >= s_->size()) return {0, 0};
    const size_t n = static_cast<size_t>(
        std::min<uint64_t>({out.size(), s_->size() - offset, s_->max_bytes_per_call}));
    for (size_t i = 0; i < n; ++i) out[i] = s_->at(offset + i);
    return {n, 0};
  }
  Result write_at(uint64_t offset, std::span<const uint8_t> in) override {
    if (interrupted()) return {0, EINTR};
    size_t n = std::min(in.size(), s_->max_bytes_per_call);
    if (s_->fail_once_after) {
      if (*s_->fail_once_after == 0) {
        s_->fail_once_after.reset();
        return {0, EIO};
      }
      n = std::min(n, *s_->fail_once_after);
      *s_->fail_once_after -= n;
    }
    if (s_->write_budget) {
      if (*s_->write_budget == 0) return {0, ENOSPC};
      n = std::min(n, *s_->write_budget);
      *s_->write_budget -= n;
    }
    for (size_t i = 0; i < n; ++i) {
      const uint64_t at = offset + i;
      if (at < s_->bytes.size() || s_->virtual_size == 0) {
        if (at >= s_->bytes.size()) s_->bytes.resize(at + 1);
        s_->bytes[at] = in[i];
      } else {
        s_->tail[at] = in[i];
      }
    }
    return {n, 0};
  }
  int flush() override {
    ++s_->flushes;
    return 0;
  }
  uint64_t size_bytes() const override { return s_->size(); }

 private:
  bool interrupted() {
    ++s_->calls;
    return s_->eintr_every > 0 && s_->calls % s_->eintr_every == 0;
  }
  std::shared_ptr<MemoryFileState> s_;
};

inline std::unique_ptr<DiskImage> memory_image(std::shared_ptr<MemoryFileState> state,
                                               DiskMedium medium = DiskMedium::kHardDisk,
                                               bool snapshot = false, bool read_only = false) {
  return std::make_unique<DiskImage>(std::make_unique<MemoryFile>(std::move(state)), "memory",
                                     medium, read_only, snapshot);
}

// A disk of `sectors` pattern() sectors held in memory.
inline std::shared_ptr<MemoryFileState> pattern_disk(uint64_t sectors) {
  auto state = std::make_shared<MemoryFileState>();
  state->bytes = pattern_bytes(0, sectors * 512);
  return state;
}

// A minimal ISO 9660 volume of `blocks` 2048-byte blocks (pattern() data elsewhere): a
// primary volume descriptor at block 16 giving the volume size, a terminator at 17. The
// file holds `file_blocks` blocks (fewer: a truncated copy).
inline std::vector<uint8_t> iso_image(uint32_t blocks, uint32_t file_blocks) {
  std::vector<uint8_t> iso = pattern_bytes(0, size_t{file_blocks} * 2048);
  uint8_t* pvd = &iso[16 * 2048];
  std::memset(pvd, 0, 2048);
  pvd[0] = 1;
  std::memcpy(pvd + 1, "CD001", 5);
  pvd[6] = 1;
  for (int i = 0; i < 4; ++i) {
    pvd[80 + i] = static_cast<uint8_t>(blocks >> (8 * i));  // little-endian half
    pvd[87 - i] = static_cast<uint8_t>(blocks >> (8 * i));  // big-endian half
  }
  pvd[128] = 0x00;  // logical block size 2048, both-endian
  pvd[129] = 0x08;
  pvd[130] = 0x08;
  pvd[131] = 0x00;
  uint8_t* end = &iso[17 * 2048];
  end[0] = 255;
  std::memcpy(end + 1, "CD001", 5);
  return iso;
}

// A file in a fresh temporary directory, removed (with the directory) at the end.
class TempFile {
 public:
  explicit TempFile(const std::vector<uint8_t>& contents, const std::string& name = "image") {
    static int counter = 0;
    dir_ = std::filesystem::temp_directory_path() /
           ("trapeze-disk-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(dir_);
    path_ = dir_ / name;
    write(contents);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  std::string path() const { return path_.string(); }
  std::string dir() const { return dir_.string(); }
  void write(const std::vector<uint8_t>& contents) const {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(contents.data()),
              static_cast<std::streamsize>(contents.size()));
  }
  std::vector<uint8_t> read() const {
    std::ifstream in(path_, std::ios::binary);
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
  }

 private:
  std::filesystem::path dir_;
  std::filesystem::path path_;
};

// Port access to one channel, in the names SeaBIOS's ata.h uses for the registers.
struct IdePorts {
  IoBus& bus;
  uint16_t command_port = 0x1F0;
  uint16_t control_port = 0x3F6;

  uint8_t in(uint16_t reg) { return static_cast<uint8_t>(bus.in(command_port + reg, 1)); }
  void out(uint16_t reg, uint8_t value) { bus.out(command_port + reg, 1, value); }
  uint8_t status() { return in(ata::kRegStatus); }
  uint8_t alt_status() { return static_cast<uint8_t>(bus.in(control_port, 1)); }
  void control(uint8_t value) { bus.out(control_port, 1, value); }
  uint16_t inw() { return static_cast<uint16_t>(bus.in(command_port, 2)); }
  uint32_t inl() { return bus.in(command_port, 4); }
  void outw(uint16_t value) { bus.out(command_port, 2, value); }
  void outl(uint32_t value) { bus.out(command_port, 4, value); }
  // rep insw / rep outsw.
  std::vector<uint8_t> insw(size_t bytes) {
    std::vector<uint8_t> data;
    for (size_t i = 0; i < bytes; i += 2) {
      const uint16_t w = inw();
      data.push_back(static_cast<uint8_t>(w));
      data.push_back(static_cast<uint8_t>(w >> 8));
    }
    return data;
  }
  std::vector<uint8_t> insl(size_t bytes) {
    std::vector<uint8_t> data;
    for (size_t i = 0; i < bytes; i += 4) {
      const uint32_t d = inl();
      for (int b = 0; b < 4; ++b) data.push_back(static_cast<uint8_t>(d >> (8 * b)));
    }
    return data;
  }
  void outsw(std::span<const uint8_t> data) {
    for (size_t i = 0; i + 1 < data.size(); i += 2)
      outw(static_cast<uint16_t>(data[i] | (data[i + 1] << 8)));
  }
  // The task file of a 28-bit command (SeaBIOS send_cmd's order: features, count, LBA
  // low/mid/high, then device and command).
  void lba28(uint8_t command, uint32_t lba, uint8_t count, bool slave = false) {
    out(ata::kRegDevice,
        static_cast<uint8_t>(0xE0 | (slave ? ata::kDeviceDev : 0) | ((lba >> 24) & 0x0F)));
    out(ata::kRegFeatures, 0);
    out(ata::kRegSectorCount, count);
    out(ata::kRegLbaLow, static_cast<uint8_t>(lba));
    out(ata::kRegLbaMid, static_cast<uint8_t>(lba >> 8));
    out(ata::kRegLbaHigh, static_cast<uint8_t>(lba >> 16));
    out(ata::kRegCommand, command);
  }
  // A 48-bit command: the high bytes first, then the low ones (libata's ata_tf_load).
  void lba48(uint8_t command, uint64_t lba, uint16_t count) {
    out(ata::kRegDevice, 0xE0);
    out(ata::kRegFeatures, 0);
    out(ata::kRegSectorCount, static_cast<uint8_t>(count >> 8));
    out(ata::kRegLbaLow, static_cast<uint8_t>(lba >> 24));
    out(ata::kRegLbaMid, static_cast<uint8_t>(lba >> 32));
    out(ata::kRegLbaHigh, static_cast<uint8_t>(lba >> 40));
    out(ata::kRegFeatures, 0);
    out(ata::kRegSectorCount, static_cast<uint8_t>(count));
    out(ata::kRegLbaLow, static_cast<uint8_t>(lba));
    out(ata::kRegLbaMid, static_cast<uint8_t>(lba >> 8));
    out(ata::kRegLbaHigh, static_cast<uint8_t>(lba >> 16));
    out(ata::kRegDevice, 0xE0);
    out(ata::kRegCommand, command);
  }
};

// Lets every pending device event run (command latencies are microseconds).
inline void settle(Scheduler& scheduler, uint64_t ns = 1'000'000) {
  scheduler.advance_to(scheduler.now_ns() + ns);
}

}  // namespace trapeze::test
