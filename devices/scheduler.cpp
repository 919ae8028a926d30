#include "devices/scheduler.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace trapeze {

EventType Scheduler::register_type(std::string name, Callback callback) {
  for (const Type& t : types_)
    if (t.name == name)
      throw std::invalid_argument(fmt::format("scheduler: event type '{}' registered twice", name));
  if (!callback)
    throw std::invalid_argument(fmt::format("scheduler: event type '{}' has no callback", name));
  types_.push_back(Type{std::move(name), std::move(callback)});
  return EventType{static_cast<uint32_t>(types_.size() - 1)};
}

const std::string& Scheduler::type_name(EventType type) const { return types_.at(type.index).name; }

EventId Scheduler::schedule(EventType type, uint64_t when_ns, uint64_t userdata) {
  if (type.index >= types_.size())
    throw std::invalid_argument(fmt::format("scheduler: unknown event type {}", type.index));
  const EventId id{next_id_++};
  const Key key{std::max(when_ns, now_ns_), next_sequence_++};
  queue_.emplace(key, Event{id, type, userdata});
  index_.emplace(id.value, key);
  return id;
}

bool Scheduler::cancel(EventId id) {
  auto it = index_.find(id.value);
  if (it == index_.end()) return false;
  queue_.erase(it->second);
  index_.erase(it);
  return true;
}

bool Scheduler::reschedule(EventId id, uint64_t when_ns) {
  auto it = index_.find(id.value);
  if (it == index_.end()) return false;
  auto node = queue_.extract(it->second);
  node.key() = Key{std::max(when_ns, now_ns_), next_sequence_++};
  it->second = node.key();
  queue_.insert(std::move(node));
  return true;
}

std::optional<uint64_t> Scheduler::scheduled_ns(EventId id) const {
  auto it = index_.find(id.value);
  if (it == index_.end()) return std::nullopt;
  return it->second.when_ns;
}

uint64_t Scheduler::next_event_ns() const {
  return queue_.empty() ? kNoEvent : queue_.begin()->first.when_ns;
}

void Scheduler::advance_to(uint64_t target_ns) {
  // A callback that advanced time itself would run later events before earlier ones'
  // callers had finished: a wiring bug.
  if (advancing_) throw std::logic_error("scheduler: advance_to() called from an event");
  advancing_ = true;
  try {
    while (!queue_.empty() && queue_.begin()->first.when_ns <= target_ns) {
      auto node = queue_.extract(queue_.begin());
      index_.erase(node.mapped().id.value);
      now_ns_ = node.key().when_ns;
      types_[node.mapped().type.index].callback(node.mapped().userdata);
    }
  } catch (...) {
    advancing_ = false;
    throw;
  }
  advancing_ = false;
  now_ns_ = std::max(now_ns_, target_ns);
}

}  // namespace trapeze
