#include "frontend/pcap_writer.h"

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace trapeze {

namespace {
constexpr uint32_t kMagic = 0xA1B2C3D4;  // microsecond timestamps
constexpr uint32_t kSnapLength = 65535;
constexpr uint32_t kLinkTypeEthernet = 1;

// pcap files are in the writer's byte order, which the magic number tells the reader;
// writing little-endian explicitly keeps the file the same on every host.
void put32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
void put16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
}
}  // namespace

PcapWriter::PcapWriter(const std::string& path) : file_(std::fopen(path.c_str(), "wb")) {
  if (file_ == nullptr) {
    throw std::runtime_error("cannot create '" + path + "': " + std::strerror(errno));
  }
  uint8_t header[24] = {};
  put32(header, kMagic);
  put16(header + 4, 2);  // version 2.4
  put16(header + 6, 4);
  put32(header + 16, kSnapLength);
  put32(header + 20, kLinkTypeEthernet);
  std::fwrite(header, 1, sizeof header, file_);
  std::fflush(file_);
}

PcapWriter::~PcapWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

void PcapWriter::write(uint64_t time_ns, std::span<const uint8_t> frame) {
  const uint32_t stored = static_cast<uint32_t>(std::min<size_t>(frame.size(), kSnapLength));
  uint8_t record[16];
  put32(record, static_cast<uint32_t>(time_ns / 1'000'000'000));
  put32(record + 4, static_cast<uint32_t>(time_ns % 1'000'000'000 / 1000));
  put32(record + 8, stored);
  put32(record + 12, static_cast<uint32_t>(frame.size()));
  std::fwrite(record, 1, sizeof record, file_);
  std::fwrite(frame.data(), 1, stored, file_);
  // Flushed per frame: a run that is killed still leaves a readable capture.
  std::fflush(file_);
}

}  // namespace trapeze
