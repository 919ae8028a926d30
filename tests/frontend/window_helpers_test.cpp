// The window's pure parts: host scancodes to emulated keys, and where the picture goes.
#include <doctest/doctest.h>

#include "frontend/display_geometry.h"
#include "frontend/sdl_keys.h"

namespace trapeze {
namespace {

TEST_CASE("host keys map by position to PS/2 keys, extended ones included") {
  CHECK(key_for_scancode(SDL_SCANCODE_A) == KeyCode::kA);
  CHECK(key_for_scancode(SDL_SCANCODE_Q) == KeyCode::kQ);
  CHECK(key_for_scancode(SDL_SCANCODE_KP_ENTER) == KeyCode::kKpEnter);
  CHECK(key_for_scancode(SDL_SCANCODE_RALT) == KeyCode::kRightAlt);
  CHECK(key_for_scancode(SDL_SCANCODE_NONUSBACKSLASH) == KeyCode::kNonUsBackslash);
  // Extended keys (E0-prefixed in set 2).
  const auto right_ctrl = key_scan_codes(*key_for_scancode(SDL_SCANCODE_RCTRL));
  REQUIRE(right_ctrl);
  CHECK(right_ctrl->set2 == 0x14);
  CHECK(right_ctrl->set2_extended);
  const auto up = key_scan_codes(*key_for_scancode(SDL_SCANCODE_UP));
  REQUIRE(up);
  CHECK(up->set2 == 0x75);
  CHECK(up->set2_extended);
  const auto a = key_scan_codes(*key_for_scancode(SDL_SCANCODE_A));
  CHECK(a->set2 == 0x1C);
  CHECK_FALSE(a->set2_extended);
}

TEST_CASE("host keys a PS/2 keyboard lacks map to nothing") {
  CHECK(key_for_scancode(SDL_SCANCODE_F13) == std::nullopt);
  CHECK(key_for_scancode(SDL_SCANCODE_UNKNOWN) == std::nullopt);
  CHECK(key_for_scancode(SDL_SCANCODE_AUDIONEXT) == std::nullopt);
}

TEST_CASE("VGA modes are shown at 4:3, large VBE modes with square pixels") {
  CHECK(display_size(720, 400).height == 540);
  CHECK(display_size(320, 200).height == 240);
  CHECK(display_size(640, 480).height == 480);
  CHECK(display_size(1280, 1024).height == 1024);
}

TEST_CASE("the picture fills the window at its aspect ratio, centred") {
  // 720x400 text at 4:3 in a wide window: full height, pillarboxed.
  CHECK(fit_frame(720, 400, 1600, 900, false) == Rect{200, 0, 1200, 900});
  // In a tall window: full width, letterboxed.
  CHECK(fit_frame(640, 480, 640, 600, false) == Rect{0, 60, 640, 480});
}

TEST_CASE("integer scaling uses whole multiples of the frame's pixels") {
  // 320x200 in 1000x800: 3x horizontally, and 4x (nearest 3 * 1.2 = 3.6) vertically.
  CHECK(fit_frame(320, 200, 1000, 800, true) == Rect{20, 0, 960, 800});
  // Never below 1x, even in a small window.
  CHECK(fit_frame(640, 480, 300, 200, true) == Rect{-170, -140, 640, 480});
  // 640x480 in 1920x1080: 2x.
  CHECK(fit_frame(640, 480, 1920, 1080, true) == Rect{320, 60, 1280, 960});
}

}  // namespace
}  // namespace trapeze
