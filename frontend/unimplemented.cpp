#include "frontend/unimplemented.h"

#include <fmt/format.h>

namespace trapeze {

std::optional<UsageError> refuse_unimplemented(const CliOptions& options) {
  constexpr std::string_view kInstead = "use --bios FILE to run a raw ROM";
  if (!options.kernel_path.empty()) {
    return UsageError{
        fmt::format("direct kernel boot (--kernel) is not implemented yet; {}", kInstead)};
  }
  if (!options.hda_path.empty() || !options.cdrom_path.empty()) {
    return UsageError{fmt::format(
        "booting a disk needs the PC platform (SeaBIOS), which is not implemented yet; {}",
        kInstead)};
  }
  if (options.bios_path.empty()) {
    // Nothing to boot was named: that is the default demo guest (Debian Linux through
    // SeaBIOS), which needs the whole PC platform.
    return UsageError{
        "the default demo guest (Debian Linux via SeaBIOS) needs the PC platform, which is not "
        "implemented yet; run a raw ROM with --bios FILE, or the test suite with ctest (see "
        "README.md)"};
  }
  return std::nullopt;
}

}  // namespace trapeze
