#include "frontend/demo_guest.h"

#include <filesystem>
#include <system_error>

namespace trapeze {

bool boots_nothing(const CliOptions& options) {
  return options.bios_path.empty() && options.kernel_path.empty() && options.hda_path.empty() &&
         options.hdb_path.empty() && options.cdrom_path.empty() &&
         options.boot_order.find('n') == std::string::npos;
}

std::optional<std::string> find_demo_disk() {
  constexpr const char* kRelative = "guests/linux/disk.img";
  for (const std::filesystem::path& root :
       {std::filesystem::path("."), std::filesystem::path(TRAPEZE_SOURCE_DIR)}) {
    std::error_code error;
    const std::filesystem::path disk = root / kRelative;
    if (std::filesystem::is_regular_file(disk, error)) return disk.lexically_normal().string();
  }
  return std::nullopt;
}

std::optional<UsageError> use_demo_guest(CliOptions& options) {
  const std::optional<std::string> disk = find_demo_disk();
  if (!disk) {
    return UsageError{
        "the demo guest is not built: run tools/build-linux-guest (or boot something with "
        "--hda, --cdrom, --kernel or --bios)"};
  }
  options.hda_path = *disk;
  options.snapshot = true;
  return std::nullopt;
}

}  // namespace trapeze
