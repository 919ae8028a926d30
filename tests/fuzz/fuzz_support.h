// What the libFuzzer harnesses share: quiet logging, a reader that turns the fuzzer's
// bytes into fields, an in-memory disk, and the small machine the CPU and device harnesses
// run. A finding is anything that reaches the host: a sanitizer report, a crash, a C++
// exception escaping (libFuzzer reports it as a deadly signal), a timeout.
#pragma once

#include <spdlog/spdlog.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "devices/disk_image.h"
#include "devices/machine_config.h"

namespace trapeze {
class Machine;
}  // namespace trapeze

namespace trapeze::fuzz {

// Guest mistakes are logged by design; thousands of executions a second must not be.
inline void silence_logging() {
  spdlog::set_level(spdlog::level::off);
  spdlog::default_logger()->set_level(spdlog::level::off);
}

// Little-endian fields from the front of the input; past the end every field reads as
// zero, so any prefix of a valid input is a valid input too.
class FieldReader {
 public:
  explicit FieldReader(std::span<const uint8_t> data) : data_(data) {}

  template <typename T>
  T take() {
    T value = 0;
    for (size_t i = 0; i < sizeof(T); ++i)
      if (pos_ < data_.size()) value |= static_cast<T>(T{data_[pos_++]} << (8 * i));
    return value;
  }
  uint8_t u8() { return take<uint8_t>(); }
  uint16_t u16() { return take<uint16_t>(); }
  uint32_t u32() { return take<uint32_t>(); }
  // Up to `n` bytes (fewer at the end of the input).
  std::span<const uint8_t> bytes(size_t n) {
    n = std::min(n, remaining());
    std::span<const uint8_t> s = data_.subspan(pos_, n);
    pos_ += n;
    return s;
  }
  std::span<const uint8_t> rest() { return bytes(remaining()); }
  size_t remaining() const { return data_.size() - pos_; }
  bool at_end() const { return pos_ >= data_.size(); }

 private:
  std::span<const uint8_t> data_;
  size_t pos_ = 0;
};

// The seed generator's side of FieldReader.
class FieldWriter {
 public:
  template <typename T>
  FieldWriter& put(T value) {
    for (size_t i = 0; i < sizeof(T); ++i) bytes_.push_back(static_cast<uint8_t>(value >> (8 * i)));
    return *this;
  }
  FieldWriter& u8(uint8_t v) { return put(v); }
  FieldWriter& u16(uint16_t v) { return put(v); }
  FieldWriter& u32(uint32_t v) { return put(v); }
  FieldWriter& append(std::span<const uint8_t> b) {
    bytes_.insert(bytes_.end(), b.begin(), b.end());
    return *this;
  }
  const std::vector<uint8_t>& bytes() const { return bytes_; }

 private:
  std::vector<uint8_t> bytes_;
};

// A disk or CD image in host memory: DiskImage's HostFile without a file.
class MemoryHostFile final : public HostFile {
 public:
  explicit MemoryHostFile(std::vector<uint8_t> bytes) : bytes_(std::move(bytes)) {}
  Result read_at(uint64_t offset, std::span<uint8_t> out) override {
    if (offset >= bytes_.size()) return {};
    const size_t n = std::min<uint64_t>(out.size(), bytes_.size() - offset);
    std::memcpy(out.data(), bytes_.data() + offset, n);
    return {n, 0};
  }
  Result write_at(uint64_t offset, std::span<const uint8_t> in) override {
    // Bounded, so a guest cannot make the harness allocate without limit.
    if (offset + in.size() > kMaxBytes) return {0, 28 /* ENOSPC */};
    if (offset + in.size() > bytes_.size()) bytes_.resize(offset + in.size());
    std::memcpy(bytes_.data() + offset, in.data(), in.size());
    return {in.size(), 0};
  }
  int flush() override { return 0; }
  uint64_t size_bytes() const override { return bytes_.size(); }

 private:
  static constexpr uint64_t kMaxBytes = 16 << 20;
  std::vector<uint8_t> bytes_;
};

inline std::unique_ptr<DiskImage> memory_disk(std::vector<uint8_t> bytes, DiskMedium medium) {
  const bool cd = medium == DiskMedium::kCdRom;
  return std::make_unique<DiskImage>(std::make_unique<MemoryHostFile>(std::move(bytes)),
                                     cd ? "fuzz.iso" : "fuzz.img", medium, cd, false);
}

// A 64 KiB firmware image whose every byte is HLT, written once per process to a
// temporary file (the Machine reads its firmware from a path) and removed at exit.
const std::string& halt_rom_path();

// Zeroes the machine's RAM, so an input run on a reused machine starts as on a new one.
void clear_ram(Machine& machine);

// What SeaBIOS leaves behind on the PCI bus: BARs assigned (the addresses device_ops.h
// names), I/O, memory decoding and bus mastering on, PIRQs routed.
void configure_like_firmware(Machine& machine);

// A small PC for the harnesses: `memory_mib` of RAM, the HLT firmware, everything that
// prints switched off, a triple fault stops instead of resetting.
MachineConfig small_machine_config(uint64_t memory_mib);

}  // namespace trapeze::fuzz
