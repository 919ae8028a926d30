#include "bios/bios_rom.h"

#include <fmt/format.h>

#include <filesystem>

#include "bios/image_file.h"
#include "devices/config_error.h"

namespace trapeze {

std::vector<uint8_t> load_bios_image(const std::string& path) {
  std::vector<uint8_t> image = read_image_file(path, "BIOS image", kBiosMaxBytes);
  check_bios_image(image, path);
  return image;
}

void check_bios_image(std::span<const uint8_t> image, const std::string& path) {
  if (image.empty() || image.size() % kBiosGranuleBytes != 0 || image.size() > kBiosMaxBytes)
    throw ConfigError(fmt::format(
        "BIOS image '{}' is {} bytes; expected a multiple of 64 KiB (65536), at most 16 MiB", path,
        image.size()));
}

void map_bios(AddressMap& memory, std::span<const uint8_t> image) {
  memory.map_rom("bios", kBiosHighEnd - image.size(), image);
  const uint64_t low_bytes = bios_low_window_bytes(image.size());
  memory.map_rom("isa-bios", kBiosLowWindowEnd - low_bytes, image.last(low_bytes));
}

std::string default_bios_path() {
  // bios-256k.bin is the build QEMU's pc machine uses; bios.bin is the 128 KiB one.
  for (const char* candidate :
       {"/usr/share/seabios/bios-256k.bin", "/usr/share/seabios/bios.bin"}) {
    std::error_code error;
    if (std::filesystem::is_regular_file(candidate, error)) return candidate;
  }
  return {};
}

}  // namespace trapeze
