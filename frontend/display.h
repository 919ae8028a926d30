// Whether the host can show a window, decided before SDL is ever initialised so a
// headless run never touches the video stack.
#pragma once

namespace trapeze {

bool host_has_display();

}  // namespace trapeze
