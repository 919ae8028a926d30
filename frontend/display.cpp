#include "frontend/display.h"

#include <cstdlib>
#include <initializer_list>

namespace trapeze {

bool host_has_display() {
#if defined(_WIN32) || defined(__APPLE__)
  // These hosts always have a window system; a service without a desktop passes
  // --headless.
  return true;
#else
  // X11 and Wayland announce themselves in the environment; a CI job or an ssh
  // session has neither.
  for (const char* name : {"DISPLAY", "WAYLAND_DISPLAY"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && value[0] != '\0') return true;
  }
  return false;
#endif
}

}  // namespace trapeze
