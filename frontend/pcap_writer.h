// Writes Ethernet frames to a pcap file (the classic libpcap format: a 24-byte global
// header, then a 16-byte record header per frame; link type 1, Ethernet), which tcpdump
// and Wireshark read. Timestamps are the machine's virtual time, so a capture of a
// headless run is the same every time and lines up with the guest's clock.
#pragma once

#include <cstdint>
#include <cstdio>
#include <span>
#include <string>

namespace trapeze {

class PcapWriter {
 public:
  // Throws std::runtime_error when the file cannot be created.
  explicit PcapWriter(const std::string& path);
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;
  ~PcapWriter();

  void write(uint64_t time_ns, std::span<const uint8_t> frame);

 private:
  std::FILE* file_ = nullptr;
};

}  // namespace trapeze
