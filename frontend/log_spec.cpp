#include "frontend/log_spec.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>

namespace trapeze {
namespace {

constexpr auto kComponents = std::to_array<std::string_view>({
    "trapeze", "machine", "cpu", "mmu",    "memory",   "io",    "irq",    "sched", "pic",   "pit",
    "rtc",     "dma",     "kbd", "serial", "debugcon", "vga",   "ide",    "pci",   "fwcfg", "acpi",
    "apic",    "bios",    "a20", "trace",  "disk",     "mouse", "ioapic", "e1000",
});

std::optional<spdlog::level::level_enum> parse_level(std::string_view name) {
  // spdlog::level::from_str maps unknown names to `off`, which would silently hide a typo.
  struct Named {
    std::string_view name;
    spdlog::level::level_enum level;
  };
  static constexpr std::array<Named, 9> kLevels = {{
      {"trace", spdlog::level::trace},
      {"debug", spdlog::level::debug},
      {"info", spdlog::level::info},
      {"warn", spdlog::level::warn},
      {"warning", spdlog::level::warn},
      {"error", spdlog::level::err},
      {"err", spdlog::level::err},
      {"critical", spdlog::level::critical},
      {"off", spdlog::level::off},
  }};
  for (const Named& level : kLevels) {
    if (level.name == name) return level.level;
  }
  return std::nullopt;
}

std::string unknown_level(std::string_view name) {
  return fmt::format(
      "unknown log level '{}' (use trace, debug, info, warn, error, critical or off)", name);
}

}  // namespace

std::span<const std::string_view> log_components() { return kComponents; }

spdlog::level::level_enum LogSpec::level_of(std::string_view component) const {
  spdlog::level::level_enum level = default_level;
  for (const auto& [name, named_level] : component_levels) {
    if (name == component) level = named_level;
  }
  return level;
}

std::optional<std::string> parse_log_spec(std::string_view text, LogSpec& spec) {
  if (text.empty()) return "--log needs a level or a list like cpu=debug,pit=trace";
  LogSpec parsed;
  bool saw_bare_level = false;
  while (true) {
    const size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    if (item.empty()) return "empty item in --log list (two commas, or one at an end?)";
    const size_t equals = item.find('=');
    if (equals == std::string_view::npos) {
      if (saw_bare_level) return "--log takes at most one level for all components";
      const auto level = parse_level(item);
      if (!level) return unknown_level(item);
      parsed.default_level = *level;
      saw_bare_level = true;
    } else {
      const std::string_view component = item.substr(0, equals);
      const std::string_view level_name = item.substr(equals + 1);
      if (std::find(kComponents.begin(), kComponents.end(), component) == kComponents.end()) {
        return fmt::format("unknown log component '{}' (known: {})", component,
                           fmt::join(kComponents, ", "));
      }
      const auto level = parse_level(level_name);
      if (!level) return unknown_level(level_name);
      parsed.component_levels.emplace_back(std::string(component), *level);
    }
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  spec = std::move(parsed);
  return std::nullopt;
}

}  // namespace trapeze
