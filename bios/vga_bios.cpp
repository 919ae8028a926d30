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
  check_option_rom_signature(image, "VGA BIOS image", path);
}

}  // namespace trapeze
