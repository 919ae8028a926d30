// Options that parse and validate today but whose feature lands in a later issue.
//
// This is the one place that refuses them: as a feature arrives, its check here goes.
#pragma once

#include <optional>

#include "frontend/cli.h"

namespace trapeze {

// A usage error (status 2) naming what is missing and what works instead, or nothing
// when the machine can run what the options ask for.
std::optional<UsageError> refuse_unimplemented(const CliOptions& options);

}  // namespace trapeze
