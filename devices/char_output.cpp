#include "devices/char_output.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include "devices/config_error.h"

namespace trapeze {

CharOutput::CharOutput(const OutputSpec& spec) {
  switch (spec.target) {
    case OutputTarget::kNone:
      break;
    case OutputTarget::kStdio:
      stream_ = stdout;
      break;
    case OutputTarget::kFile:
      owned_file_.reset(std::fopen(spec.path.c_str(), "wb"));
      if (!owned_file_)
        throw ConfigError(
            fmt::format("cannot open '{}' for writing: {}", spec.path, std::strerror(errno)));
      stream_ = owned_file_.get();
      break;
  }
}

void CharOutput::put(char c) {
  if (stream_ == nullptr) return;
  std::fputc(static_cast<unsigned char>(c), stream_);
  if (c == '\n') std::fflush(stream_);
}

void CharOutput::flush() {
  if (stream_ != nullptr) std::fflush(stream_);
}

}  // namespace trapeze
