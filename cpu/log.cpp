#include "cpu/log.h"

#include <mutex>
#include <set>
#include <string>

namespace trapeze::log {

std::shared_ptr<spdlog::logger> component(const char* name) {
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  if (auto existing = spdlog::get(name)) return existing;
  auto logger = spdlog::default_logger()->clone(name);
  spdlog::register_logger(logger);
  return logger;
}

void once(const std::shared_ptr<spdlog::logger>& logger, std::string_view message,
          spdlog::level::level_enum level) {
  // Messages carry guest-chosen values (an MSR value, a register offset), so a hostile
  // guest could make the set of seen messages grow without end; past this many distinct
  // messages it stops growing and further new messages are dropped.
  static constexpr size_t kMaxMessages = 1024;
  static std::mutex mutex;
  // Never destroyed: any thread may log while another calls exit().
  static std::set<std::string, std::less<>>& seen = *new std::set<std::string, std::less<>>;
  std::lock_guard lock(mutex);
  if (seen.contains(message)) return;
  if (seen.size() >= kMaxMessages) return;
  seen.emplace(message);
  logger->log(level, "{}", message);
  if (seen.size() == kMaxMessages)
    logger->warn("{} distinct warnings so far; further new ones are not shown", kMaxMessages);
}

}  // namespace trapeze::log
