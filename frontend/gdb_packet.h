// GDB remote serial protocol framing (GDB manual, appendix E.1 "Overview"): packets are
// $payload#cc with cc the modulo-256 sum of the payload in two hex digits; '$', '#', '}'
// and '*' inside a payload are escaped as '}' then the byte XOR 0x20. A lone 0x03 byte
// is an interrupt (Ctrl-C). '+' and '-' acknowledge. Run-length encoding is optional for
// the stub and not produced here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace trapeze {

std::string gdb_encode_packet(std::string_view payload);
uint8_t gdb_checksum(std::string_view payload);

// Splits the incoming byte stream into packets.
class GdbPacketReader {
 public:
  struct Item {
    enum class Kind : uint8_t { kPacket, kBadChecksum, kInterrupt } kind = Kind::kPacket;
    std::string payload;  // unescaped
  };
  // Feeds one byte; returns an item when one is complete.
  std::optional<Item> feed(char c);

 private:
  enum class State : uint8_t { kIdle, kPayload, kEscape, kChecksum1, kChecksum2 };
  State state_ = State::kIdle;
  std::string payload_;
  uint8_t sum_ = 0;
  int checksum_high_ = 0;
};

// Hex helpers for packet bodies.
std::string to_hex(const uint8_t* bytes, size_t n);
bool from_hex(std::string_view hex, std::string& out_bytes);

}  // namespace trapeze
