// The text screen as text: what a user would read off the display in a text mode, for
// headless runs (--screen-text) and tests that wait for a message.
#pragma once

#include <optional>
#include <string>

#include "devices/vga/vbe_dispi.h"
#include "devices/vga/vga_registers.h"
#include "devices/vga/video_memory.h"

namespace trapeze::vga {

// UTF-8 lines (code page 437 translated), trailing blanks removed, each ending in '\n';
// nullopt unless the card shows a text mode.
std::optional<std::string> text_screen(const VgaRegisters& regs, const VideoMemory& memory,
                                       const VbeDispi& vbe);

}  // namespace trapeze::vga
