#include "devices/scan_codes.h"

#include <array>

namespace trapeze {

namespace {

struct KeyRow {
  KeyCode key;
  uint8_t set2;
  bool extended;
  uint8_t set3;
};

// By position, in HID usage order. Set 2 from the IBM/Microsoft tables; set 3 from the
// IBM terminal-keyboard table. The JIS keys have no set-3 code here (IBM's set-3 JIS
// keyboards differ among themselves).
constexpr KeyRow kKeys[] = {
    {KeyCode::kA, 0x1C, false, 0x1C},
    {KeyCode::kB, 0x32, false, 0x32},
    {KeyCode::kC, 0x21, false, 0x21},
    {KeyCode::kD, 0x23, false, 0x23},
    {KeyCode::kE, 0x24, false, 0x24},
    {KeyCode::kF, 0x2B, false, 0x2B},
    {KeyCode::kG, 0x34, false, 0x34},
    {KeyCode::kH, 0x33, false, 0x33},
    {KeyCode::kI, 0x43, false, 0x43},
    {KeyCode::kJ, 0x3B, false, 0x3B},
    {KeyCode::kK, 0x42, false, 0x42},
    {KeyCode::kL, 0x4B, false, 0x4B},
    {KeyCode::kM, 0x3A, false, 0x3A},
    {KeyCode::kN, 0x31, false, 0x31},
    {KeyCode::kO, 0x44, false, 0x44},
    {KeyCode::kP, 0x4D, false, 0x4D},
    {KeyCode::kQ, 0x15, false, 0x15},
    {KeyCode::kR, 0x2D, false, 0x2D},
    {KeyCode::kS, 0x1B, false, 0x1B},
    {KeyCode::kT, 0x2C, false, 0x2C},
    {KeyCode::kU, 0x3C, false, 0x3C},
    {KeyCode::kV, 0x2A, false, 0x2A},
    {KeyCode::kW, 0x1D, false, 0x1D},
    {KeyCode::kX, 0x22, false, 0x22},
    {KeyCode::kY, 0x35, false, 0x35},
    {KeyCode::kZ, 0x1A, false, 0x1A},
    {KeyCode::k1, 0x16, false, 0x16},
    {KeyCode::k2, 0x1E, false, 0x1E},
    {KeyCode::k3, 0x26, false, 0x26},
    {KeyCode::k4, 0x25, false, 0x25},
    {KeyCode::k5, 0x2E, false, 0x2E},
    {KeyCode::k6, 0x36, false, 0x36},
    {KeyCode::k7, 0x3D, false, 0x3D},
    {KeyCode::k8, 0x3E, false, 0x3E},
    {KeyCode::k9, 0x46, false, 0x46},
    {KeyCode::k0, 0x45, false, 0x45},
    {KeyCode::kEnter, 0x5A, false, 0x5A},
    {KeyCode::kEscape, 0x76, false, 0x08},
    {KeyCode::kBackspace, 0x66, false, 0x66},
    {KeyCode::kTab, 0x0D, false, 0x0D},
    {KeyCode::kSpace, 0x29, false, 0x29},
    {KeyCode::kMinus, 0x4E, false, 0x4E},
    {KeyCode::kEqual, 0x55, false, 0x55},
    {KeyCode::kLeftBracket, 0x54, false, 0x54},
    {KeyCode::kRightBracket, 0x5B, false, 0x5B},
    {KeyCode::kBackslash, 0x5D, false, 0x5C},
    {KeyCode::kNonUsHash, 0x5D, false, 0x53},  // set 2 shares the code with key 29
    {KeyCode::kSemicolon, 0x4C, false, 0x4C},
    {KeyCode::kApostrophe, 0x52, false, 0x52},
    {KeyCode::kGrave, 0x0E, false, 0x0E},
    {KeyCode::kComma, 0x41, false, 0x41},
    {KeyCode::kPeriod, 0x49, false, 0x49},
    {KeyCode::kSlash, 0x4A, false, 0x4A},
    {KeyCode::kCapsLock, 0x58, false, 0x14},
    {KeyCode::kF1, 0x05, false, 0x07},
    {KeyCode::kF2, 0x06, false, 0x0F},
    {KeyCode::kF3, 0x04, false, 0x17},
    {KeyCode::kF4, 0x0C, false, 0x1F},
    {KeyCode::kF5, 0x03, false, 0x27},
    {KeyCode::kF6, 0x0B, false, 0x2F},
    {KeyCode::kF7, 0x83, false, 0x37},
    {KeyCode::kF8, 0x0A, false, 0x3F},
    {KeyCode::kF9, 0x01, false, 0x47},
    {KeyCode::kF10, 0x09, false, 0x4F},
    {KeyCode::kF11, 0x78, false, 0x56},
    {KeyCode::kF12, 0x07, false, 0x5E},
    {KeyCode::kPrintScreen, 0x7C, true, 0x57},
    {KeyCode::kScrollLock, 0x7E, false, 0x5F},
    {KeyCode::kPause, 0x77, false, 0x62},  // set 2: see Ps2Keyboard (E1 sequence)
    {KeyCode::kInsert, 0x70, true, 0x67},
    {KeyCode::kHome, 0x6C, true, 0x6E},
    {KeyCode::kPageUp, 0x7D, true, 0x6F},
    {KeyCode::kDelete, 0x71, true, 0x64},
    {KeyCode::kEnd, 0x69, true, 0x65},
    {KeyCode::kPageDown, 0x7A, true, 0x6D},
    {KeyCode::kRight, 0x74, true, 0x6A},
    {KeyCode::kLeft, 0x6B, true, 0x61},
    {KeyCode::kDown, 0x72, true, 0x60},
    {KeyCode::kUp, 0x75, true, 0x63},
    {KeyCode::kNumLock, 0x77, false, 0x76},
    {KeyCode::kKpDivide, 0x4A, true, 0x77},
    {KeyCode::kKpMultiply, 0x7C, false, 0x7E},
    {KeyCode::kKpMinus, 0x7B, false, 0x84},
    {KeyCode::kKpPlus, 0x79, false, 0x7C},
    {KeyCode::kKpEnter, 0x5A, true, 0x79},
    {KeyCode::kKp1, 0x69, false, 0x69},
    {KeyCode::kKp2, 0x72, false, 0x72},
    {KeyCode::kKp3, 0x7A, false, 0x7A},
    {KeyCode::kKp4, 0x6B, false, 0x6B},
    {KeyCode::kKp5, 0x73, false, 0x73},
    {KeyCode::kKp6, 0x74, false, 0x74},
    {KeyCode::kKp7, 0x6C, false, 0x6C},
    {KeyCode::kKp8, 0x75, false, 0x75},
    {KeyCode::kKp9, 0x7D, false, 0x7D},
    {KeyCode::kKp0, 0x70, false, 0x70},
    {KeyCode::kKpPeriod, 0x71, false, 0x71},
    {KeyCode::kNonUsBackslash, 0x61, false, 0x13},
    {KeyCode::kApplication, 0x2F, true, 0x8D},
    {KeyCode::kInternational1, 0x51, false, 0x00},
    {KeyCode::kInternational2, 0x13, false, 0x00},
    {KeyCode::kInternational3, 0x6A, false, 0x00},
    {KeyCode::kInternational4, 0x64, false, 0x00},
    {KeyCode::kInternational5, 0x67, false, 0x00},
    {KeyCode::kLeftCtrl, 0x14, false, 0x11},
    {KeyCode::kLeftShift, 0x12, false, 0x12},
    {KeyCode::kLeftAlt, 0x11, false, 0x19},
    {KeyCode::kLeftGui, 0x1F, true, 0x8B},
    {KeyCode::kRightCtrl, 0x14, true, 0x58},
    {KeyCode::kRightShift, 0x59, false, 0x59},
    {KeyCode::kRightAlt, 0x11, true, 0x39},
    {KeyCode::kRightGui, 0x27, true, 0x8C},
};

struct KeyEntry {
  KeyScanCodes codes;
  bool valid = false;
};

constexpr std::array<KeyEntry, 256> kKeyTable = [] {
  std::array<KeyEntry, 256> table{};
  for (const KeyRow& row : kKeys) {
    table[static_cast<uint8_t>(row.key)] = {{row.set2, row.extended, row.set3}, true};
  }
  return table;
}();

// The 8042's set 2 -> set 1 table for codes 0x00-0x7F (Brouwer, "Keyboard scancodes"
// section 10; it is a property of the controller's ROM). Codes no set-2 key sends still
// have entries: set-3 codes pass through the same table when a guest leaves translation
// on. 0x00 (set 2 overrun) becomes 0xFF, set 1's overrun.
constexpr std::array<uint8_t, 128> kSet2ToSet1Low = {
    // 0x00
    0xFF,
    0x43,
    0x41,
    0x3F,
    0x3D,
    0x3B,
    0x3C,
    0x58,
    0x64,
    0x44,
    0x42,
    0x40,
    0x3E,
    0x0F,
    0x29,
    0x59,
    // 0x10
    0x65,
    0x38,
    0x2A,
    0x70,
    0x1D,
    0x10,
    0x02,
    0x5A,
    0x66,
    0x71,
    0x2C,
    0x1F,
    0x1E,
    0x11,
    0x03,
    0x5B,
    // 0x20
    0x67,
    0x2E,
    0x2D,
    0x20,
    0x12,
    0x05,
    0x04,
    0x5C,
    0x68,
    0x39,
    0x2F,
    0x21,
    0x14,
    0x13,
    0x06,
    0x5D,
    // 0x30
    0x69,
    0x31,
    0x30,
    0x23,
    0x22,
    0x15,
    0x07,
    0x5E,
    0x6A,
    0x72,
    0x32,
    0x24,
    0x16,
    0x08,
    0x09,
    0x5F,
    // 0x40
    0x6B,
    0x33,
    0x25,
    0x17,
    0x18,
    0x0B,
    0x0A,
    0x60,
    0x6C,
    0x34,
    0x35,
    0x26,
    0x27,
    0x19,
    0x0C,
    0x61,
    // 0x50
    0x6D,
    0x73,
    0x28,
    0x74,
    0x1A,
    0x0D,
    0x62,
    0x6E,
    0x3A,
    0x36,
    0x1C,
    0x1B,
    0x75,
    0x2B,
    0x63,
    0x76,
    // 0x60
    0x55,
    0x56,
    0x77,
    0x78,
    0x79,
    0x7A,
    0x0E,
    0x7B,
    0x7C,
    0x4F,
    0x7D,
    0x4B,
    0x47,
    0x7E,
    0x7F,
    0x6F,
    // 0x70
    0x52,
    0x53,
    0x50,
    0x4C,
    0x4D,
    0x48,
    0x01,
    0x45,
    0x57,
    0x4E,
    0x51,
    0x4A,
    0x37,
    0x49,
    0x46,
    0x54,
};

}  // namespace

std::optional<KeyScanCodes> key_scan_codes(KeyCode key) {
  const KeyEntry& entry = kKeyTable[static_cast<uint8_t>(key)];
  if (!entry.valid) return std::nullopt;
  return entry.codes;
}

uint8_t translate_set2_to_set1(uint8_t code) {
  if (code < 0x80) return kSet2ToSet1Low[code];
  // Above 0x7F the controller passes bytes through (prefixes, protocol replies such as
  // FA and AA), except the two set-2 key codes beyond 0x7F: F7 and Alt+PrintScreen.
  if (code == 0x83) return 0x41;
  if (code == 0x84) return 0x54;
  return code;
}

std::optional<KeyStroke> us_layout_keystroke(char c) {
  if (c >= 'a' && c <= 'z') {
    return KeyStroke{static_cast<KeyCode>(static_cast<uint8_t>(KeyCode::kA) + (c - 'a')), false};
  }
  if (c >= 'A' && c <= 'Z') {
    return KeyStroke{static_cast<KeyCode>(static_cast<uint8_t>(KeyCode::kA) + (c - 'A')), true};
  }
  if (c >= '1' && c <= '9') {
    return KeyStroke{static_cast<KeyCode>(static_cast<uint8_t>(KeyCode::k1) + (c - '1')), false};
  }
  // The shifted digit row, in key order 1..0.
  static constexpr char kShiftedDigits[] = "!@#$%^&*()";
  for (int i = 0; i < 10; ++i) {
    if (c == kShiftedDigits[i]) {
      return KeyStroke{static_cast<KeyCode>(static_cast<uint8_t>(KeyCode::k1) + i), true};
    }
  }
  struct Punctuation {
    char plain;
    char shifted;
    KeyCode key;
  };
  static constexpr Punctuation kPunctuation[] = {
      {'0', ')', KeyCode::k0},
      {'-', '_', KeyCode::kMinus},
      {'=', '+', KeyCode::kEqual},
      {'[', '{', KeyCode::kLeftBracket},
      {']', '}', KeyCode::kRightBracket},
      {'\\', '|', KeyCode::kBackslash},
      {';', ':', KeyCode::kSemicolon},
      {'\'', '"', KeyCode::kApostrophe},
      {'`', '~', KeyCode::kGrave},
      {',', '<', KeyCode::kComma},
      {'.', '>', KeyCode::kPeriod},
      {'/', '?', KeyCode::kSlash},
  };
  for (const Punctuation& p : kPunctuation) {
    if (c == p.plain) return KeyStroke{p.key, false};
    if (c == p.shifted) return KeyStroke{p.key, true};
  }
  switch (c) {
    case ' ':
      return KeyStroke{KeyCode::kSpace, false};
    case '\n':
      return KeyStroke{KeyCode::kEnter, false};
    case '\t':
      return KeyStroke{KeyCode::kTab, false};
    case '\b':
      return KeyStroke{KeyCode::kBackspace, false};
    default:
      return std::nullopt;
  }
}

}  // namespace trapeze
