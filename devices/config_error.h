// A machine cannot be built as configured: a missing or malformed file, an option out of
// range. The message is one line meant for the user; the frontend prints it and exits 2.
#pragma once

#include <stdexcept>

namespace trapeze {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace trapeze
