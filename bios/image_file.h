// Reading firmware, kernel and initrd images from the host, with the one-line errors a
// user needs (which file, and why it cannot be used).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace trapeze {

// The whole file. `what` names it in messages ("BIOS image"). Throws ConfigError when
// the file is missing, unreadable, not a regular file, empty, or larger than max_bytes.
std::vector<uint8_t> read_image_file(const std::string& path, const char* what, uint64_t max_bytes);
// Throws ConfigError unless `image` starts with the option ROM signature 55 AA (and
// has a length byte): "<what> '<path>' lacks the option ROM signature 55 AA".
void check_option_rom_signature(std::span<const uint8_t> image, const char* what,
                                const std::string& path);

}  // namespace trapeze
