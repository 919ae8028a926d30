#include "frontend/key_script.h"

#include <doctest/doctest.h>

#include <vector>

namespace trapeze {
namespace {

KeyEvent down(KeyCode key) { return {key, true}; }
KeyEvent up(KeyCode key) { return {key, false}; }

TEST_CASE("--type: a lower-case letter is one press and release") {
  std::vector<KeyEvent> events;
  REQUIRE_FALSE(key_events_for_text("a", events));
  CHECK(events == std::vector<KeyEvent>{down(KeyCode::kA), up(KeyCode::kA)});
}

TEST_CASE("--type: capitals and symbols hold Shift around their key") {
  std::vector<KeyEvent> events;
  REQUIRE_FALSE(key_events_for_text("H!", events));
  CHECK(events == std::vector<KeyEvent>{down(KeyCode::kLeftShift), down(KeyCode::kH),
                                        up(KeyCode::kH), up(KeyCode::kLeftShift),
                                        down(KeyCode::kLeftShift), down(KeyCode::k1),
                                        up(KeyCode::k1), up(KeyCode::kLeftShift)});
}

TEST_CASE("--type: escapes for Enter, Tab, Backspace, Escape and backslash") {
  std::vector<KeyEvent> events;
  REQUIRE_FALSE(key_events_for_text("\\n\\t\\b\\e\\\\", events));
  CHECK(events == std::vector<KeyEvent>{down(KeyCode::kEnter), up(KeyCode::kEnter),
                                        down(KeyCode::kTab), up(KeyCode::kTab),
                                        down(KeyCode::kBackspace), up(KeyCode::kBackspace),
                                        down(KeyCode::kEscape), up(KeyCode::kEscape),
                                        down(KeyCode::kBackslash), up(KeyCode::kBackslash)});
}

TEST_CASE("--type: what a US keyboard cannot type is an error naming it") {
  std::vector<KeyEvent> events;
  const auto error = key_events_for_text("caf\xC3\xA9", events);
  REQUIRE(error);
  CHECK(error->find("0xC3") != std::string::npos);
  CHECK(key_events_for_text("\\q", events));
  CHECK(key_events_for_text("trailing\\", events));
}

TEST_CASE("--keys: a combination goes down left to right and up right to left") {
  std::vector<KeyEvent> events;
  REQUIRE_FALSE(key_events_for_combos("ctrl-alt-del", events));
  CHECK(events == std::vector<KeyEvent>{down(KeyCode::kLeftCtrl), down(KeyCode::kLeftAlt),
                                        down(KeyCode::kDelete), up(KeyCode::kDelete),
                                        up(KeyCode::kLeftAlt), up(KeyCode::kLeftCtrl)});
}

TEST_CASE("--keys: several combinations, '+' as separator, case and punctuation") {
  std::vector<KeyEvent> events;
  REQUIRE_FALSE(key_events_for_combos("Alt+F2  enter ctrl--", events));
  CHECK(events == std::vector<KeyEvent>{down(KeyCode::kLeftAlt), down(KeyCode::kF2),
                                        up(KeyCode::kF2), up(KeyCode::kLeftAlt),
                                        down(KeyCode::kEnter), up(KeyCode::kEnter),
                                        down(KeyCode::kLeftCtrl), down(KeyCode::kMinus),
                                        up(KeyCode::kMinus), up(KeyCode::kLeftCtrl)});
}

TEST_CASE("--keys: names of keys") {
  CHECK(key_by_name("f12") == KeyCode::kF12);
  CHECK(key_by_name("f13") == std::nullopt);
  CHECK(key_by_name("z") == KeyCode::kZ);
  CHECK(key_by_name("7") == KeyCode::k7);
  CHECK(key_by_name("/") == KeyCode::kSlash);
  CHECK(key_by_name("!") == std::nullopt);  // a shifted character, not a key
  CHECK(key_by_name("pgdn") == KeyCode::kPageDown);
  CHECK(key_by_name("altgr") == KeyCode::kRightAlt);
  CHECK(key_by_name("sysrq") == KeyCode::kPrintScreen);
}

TEST_CASE("--keys: unknown names and empty specifications are errors") {
  std::vector<KeyEvent> events;
  const auto error = key_events_for_combos("hyper-x", events);
  REQUIRE(error);
  CHECK(error->find("'hyper'") != std::string::npos);
  CHECK(key_events_for_combos("   ", events));
}

}  // namespace
}  // namespace trapeze
