// spdlog set up from the --log spec: one logger per component, all writing to stderr,
// so the guest's console on stdout stays clean.
#pragma once

#include "frontend/log_spec.h"

namespace trapeze {

// Replaces the default logger ("trapeze") and creates every component logger of
// log_components() with its level from `spec`. Loggers the core creates later by
// cloning the default logger inherit the default level.
void configure_logging(const LogSpec& spec);

}  // namespace trapeze
