#include "bios/nic_boot_rom.h"

#include <fmt/format.h>

#include <filesystem>
#include <system_error>

#include "bios/image_file.h"
#include "devices/config_error.h"

namespace trapeze {

std::vector<uint8_t> load_nic_boot_rom(bool required, const std::string& path) {
  std::error_code error;
  if (!std::filesystem::exists(path, error)) {
    if (!required) return {};
    throw ConfigError(
        fmt::format("network boot needs the card's boot ROM {}: install Debian's ipxe-qemu package "
                    "(apt-get install ipxe-qemu)",
                    path));
  }
  std::vector<uint8_t> image = read_image_file(path, "network boot ROM", 1024 * 1024);
  check_option_rom_signature(image, "network boot ROM", path);
  return image;
}

}  // namespace trapeze
