#include "bios/boot_data_area.h"

#include <fmt/format.h>

#include <vector>

#include "devices/config_error.h"

namespace trapeze {

uint32_t BootDataArea::reserve(uint64_t size_bytes, uint32_t align, std::string_view what) {
  const uint64_t at = (uint64_t{next_} + align - 1) & ~uint64_t{align - 1};
  if (at + size_bytes > end_)
    throw ConfigError(
        fmt::format("the {} ({} bytes) does not fit in the {} bytes of boot data at {:#x}", what,
                    size_bytes, end_ - base_, base_));
  next_ = static_cast<uint32_t>(at + size_bytes);
  return static_cast<uint32_t>(at);
}

uint32_t BootDataArea::put(std::span<const uint8_t> bytes, uint32_t align, std::string_view what) {
  const uint32_t at = reserve(bytes.size(), align, what);
  write(at, bytes);
  return at;
}

uint32_t BootDataArea::put_string(std::string_view text, std::string_view what) {
  std::vector<uint8_t> bytes(text.begin(), text.end());
  bytes.push_back(0);
  return put(bytes, 1, what);
}

void BootDataArea::write(uint32_t address, std::span<const uint8_t> bytes) {
  memory_.copy_to_guest(address, bytes);
}

}  // namespace trapeze
