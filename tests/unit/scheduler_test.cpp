#include "devices/scheduler.h"

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

using namespace trapeze;

namespace {

// A scheduler with one event type that logs (time, userdata) of every run.
struct Fixture {
  Scheduler scheduler;
  std::vector<std::pair<uint64_t, uint64_t>> runs;
  EventType type = scheduler.register_type(
      "log", [this](uint64_t userdata) { runs.emplace_back(scheduler.now_ns(), userdata); });
};

using Runs = std::vector<std::pair<uint64_t, uint64_t>>;

}  // namespace

TEST_CASE("Scheduler: time starts at zero with nothing pending") {
  Scheduler scheduler;
  CHECK(scheduler.now_ns() == 0);
  CHECK(scheduler.next_event_ns() == kNoEvent);
  scheduler.advance_to(500);
  CHECK(scheduler.now_ns() == 500);
}

TEST_CASE("Scheduler: events run in time order, ties in scheduling order") {
  Fixture f;
  f.scheduler.schedule(f.type, 300, 1);
  f.scheduler.schedule(f.type, 100, 2);
  f.scheduler.schedule(f.type, 200, 3);
  f.scheduler.schedule(f.type, 100, 4);
  CHECK(f.scheduler.next_event_ns() == 100);
  f.scheduler.advance_to(250);
  CHECK(f.runs == Runs{{100, 2}, {100, 4}, {200, 3}});
  CHECK(f.scheduler.now_ns() == 250);
  CHECK(f.scheduler.next_event_ns() == 300);
  f.scheduler.advance_to(300);  // due exactly at the target: runs
  CHECK(f.runs.back() == std::pair<uint64_t, uint64_t>{300, 1});
  CHECK(f.scheduler.next_event_ns() == kNoEvent);
}

TEST_CASE("Scheduler: cancel and reschedule") {
  Fixture f;
  EventId a = f.scheduler.schedule(f.type, 100, 1);
  EventId b = f.scheduler.schedule(f.type, 200, 2);
  EventId c = f.scheduler.schedule(f.type, 300, 3);
  CHECK(a.value != 0);
  CHECK_FALSE(a == b);
  CHECK(f.scheduler.pending(c));
  CHECK(f.scheduler.cancel(b));
  CHECK_FALSE(f.scheduler.cancel(b));
  CHECK_FALSE(f.scheduler.pending(b));
  CHECK(f.scheduler.reschedule(a, 400));
  CHECK(f.scheduler.scheduled_ns(a) == 400);
  CHECK(f.scheduler.next_event_ns() == 300);
  f.scheduler.advance_to(1000);
  CHECK(f.runs == Runs{{300, 3}, {400, 1}});
  CHECK_FALSE(f.scheduler.reschedule(a, 2000));  // already ran
  CHECK_FALSE(f.scheduler.scheduled_ns(a).has_value());
}

TEST_CASE("Scheduler: a rescheduled event orders after events already queued for its time") {
  Fixture f;
  EventId early = f.scheduler.schedule(f.type, 50, 1);
  f.scheduler.schedule(f.type, 100, 2);
  f.scheduler.reschedule(early, 100);
  f.scheduler.advance_to(100);
  CHECK(f.runs == Runs{{100, 2}, {100, 1}});
}

TEST_CASE("Scheduler: events scheduled by callbacks inside the window run in order") {
  Scheduler scheduler;
  std::vector<std::pair<uint64_t, uint64_t>> runs;
  EventType tick{};
  // A periodic timer: each tick schedules the next, 100 ns later, up to userdata 5.
  tick = scheduler.register_type("tick", [&](uint64_t n) {
    runs.emplace_back(scheduler.now_ns(), n);
    if (n < 5) scheduler.schedule(tick, scheduler.now_ns() + 100, n + 1);
  });
  EventType other = scheduler.register_type(
      "other", [&](uint64_t n) { runs.emplace_back(scheduler.now_ns(), n); });
  scheduler.schedule(tick, 100, 1);
  scheduler.schedule(other, 250, 99);
  scheduler.advance_to(350);
  CHECK(runs == Runs{{100, 1}, {200, 2}, {250, 99}, {300, 3}});
  CHECK(scheduler.next_event_ns() == 400);
  // Zero-delay events scheduled by a callback also run before advance_to returns.
  EventType chain{};
  chain = scheduler.register_type("chain", [&](uint64_t n) {
    runs.emplace_back(scheduler.now_ns(), n);
    if (n < 1002) scheduler.schedule(chain, scheduler.now_ns(), n + 1);
  });
  runs.clear();
  scheduler.schedule(chain, 360, 1000);
  scheduler.advance_to(360);
  CHECK(runs == Runs{{360, 1000}, {360, 1001}, {360, 1002}});
}

TEST_CASE("Scheduler: time never goes backwards") {
  Fixture f;
  f.scheduler.advance_to(1000);
  f.scheduler.advance_to(10);
  CHECK(f.scheduler.now_ns() == 1000);
  // An event for the past runs at the current time, on the next advance.
  EventId late = f.scheduler.schedule(f.type, 5, 7);
  CHECK(f.scheduler.scheduled_ns(late) == 1000);
  CHECK(f.scheduler.next_event_ns() == 1000);
  CHECK(f.runs.empty());
  f.scheduler.advance_to(1000);
  CHECK(f.runs == Runs{{1000, 7}});
}

TEST_CASE("Scheduler: registration and misuse errors") {
  Scheduler scheduler;
  EventType a = scheduler.register_type("pit", [](uint64_t) {});
  CHECK(scheduler.type_name(a) == "pit");
  CHECK_THROWS_AS(scheduler.register_type("pit", [](uint64_t) {}), std::invalid_argument);
  CHECK_THROWS_AS(scheduler.register_type("empty", {}), std::invalid_argument);
  CHECK_THROWS_AS(scheduler.schedule(EventType{}, 10), std::invalid_argument);

  EventType recursive{};
  recursive = scheduler.register_type("recursive", [&](uint64_t) { scheduler.advance_to(50); });
  scheduler.schedule(recursive, 10);
  CHECK_THROWS_AS(scheduler.advance_to(20), std::logic_error);
  // The scheduler is usable after the exception.
  scheduler.schedule(a, 30);
  scheduler.advance_to(40);
  CHECK(scheduler.next_event_ns() == kNoEvent);
}
