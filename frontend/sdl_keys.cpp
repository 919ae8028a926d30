#include "frontend/sdl_keys.h"

namespace trapeze {

// The cast below relies on these (a few from each region of the table).
static_assert(SDL_SCANCODE_A == static_cast<int>(KeyCode::kA));
static_assert(SDL_SCANCODE_RETURN == static_cast<int>(KeyCode::kEnter));
static_assert(SDL_SCANCODE_NONUSHASH == static_cast<int>(KeyCode::kNonUsHash));
static_assert(SDL_SCANCODE_F12 == static_cast<int>(KeyCode::kF12));
static_assert(SDL_SCANCODE_KP_PERIOD == static_cast<int>(KeyCode::kKpPeriod));
static_assert(SDL_SCANCODE_APPLICATION == static_cast<int>(KeyCode::kApplication));
static_assert(SDL_SCANCODE_INTERNATIONAL1 == static_cast<int>(KeyCode::kInternational1));
static_assert(SDL_SCANCODE_LCTRL == static_cast<int>(KeyCode::kLeftCtrl));
static_assert(SDL_SCANCODE_RGUI == static_cast<int>(KeyCode::kRightGui));

std::optional<KeyCode> key_for_scancode(SDL_Scancode scancode) {
  if (scancode <= SDL_SCANCODE_UNKNOWN || scancode > SDL_SCANCODE_RGUI) return std::nullopt;
  const auto key = static_cast<KeyCode>(scancode);
  if (!key_scan_codes(key)) return std::nullopt;
  return key;
}

}  // namespace trapeze
