// Code page 437, the character set of the PC's text modes (and of the VGA BIOS's
// fonts), translated to Unicode for the text-screen dump.
#pragma once

#include <cstdint>
#include <string>

namespace trapeze::vga {

char32_t cp437_to_unicode(uint8_t byte);
// Appends `c` (below U+10000) to `out` as UTF-8.
void append_utf8(std::string& out, char32_t c);

}  // namespace trapeze::vga
