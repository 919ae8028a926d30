// Scripted keyboard input for headless runs: `--type TEXT` and `--keys SPEC` become a
// list of key-down and key-up events for the emulated PS/2 keyboard, by key position
// (devices/scan_codes.h), so a test can drive a guest's VGA console with no serial line.
//
// --type takes characters as a US layout types them (Shift is pressed around capitals
// and symbols) with the escapes \n (Enter), \t (Tab), \b (Backspace), \e (Escape) and
// \\ (a backslash), because a shell argument cannot easily hold a newline.
//
// --keys takes combinations separated by spaces, each key names joined by '-' or '+'
// as in "ctrl-alt-del", "alt-f2 enter", "shift+tab": the keys go down left to right
// and come up right to left. Names: a-z, 0-9, f1-f12, the modifiers (ctrl, shift, alt,
// gui/win/super, their right-hand forms rctrl, rshift, ralt/altgr, rgui), and enter,
// esc, tab, space, backspace, insert, delete/del, home, end, pgup, pgdn, up, down,
// left, right, capslock, numlock, scrolllock, printscreen/sysrq, pause, menu,
// minus, equal, and the single punctuation characters of the US layout.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "devices/scan_codes.h"

namespace trapeze {

struct KeyEvent {
  KeyCode key = KeyCode::kA;
  bool down = true;

  bool operator==(const KeyEvent&) const = default;
};

// The events that type `text`, or the message for the user when a character cannot be
// typed (not printable ASCII, or an unknown escape).
[[nodiscard]] std::optional<std::string> key_events_for_text(std::string_view text,
                                                             std::vector<KeyEvent>& events);
// The events for a --keys specification, or the message for the user.
[[nodiscard]] std::optional<std::string> key_events_for_combos(std::string_view spec,
                                                               std::vector<KeyEvent>& events);
// The key a --keys name stands for (lower case), or nullopt.
std::optional<KeyCode> key_by_name(std::string_view name);

}  // namespace trapeze

namespace trapeze {

// One step of the headless input script, in command-line order: wait until a text
// appears (--when), or send key events (--type, --keys).
struct InputStep {
  enum class Kind { kWhen, kKeys };
  Kind kind = Kind::kKeys;
  std::string text;              // kWhen: what to wait for; kKeys: the option's value
  std::vector<KeyEvent> events;  // kKeys
};

}  // namespace trapeze
