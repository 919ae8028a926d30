// The --log option: which component logs at which level.
//
// Spelling: a comma-separated list of `component=level` items and at most one bare
// `level` that applies to every component not named, e.g. `info,cpu=debug,pit=trace`.
// Levels are spdlog's: trace, debug, info, warn, error, critical, off.
#pragma once

#include <spdlog/common.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace trapeze {

struct LogSpec {
  // Quiet by default: an emulator that works says nothing.
  spdlog::level::level_enum default_level = spdlog::level::warn;
  // In the order given; a later item for the same component wins.
  std::vector<std::pair<std::string, spdlog::level::level_enum>> component_levels;

  spdlog::level::level_enum level_of(std::string_view component) const;
};

// The component loggers, one per layer or chip. The frontend creates all of them before
// the machine is built, so core code finds its logger with `spdlog::get("pit")`.
// A new component is one more name here.
std::span<const std::string_view> log_components();

// On failure returns the message for the user.
[[nodiscard]] std::optional<std::string> parse_log_spec(std::string_view text, LogSpec& spec);

}  // namespace trapeze
