#include "bios/image_file.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <system_error>

#include "devices/config_error.h"

namespace trapeze {

std::vector<uint8_t> read_image_file(const std::string& path, const char* what,
                                     uint64_t max_bytes) {
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (error) throw ConfigError(fmt::format("{} '{}': {}", what, path, error.message()));
  if (!std::filesystem::is_regular_file(status))
    throw ConfigError(fmt::format("{} '{}' is not a regular file", what, path));
  const uint64_t size_bytes = std::filesystem::file_size(path, error);
  if (error) throw ConfigError(fmt::format("{} '{}': {}", what, path, error.message()));
  if (size_bytes == 0) throw ConfigError(fmt::format("{} '{}' is empty", what, path));
  if (size_bytes > max_bytes)
    throw ConfigError(fmt::format("{} '{}' is {} bytes, more than the {} bytes allowed", what, path,
                                  size_bytes, max_bytes));

  std::vector<uint8_t> bytes(size_bytes);
  std::ifstream in(path, std::ios::binary);
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size_bytes));
  if (!in || static_cast<uint64_t>(in.gcount()) != size_bytes)
    throw ConfigError(fmt::format("{} '{}': read error", what, path));
  return bytes;
}

void check_option_rom_signature(std::span<const uint8_t> image, const char* what,
                                const std::string& path) {
  if (image.size() < 3 || image[0] != 0x55 || image[1] != 0xAA)
    throw ConfigError(fmt::format("{} '{}' lacks the option ROM signature 55 AA", what, path));
}

}  // namespace trapeze
