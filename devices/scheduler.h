// Virtual time and the event queue every timed device uses (PIT, RTC, VGA retrace,
// disk completion).
//
// Time is a count of nanoseconds that only the machine moves forward (as a function of
// instructions retired, and by skipping ahead while the CPU halts), so a run is
// deterministic. Events are ordered by (time, sequence): two events due at the same
// nanosecond run in the order they were scheduled. As in Dolphin's CoreTiming, an
// event carries a registered type and a plain integer, never a pointer, so the queue
// can be written to and read from a save state.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace trapeze {

// A registered kind of event. Default-constructed it names no type (schedule() throws).
struct EventType {
  uint32_t index = std::numeric_limits<uint32_t>::max();
  friend bool operator==(EventType, EventType) = default;
};

// Names one scheduled event; stays the same across reschedule(). Never 0 when valid.
struct EventId {
  uint64_t value = 0;
  friend bool operator==(EventId, EventId) = default;
};

inline constexpr uint64_t kNoEvent = std::numeric_limits<uint64_t>::max();

class Scheduler {
 public:
  using Callback = std::function<void(uint64_t userdata)>;

  uint64_t now_ns() const { return now_ns_; }

  // Registered once per device at wiring time. Names are unique (save states find the
  // callback by name); a duplicate throws std::invalid_argument.
  EventType register_type(std::string name, Callback callback);
  const std::string& type_name(EventType type) const;

  // Queues `type`'s callback for `when_ns`. A time already past runs at the next
  // advance_to(), at the current time: virtual time never goes backwards.
  EventId schedule(EventType type, uint64_t when_ns, uint64_t userdata = 0);
  // Returns false when the event has already run or been cancelled.
  bool cancel(EventId id);
  // Moves a pending event (it then orders after events already queued for that time).
  // Returns false when the event has already run or been cancelled.
  bool reschedule(EventId id, uint64_t when_ns);
  bool pending(EventId id) const { return index_.contains(id.value); }
  std::optional<uint64_t> scheduled_ns(EventId id) const;

  // When the earliest pending event is due, or kNoEvent.
  uint64_t next_event_ns() const;
  // Runs every event due at or before `target_ns`, in order, including those that
  // callbacks schedule within the window; then sets now_ns() to `target_ns` (unless it is
  // in the past). Callbacks see now_ns() equal to their event's time.
  void advance_to(uint64_t target_ns);

 private:
  struct Key {
    uint64_t when_ns = 0;
    uint64_t sequence = 0;
    friend auto operator<=>(const Key&, const Key&) = default;
  };
  struct Event {
    EventId id;
    EventType type;
    uint64_t userdata = 0;
  };
  struct Type {
    std::string name;
    Callback callback;
  };

  uint64_t now_ns_ = 0;
  uint64_t next_sequence_ = 0;
  uint64_t next_id_ = 1;
  bool advancing_ = false;
  std::vector<Type> types_;
  std::map<Key, Event> queue_;
  std::unordered_map<uint64_t, Key> index_;  // event id -> its place in queue_
};

}  // namespace trapeze
