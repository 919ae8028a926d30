// The capture file (--net-dump): libpcap's classic format, byte for byte, with virtual
// time stamps.
#include "frontend/pcap_writer.h"

#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <vector>

#include "temp_dir.h"

namespace trapeze {
namespace {

uint32_t le32(const std::vector<uint8_t>& b, size_t at) {
  return uint32_t{b[at]} | uint32_t{b[at + 1]} << 8 | uint32_t{b[at + 2]} << 16 |
         uint32_t{b[at + 3]} << 24;
}

TEST_CASE("pcap: global header, then a record per frame with its virtual time") {
  test::TempDir dir;
  const std::string path = dir.path() + "/capture.pcap";
  {
    PcapWriter writer(path);
    const std::vector<uint8_t> frame(60, 0xAB);
    writer.write(3'000'250'000, frame);  // 3 s + 250 us
    writer.write(4'000'000'000, std::vector<uint8_t>(14, 0x01));
  }
  std::ifstream in(path, std::ios::binary);
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                   std::istreambuf_iterator<char>());
  REQUIRE(bytes.size() == 24 + 16 + 60 + 16 + 14);
  CHECK(le32(bytes, 0) == 0xA1B2C3D4u);
  CHECK(bytes[4] == 2);
  CHECK(bytes[6] == 4);
  CHECK(le32(bytes, 16) == 65535u);
  CHECK(le32(bytes, 20) == 1u);  // Ethernet
  CHECK(le32(bytes, 24) == 3u);
  CHECK(le32(bytes, 28) == 250u);
  CHECK(le32(bytes, 32) == 60u);
  CHECK(le32(bytes, 36) == 60u);
  CHECK(bytes[40] == 0xAB);
  CHECK(le32(bytes, 100) == 4u);
  CHECK(le32(bytes, 108) == 14u);
}

TEST_CASE("pcap: a file that cannot be created is an error, not a crash") {
  CHECK_THROWS_AS(PcapWriter("/nonexistent-dir/x.pcap"), std::runtime_error);
}

}  // namespace
}  // namespace trapeze
