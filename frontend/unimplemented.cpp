#include "frontend/unimplemented.h"

#include <fmt/format.h>

namespace trapeze {

std::optional<UsageError> refuse_unimplemented(const CliOptions& options) {
  // --kernel is taken here whatever the file is: the machine reads it and says (exit
  // status 2) when it is neither a Linux bzImage nor a multiboot kernel.
  if (options.bios_path.empty() && options.kernel_path.empty() && options.hda_path.empty() &&
      options.hdb_path.empty() && options.cdrom_path.empty()) {
    // Nothing to boot was named: that is the default demo guest (Debian Linux through
    // SeaBIOS), which needs the whole PC platform.
    return UsageError{
        "the default demo guest (Debian Linux) is not built yet; boot a disk with --hda FILE or "
        "--cdrom FILE, a kernel with --kernel FILE, or a raw ROM with --bios FILE"};
  }
  return std::nullopt;
}

}  // namespace trapeze
