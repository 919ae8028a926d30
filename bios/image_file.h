// Reading firmware, kernel and initrd images from the host, with the one-line errors a
// user needs (which file, and why it cannot be used).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace trapeze {

// The whole file. `what` names it in messages ("BIOS image"). Throws ConfigError when
// the file is missing, unreadable, not a regular file, empty, or larger than max_bytes.
std::vector<uint8_t> read_image_file(const std::string& path, const char* what, uint64_t max_bytes);

}  // namespace trapeze
