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

void once(const std::shared_ptr<spdlog::logger>& logger, std::string_view message) {
  static std::mutex mutex;
  static std::set<std::string, std::less<>> seen;
  std::lock_guard lock(mutex);
  if (seen.contains(message)) return;
  seen.emplace(message);
  logger->warn("{}", message);
}

}  // namespace trapeze::log
