#include "frontend/key_script.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace trapeze {
namespace {

struct NamedKey {
  std::string_view name;
  KeyCode key;
};

constexpr NamedKey kNamedKeys[] = {
    {"ctrl", KeyCode::kLeftCtrl},
    {"control", KeyCode::kLeftCtrl},
    {"shift", KeyCode::kLeftShift},
    {"alt", KeyCode::kLeftAlt},
    {"gui", KeyCode::kLeftGui},
    {"win", KeyCode::kLeftGui},
    {"super", KeyCode::kLeftGui},
    {"rctrl", KeyCode::kRightCtrl},
    {"rshift", KeyCode::kRightShift},
    {"ralt", KeyCode::kRightAlt},
    {"altgr", KeyCode::kRightAlt},
    {"rgui", KeyCode::kRightGui},
    {"enter", KeyCode::kEnter},
    {"return", KeyCode::kEnter},
    {"esc", KeyCode::kEscape},
    {"escape", KeyCode::kEscape},
    {"tab", KeyCode::kTab},
    {"space", KeyCode::kSpace},
    {"backspace", KeyCode::kBackspace},
    {"insert", KeyCode::kInsert},
    {"ins", KeyCode::kInsert},
    {"delete", KeyCode::kDelete},
    {"del", KeyCode::kDelete},
    {"home", KeyCode::kHome},
    {"end", KeyCode::kEnd},
    {"pgup", KeyCode::kPageUp},
    {"pageup", KeyCode::kPageUp},
    {"pgdn", KeyCode::kPageDown},
    {"pagedown", KeyCode::kPageDown},
    {"up", KeyCode::kUp},
    {"down", KeyCode::kDown},
    {"left", KeyCode::kLeft},
    {"right", KeyCode::kRight},
    {"capslock", KeyCode::kCapsLock},
    {"numlock", KeyCode::kNumLock},
    {"scrolllock", KeyCode::kScrollLock},
    {"printscreen", KeyCode::kPrintScreen},
    {"sysrq", KeyCode::kPrintScreen},
    {"pause", KeyCode::kPause},
    {"menu", KeyCode::kApplication},
    {"minus", KeyCode::kMinus},
    {"equal", KeyCode::kEqual},
    {"kpenter", KeyCode::kKpEnter},
};

void stroke(KeyCode key, std::vector<KeyEvent>& events) {
  events.push_back({key, true});
  events.push_back({key, false});
}

}  // namespace

std::optional<KeyCode> key_by_name(std::string_view name) {
  for (const NamedKey& named : kNamedKeys)
    if (named.name == name) return named.key;
  if (name.size() == 1) {
    // Letters, digits and the unshifted punctuation of the US layout name their key.
    const std::optional<KeyStroke> typed = us_layout_keystroke(name[0]);
    if (typed && !typed->shift && name[0] != ' ') return typed->key;
    return std::nullopt;
  }
  if (name[0] == 'f' && name.size() <= 3) {
    int number = 0;
    for (const char c : name.substr(1)) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
      number = number * 10 + (c - '0');
    }
    if (number >= 1 && number <= 12)
      return static_cast<KeyCode>(static_cast<uint8_t>(KeyCode::kF1) + number - 1);
  }
  return std::nullopt;
}

std::optional<std::string> key_events_for_text(std::string_view text,
                                               std::vector<KeyEvent>& events) {
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\') {
      if (i + 1 == text.size()) return "--type text ends in a lone backslash (write \\\\)";
      switch (text[++i]) {
        case 'n':
          c = '\n';
          break;
        case 't':
          c = '\t';
          break;
        case 'b':
          c = '\b';
          break;
        case '\\':
          c = '\\';
          break;
        case 'e':
          stroke(KeyCode::kEscape, events);
          continue;
        default:
          return fmt::format("--type: unknown escape '\\{}' (use \\n, \\t, \\b, \\e or \\\\)",
                             text[i]);
      }
    }
    const std::optional<KeyStroke> typed = us_layout_keystroke(c);
    if (!typed)
      return fmt::format("--type: character 0x{:02X} has no key on a US keyboard",
                         static_cast<unsigned char>(c));
    if (typed->shift) events.push_back({KeyCode::kLeftShift, true});
    stroke(typed->key, events);
    if (typed->shift) events.push_back({KeyCode::kLeftShift, false});
  }
  return std::nullopt;
}

std::optional<std::string> key_events_for_combos(std::string_view spec,
                                                 std::vector<KeyEvent>& events) {
  size_t combos = 0;
  size_t start = 0;
  while (start <= spec.size()) {
    size_t end = spec.find(' ', start);
    if (end == std::string_view::npos) end = spec.size();
    const std::string_view combo = spec.substr(start, end - start);
    start = end + 1;
    if (combo.empty()) continue;
    std::vector<KeyCode> keys;
    size_t name_start = 0;
    while (name_start < combo.size()) {
      // A separator right at the start of a name is the key itself ("ctrl--" is Ctrl
      // and Minus).
      size_t name_end = combo.find_first_of("-+", name_start + 1);
      if (name_end == std::string_view::npos) name_end = combo.size();
      std::string name(combo.substr(name_start, name_end - name_start));
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
      const std::optional<KeyCode> key = key_by_name(name);
      if (!key) return fmt::format("--keys: unknown key name '{}' in '{}'", name, combo);
      keys.push_back(*key);
      name_start = name_end + 1;
    }
    for (const KeyCode key : keys) events.push_back({key, true});
    for (auto it = keys.rbegin(); it != keys.rend(); ++it) events.push_back({*it, false});
    ++combos;
  }
  if (combos == 0) return "--keys needs at least one key combination";
  return std::nullopt;
}

}  // namespace trapeze
