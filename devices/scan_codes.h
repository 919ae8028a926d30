// Keys of a PC keyboard and the codes they send.
//
// Keys are named by their position, not by what they print: the host (SDL window,
// scripted input) says which key went down, the emulated keyboard decides which scan
// codes that key sends, and the guest's layout decides what it means. The KeyCode values
// are the USB HID usage IDs of the Keyboard/Keypad page (0x07) (USB HID Usage Tables,
// section 10), so a frontend whose scan codes are HID usages (SDL's SDL_Scancode is)
// converts with a cast. Only the keys of the 104-key US and 105-key ISO layouts, plus
// the Japanese (JIS) extra keys, exist here.
//
// Scan codes: set 2 is what PS/2 keyboards send by default, set 3 the "terminal" set,
// and set 1 the XT's codes, which the 8042 recreates from set 2 with its translation
// table (the same table a keyboard in set 1 mode effectively uses). Sources: IBM PS/2
// Hardware Interface Technical Reference, "Keyboard" (scan code tables); Microsoft
// "Keyboard Scan Code Specification" rev. 1.3a (USB usage to set 1/set 2); Andries
// Brouwer, "Keyboard scancodes", section 10 (the 8042 translation table).
#pragma once

#include <cstdint>
#include <optional>

namespace trapeze {

// clang-format off
enum class KeyCode : uint8_t {
  kA = 0x04, kB = 0x05, kC = 0x06, kD = 0x07, kE = 0x08, kF = 0x09, kG = 0x0A,
  kH = 0x0B, kI = 0x0C, kJ = 0x0D, kK = 0x0E, kL = 0x0F, kM = 0x10, kN = 0x11,
  kO = 0x12, kP = 0x13, kQ = 0x14, kR = 0x15, kS = 0x16, kT = 0x17, kU = 0x18,
  kV = 0x19, kW = 0x1A, kX = 0x1B, kY = 0x1C, kZ = 0x1D,
  k1 = 0x1E, k2 = 0x1F, k3 = 0x20, k4 = 0x21, k5 = 0x22,
  k6 = 0x23, k7 = 0x24, k8 = 0x25, k9 = 0x26, k0 = 0x27,
  kEnter = 0x28,
  kEscape = 0x29,
  kBackspace = 0x2A,
  kTab = 0x2B,
  kSpace = 0x2C,
  kMinus = 0x2D,
  kEqual = 0x2E,
  kLeftBracket = 0x2F,
  kRightBracket = 0x30,
  kBackslash = 0x31,  // US layout, above Enter (IBM key 29)
  kNonUsHash = 0x32,  // ISO layout, left of Enter (IBM key 42)
  kSemicolon = 0x33,
  kApostrophe = 0x34,
  kGrave = 0x35,
  kComma = 0x36,
  kPeriod = 0x37,
  kSlash = 0x38,
  kCapsLock = 0x39,
  kF1 = 0x3A, kF2 = 0x3B, kF3 = 0x3C, kF4 = 0x3D, kF5 = 0x3E, kF6 = 0x3F,
  kF7 = 0x40, kF8 = 0x41, kF9 = 0x42, kF10 = 0x43, kF11 = 0x44, kF12 = 0x45,
  kPrintScreen = 0x46,  // also SysRq (with Alt)
  kScrollLock = 0x47,
  kPause = 0x48,  // also Break (with Ctrl)
  kInsert = 0x49,
  kHome = 0x4A,
  kPageUp = 0x4B,
  kDelete = 0x4C,
  kEnd = 0x4D,
  kPageDown = 0x4E,
  kRight = 0x4F,
  kLeft = 0x50,
  kDown = 0x51,
  kUp = 0x52,
  kNumLock = 0x53,
  kKpDivide = 0x54,
  kKpMultiply = 0x55,
  kKpMinus = 0x56,
  kKpPlus = 0x57,
  kKpEnter = 0x58,
  kKp1 = 0x59, kKp2 = 0x5A, kKp3 = 0x5B, kKp4 = 0x5C, kKp5 = 0x5D,
  kKp6 = 0x5E, kKp7 = 0x5F, kKp8 = 0x60, kKp9 = 0x61, kKp0 = 0x62,
  kKpPeriod = 0x63,
  kNonUsBackslash = 0x64,  // ISO layout, right of left Shift (IBM key 45)
  kApplication = 0x65,     // the Menu key
  kInternational1 = 0x87,  // JIS Ro
  kInternational2 = 0x88,  // JIS Katakana/Hiragana
  kInternational3 = 0x89,  // JIS Yen
  kInternational4 = 0x8A,  // JIS Henkan
  kInternational5 = 0x8B,  // JIS Muhenkan
  kLeftCtrl = 0xE0,
  kLeftShift = 0xE1,
  kLeftAlt = 0xE2,
  kLeftGui = 0xE3,  // the left Windows key
  kRightCtrl = 0xE4,
  kRightShift = 0xE5,
  kRightAlt = 0xE6,
  kRightGui = 0xE7,
};
// clang-format on

// The key, and whether Shift must be held, that types `c` on a US layout: what
// scripted text input ("type this string") needs. Covers printable ASCII, '\n' (Enter),
// '\t' (Tab) and '\b' (Backspace); nullopt for anything else.
struct KeyStroke {
  KeyCode key = KeyCode::kSpace;
  bool shift = false;
};
std::optional<KeyStroke> us_layout_keystroke(char c);

// A key's ordinary make code in set 2 (with its E0 prefix, if `set2_extended`) and in
// set 3 (0 where the key has none). Break codes are F0 + make (E0 F0 make when extended).
// PrintScreen and Pause have longer, modifier-dependent sequences that the keyboard
// builds itself; their entries give the codes of the plain key. nullopt for a value
// that names no key.
struct KeyScanCodes {
  uint8_t set2 = 0;
  bool set2_extended = false;
  uint8_t set3 = 0;
};
std::optional<KeyScanCodes> key_scan_codes(KeyCode key);

// The 8042's translation of one set-2 byte to set 1 (break prefixes are folded in by the
// caller: F0 followed by x becomes translate(x) | 0x80).
uint8_t translate_set2_to_set1(uint8_t code);

}  // namespace trapeze
