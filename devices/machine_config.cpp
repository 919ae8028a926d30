#include "devices/machine_config.h"

#include <fmt/format.h>

#include "devices/config_error.h"

namespace trapeze {

OutputSpec parse_output_spec(std::string_view option, std::string_view text) {
  if (text == "none") return OutputSpec{OutputTarget::kNone, {}};
  if (text == "stdio") return OutputSpec{OutputTarget::kStdio, {}};
  constexpr std::string_view kFilePrefix = "file:";
  if (text.starts_with(kFilePrefix) && text.size() > kFilePrefix.size())
    return OutputSpec{OutputTarget::kFile, std::string(text.substr(kFilePrefix.size()))};
  throw ConfigError(fmt::format("{}: '{}' is not one of none, stdio, file:PATH", option, text));
}

}  // namespace trapeze
