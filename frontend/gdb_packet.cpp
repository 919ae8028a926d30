#include "frontend/gdb_packet.h"

#include <fmt/format.h>

namespace trapeze {

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

uint8_t gdb_checksum(std::string_view payload) {
  uint8_t sum = 0;
  for (char c : payload) sum = static_cast<uint8_t>(sum + static_cast<uint8_t>(c));
  return sum;
}

std::string gdb_encode_packet(std::string_view payload) {
  std::string body;
  for (char c : payload) {
    if (c == '$' || c == '#' || c == '}' || c == '*') {
      body += '}';
      body += static_cast<char>(c ^ 0x20);
    } else {
      body += c;
    }
  }
  return fmt::format("${}#{:02x}", body, gdb_checksum(body));
}

std::optional<GdbPacketReader::Item> GdbPacketReader::feed(char c) {
  switch (state_) {
    case State::kIdle:
      if (c == '$') {
        payload_.clear();
        sum_ = 0;
        state_ = State::kPayload;
      } else if (c == 0x03) {
        return Item{Item::Kind::kInterrupt, {}};
      }
      return std::nullopt;  // '+', '-' and noise between packets
    case State::kPayload:
      if (c == '#') {
        state_ = State::kChecksum1;
        return std::nullopt;
      }
      sum_ = static_cast<uint8_t>(sum_ + static_cast<uint8_t>(c));
      if (c == '}')
        state_ = State::kEscape;
      else
        payload_ += c;
      return std::nullopt;
    case State::kEscape:
      sum_ = static_cast<uint8_t>(sum_ + static_cast<uint8_t>(c));
      payload_ += static_cast<char>(c ^ 0x20);
      state_ = State::kPayload;
      return std::nullopt;
    case State::kChecksum1:
      checksum_high_ = hex_value(c);
      state_ = State::kChecksum2;
      return std::nullopt;
    case State::kChecksum2: {
      state_ = State::kIdle;
      const int low = hex_value(c);
      const bool ok = checksum_high_ >= 0 && low >= 0 && (checksum_high_ << 4 | low) == sum_;
      return Item{ok ? Item::Kind::kPacket : Item::Kind::kBadChecksum, payload_};
    }
  }
  return std::nullopt;
}

std::string to_hex(const uint8_t* bytes, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += fmt::format("{:02x}", bytes[i]);
  return out;
}

bool from_hex(std::string_view hex, std::string& out) {
  if (hex.size() % 2 != 0) return false;
  out.clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = hex_value(hex[i]), lo = hex_value(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out += static_cast<char>(hi << 4 | lo);
  }
  return true;
}

}  // namespace trapeze
