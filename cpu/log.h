// The CPU's loggers, and "log once" for guest behaviour that is not implemented: the
// guest gets an exception, the user gets one line, not one per instruction.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <string_view>

namespace trapeze::log {

// The named logger of a component ("cpu", "mmu", ...), created on first use.
std::shared_ptr<spdlog::logger> component(const char* name);
inline std::shared_ptr<spdlog::logger> cpu() { return component("cpu"); }

// Logs `message` (at warning level unless told otherwise) the first time it is seen,
// never again. Remembers at most 1024 distinct messages (a guest chooses values in
// them); later new ones are dropped. Info level suits what a guest does routinely and
// copes with (probing a feature that is not there): the user needs no warning.
void once(const std::shared_ptr<spdlog::logger>& logger, std::string_view message,
          spdlog::level::level_enum level = spdlog::level::warn);

}  // namespace trapeze::log
