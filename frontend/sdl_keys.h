// Host keys to emulated keys, by position. SDL's scancodes are the USB HID usage IDs of
// the Keyboard/Keypad page, and so are KeyCode's values (devices/scan_codes.h), so the
// mapping is a cast for every key the PS/2 keyboard has, whatever the host's layout
// (an AZERTY host's "A" key is SDL_SCANCODE_Q and reaches the guest as the Q position,
// which the guest's own layout then reads as A).
#pragma once

#include <SDL_scancode.h>

#include <optional>

#include "devices/scan_codes.h"

namespace trapeze {

// The emulated key at the position of `scancode`, or nullopt for host keys a PS/2
// keyboard lacks (F13-F24, media keys, ...).
std::optional<KeyCode> key_for_scancode(SDL_Scancode scancode);

}  // namespace trapeze
