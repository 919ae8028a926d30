// The default demo guest: what `trapeze` with nothing to boot runs. It is Debian's i386
// Linux on a SYSLINUX disk, built from Debian packages by tools/build-linux-guest into
// guests/linux/ at the repository root (git-ignored). The demo runs with --snapshot, so
// playing with it never changes the image.
#pragma once

#include <optional>
#include <string>

#include "frontend/cli.h"

namespace trapeze {

// True when the options name nothing to boot (no disk, CD-ROM, kernel or ROM, and no
// network boot).
bool boots_nothing(const CliOptions& options);

// The demo disk image: guests/linux/disk.img under the working directory, else under
// the source tree trapeze was built from. Nullopt when neither exists.
std::optional<std::string> find_demo_disk();

// Points the options at the demo guest, or returns the usage error (status 2) that says
// how to build it.
std::optional<UsageError> use_demo_guest(CliOptions& options);

}  // namespace trapeze
