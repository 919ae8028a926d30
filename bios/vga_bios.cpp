#include "bios/vga_bios.h"

#include <fmt/format.h>

#include <filesystem>

#include "bios/image_file.h"
#include "devices/config_error.h"

namespace trapeze {

std::vector<uint8_t> load_vga_bios_image(const std::string& path) {
  if (path == kDefaultVgaBiosPath && !std::filesystem::exists(path))
    throw ConfigError(fmt::format(
        "no VGA BIOS at {}: install Debian's seabios package (apt-get install seabios), or run "
        "without a display card (--vga none)",
        path));
  std::vector<uint8_t> image = read_image_file(path, "VGA BIOS image", 16 * 1024 * 1024);
  check_vga_bios_image(image, path);
  return image;
}

void check_vga_bios_image(std::span<const uint8_t> image, const std::string& path) {
  if (image.size() < 3 || image[0] != 0x55 || image[1] != 0xAA)
    throw ConfigError(
        fmt::format("VGA BIOS image '{}' lacks the option ROM signature 55 AA", path));
}

}  // namespace trapeze
