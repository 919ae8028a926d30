#include "frontend/logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <string>

namespace trapeze {

void configure_logging(const LogSpec& spec) {
  // One sink shared by all loggers keeps lines from different components whole.
  auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();

  spdlog::drop_all();
  auto default_logger = std::make_shared<spdlog::logger>("trapeze", sink);
  spdlog::set_default_logger(default_logger);
  for (std::string_view name : log_components()) {
    if (name == "trapeze") continue;
    spdlog::register_logger(std::make_shared<spdlog::logger>(std::string(name), sink));
  }

  // Through the registry, so a logger the core creates later under a name not listed
  // (spdlog::stderr_color_mt) also gets its level and the pattern.
  spdlog::details::registry::log_levels levels;
  for (std::string_view name : log_components()) levels[std::string(name)] = spec.level_of(name);
  spdlog::level::level_enum default_level = spec.default_level;
  spdlog::details::registry::instance().set_levels(std::move(levels), &default_level);
  // "pit: debug: counter 0 reloaded": the component first, like a compiler's file name.
  spdlog::set_pattern("%n: %^%l%$: %v");
}

}  // namespace trapeze
