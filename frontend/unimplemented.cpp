#include "frontend/unimplemented.h"

#include <fmt/format.h>

namespace trapeze {

std::optional<UsageError> refuse_unimplemented(const CliOptions& options) {
  constexpr std::string_view kInstead =
      "use --bios FILE to run a raw ROM, or --kernel FILE to boot a multiboot kernel";
  if (!options.hda_path.empty() || !options.cdrom_path.empty()) {
    return UsageError{fmt::format(
        "booting a disk needs the PC platform (SeaBIOS), which is not implemented yet; {}",
        kInstead)};
  }
  // --kernel is taken here whatever the file is: the machine reads it and says (exit
  // status 2) when it is not a multiboot kernel, such as a Linux bzImage for now.
  if (options.bios_path.empty() && options.kernel_path.empty()) {
    // Nothing to boot was named: that is the default demo guest (Debian Linux through
    // SeaBIOS), which needs the whole PC platform.
    return UsageError{
        "the default demo guest (Debian Linux via SeaBIOS) needs the PC platform, which is not "
        "implemented yet; run a raw ROM with --bios FILE, a multiboot kernel with --kernel FILE, "
        "or the test suite with ctest (see README.md)"};
  }
  return std::nullopt;
}

}  // namespace trapeze
