// The CPU's loggers, and "log once" for guest behaviour that is not implemented: the
// guest gets an exception, the user gets one line, not one per instruction.
#pragma once

#include <memory>
#include <string_view>

#include <spdlog/spdlog.h>

namespace trapeze::log {

// The named logger of a component ("cpu", "mmu", ...), created on first use.
std::shared_ptr<spdlog::logger> component(const char* name);
inline std::shared_ptr<spdlog::logger> cpu() { return component("cpu"); }

// Logs `message` at warning level the first time it is seen, never again. Remembers at
// most 1024 distinct messages (a guest chooses values in them); later new ones are dropped.
void once(const std::shared_ptr<spdlog::logger>& logger, std::string_view message);

}  // namespace trapeze::log
