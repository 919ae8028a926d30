#include "frontend/text_watch.h"

#include <doctest/doctest.h>

#include <string>

namespace trapeze {
namespace {

void feed(StreamWatch& watch, std::string_view text) {
  for (const char c : text) watch.feed(c);
}

TEST_CASE("StreamWatch finds a text that straddles two checks") {
  StreamWatch watch;
  feed(watch, "login");
  CHECK_FALSE(watch.contains_new("login: "));
  watch.advance();
  feed(watch, ": ");
  CHECK(watch.contains_new("login: "));
}

TEST_CASE("StreamWatch does not find a text searched before and wholly behind") {
  StreamWatch watch;
  feed(watch, "ok\nmore output");
  CHECK(watch.contains_new("ok"));
  watch.advance();
  feed(watch, "!");
  CHECK_FALSE(watch.contains_new("ok"));
}

TEST_CASE("StreamWatch forgets everything at clear") {
  StreamWatch watch;
  feed(watch, "ready");
  watch.clear();
  CHECK_FALSE(watch.contains_new("ready"));
  feed(watch, "ready");
  CHECK(watch.contains_new("ready"));
}

TEST_CASE("StreamWatch keeps matching after much output") {
  StreamWatch watch;
  feed(watch, std::string(100'000, 'x'));
  watch.advance();
  feed(watch, "needle");
  CHECK(watch.contains_new("xneedle"));
}

}  // namespace
}  // namespace trapeze
