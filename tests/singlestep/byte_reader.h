// A bounds-checked little-endian cursor over a byte buffer. Every read checks what is
// left, so a truncated or corrupt file becomes one MooError, never a read past the end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace trapeze {

class MooError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ByteReader {
 public:
  // `base` is the offset of `data` within the file, so errors can name file offsets.
  explicit ByteReader(std::span<const uint8_t> data, size_t base = 0) : data_(data), base_(base) {}

  size_t remaining() const { return data_.size() - pos_; }
  bool at_end() const { return pos_ == data_.size(); }
  size_t file_offset() const { return base_ + pos_; }

  // `what` names the field for the error message; `tag`, when given, the chunk.
  std::span<const uint8_t> take(size_t n, std::string_view what, std::string_view tag = {}) {
    if (n > remaining()) fail(n, what, tag);
    std::span<const uint8_t> s = data_.subspan(pos_, n);
    pos_ += n;
    return s;
  }
  uint8_t u8(std::string_view what) { return take(1, what)[0]; }
  uint16_t u16(std::string_view what) {
    auto b = take(2, what);
    return static_cast<uint16_t>(b[0] | (b[1] << 8));
  }
  uint32_t u32(std::string_view what) {
    auto b = take(4, what);
    return uint32_t{b[0]} | (uint32_t{b[1]} << 8) | (uint32_t{b[2]} << 16) | (uint32_t{b[3]} << 24);
  }
  // A chunk: 4-character tag, u32 length, payload. The payload comes back as its own
  // reader so a chunk's parser cannot run into the next chunk.
  std::string tag() {
    auto b = take(4, "chunk tag");
    return std::string(b.begin(), b.end());
  }
  ByteReader chunk_payload(std::string_view tag) {
    uint32_t len = u32("chunk length");
    size_t offset = file_offset();
    return ByteReader(take(len, "chunk", tag), offset);
  }

 private:
  [[noreturn]] void fail(size_t n, std::string_view what, std::string_view tag) const {
    std::string msg = "truncated ";
    if (!tag.empty()) {
      // A corrupt file's tag may be any bytes; keep the message one printable line.
      msg += '\'';
      for (char c : tag) msg += (c >= 0x20 && c < 0x7F) ? c : '?';
      msg += "' ";
    }
    msg += what;
    msg += " at offset " + std::to_string(file_offset()) + ": needs " + std::to_string(n) +
           " bytes, " + std::to_string(remaining()) + " left";
    throw MooError(msg);
  }

  std::span<const uint8_t> data_;
  size_t base_ = 0;
  size_t pos_ = 0;
};

}  // namespace trapeze
