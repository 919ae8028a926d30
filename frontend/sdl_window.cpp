#include "frontend/sdl_window.h"

#define SDL_MAIN_HANDLED
#include <SDL.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>
#include <memory>
#include <set>
#include <string_view>

#include "frontend/display_geometry.h"
#include "frontend/screenshot.h"
#include "frontend/sdl_keys.h"

namespace trapeze {

const char* const kWindowHotkeys =
    "Window hotkeys (Ctrl+Alt and a key; the key does not reach the guest):\n"
    "  Ctrl+Alt+G    release the mouse (a click in the window grabs it)\n"
    "  Ctrl+Alt+F    full screen on and off\n"
    "  Ctrl+Alt+I    integer scaling on and off\n"
    "  Ctrl+Alt+P    pause and resume\n"
    "  Ctrl+Alt+R    reset the machine\n"
    "  Ctrl+Alt+S    save a screenshot (trapeze-DATE-TIME.png in the current directory)\n"
    "  Ctrl+Alt+End  send Ctrl+Alt+Del to the guest\n"
    "  Ctrl+Alt+Q    quit (closing the window does the same)\n";

namespace {

struct SdlDeleter {
  void operator()(SDL_Window* w) const { SDL_DestroyWindow(w); }
  void operator()(SDL_Renderer* r) const { SDL_DestroyRenderer(r); }
  void operator()(SDL_Texture* t) const { SDL_DestroyTexture(t); }
};

// Whether `renderer` draws through an OpenGL that is itself a software rasterizer (Mesa's
// llvmpipe, softpipe or swrast): no GPU behind it.
bool on_software_gl(SDL_Renderer* renderer) {
  SDL_RendererInfo info;
  if (SDL_GetRendererInfo(renderer, &info) != 0) return false;
  const std::string_view name = info.name;
  if (name != "opengl" && name != "opengles2" && name != "opengles") return false;
  if (SDL_GL_GetCurrentContext() == nullptr) return false;
  using GetString = const unsigned char* (*)(unsigned);
  const auto get_string = reinterpret_cast<GetString>(SDL_GL_GetProcAddress("glGetString"));
  if (get_string == nullptr) return false;
  constexpr unsigned kGlRenderer = 0x1F01;
  const unsigned char* gl_renderer = get_string(kGlRenderer);
  if (gl_renderer == nullptr) return false;
  const std::string_view description = reinterpret_cast<const char*>(gl_renderer);
  for (std::string_view software : {"llvmpipe", "softpipe", "swrast", "Software Rasterizer"})
    if (description.find(software) != std::string_view::npos) return true;
  return false;
}

// SDL's default renderer is the GPU's (OpenGL). Where OpenGL is a software rasterizer
// (no GPU: Xvfb, VNC, a remote desktop, a virtual machine), drawing through it costs
// several times what SDL's 2D software renderer does, which scales on the CPU and puts
// the picture straight into the window: with an idle Linux guest under Xvfb, llvmpipe
// took ~2.7% of a core for the 7.5 cursor blinks a second, the 2D renderer ~1%. (SDL
// itself avoids GL window surfaces on WSL for the same reason.) A driver the user names
// in SDL_RENDER_DRIVER is taken as given.
SDL_Renderer* create_renderer(SDL_Window* window) {
  SDL_Renderer* renderer = SDL_CreateRenderer(window, -1, 0);
  const char* named = SDL_GetHint(SDL_HINT_RENDER_DRIVER);
  if (renderer == nullptr || (named != nullptr && *named != '\0') || !on_software_gl(renderer))
    return renderer;
  SDL_DestroyRenderer(renderer);
  // The window's own surface (XShm on X11), not a GL texture standing in for it.
  SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
  if (SDL_Renderer* software = SDL_CreateRenderer(window, -1, SDL_RENDERER_SOFTWARE)) {
    spdlog::info("window: OpenGL is a software rasterizer; drawing with SDL's 2D renderer");
    return software;
  }
  return SDL_CreateRenderer(window, -1, 0);
}

class Window {
 public:
  Window(EmulationThread& emulation, const WindowOptions& options)
      : emulation_(emulation), integer_scaling_(options.integer_scaling) {}
  ~Window() {
    texture_.reset();
    renderer_.reset();
    window_.reset();
  }

  std::optional<std::string> open(bool full_screen) {
    Uint32 flags = SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI;
    if (full_screen) flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
    window_.reset(SDL_CreateWindow("trapeze", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, 720,
                                   540, flags));
    if (!window_) return fmt::format("cannot open a window: {}", SDL_GetError());
    renderer_.reset(create_renderer(window_.get()));
    if (!renderer_) return fmt::format("cannot draw in the window: {}", SDL_GetError());
    return std::nullopt;
  }

  // The event loop; returns when the window should close.
  void run() {
    auto last_title = std::chrono::steady_clock::time_point{};
    bool redraw = true;
    for (;;) {
      SDL_Event event;
      if (SDL_WaitEventTimeout(&event, 250)) {
        do {
          if (!handle(event)) return;
          if (event.type == SDL_WINDOWEVENT) redraw = true;
        } while (SDL_PollEvent(&event));
      }
      // Only a changed picture is uploaded (its changed rows) and presented.
      const RowRange changed = emulation_.take_frame(frame_);
      if (!changed.empty()) {
        upload(changed);
        redraw = true;
      }
      const EmulationStatus status = emulation_.status();
      if (emulation_.exit_match()) return;
      if (status.state == GuestState::kPoweredOff) return;
      const auto now = std::chrono::steady_clock::now();
      if (now - last_title >= std::chrono::milliseconds(500)) {
        update_title(status);
        last_title = now;
      }
      if (redraw) draw();
      redraw = false;
    }
  }

 private:
  // False when the window should close.
  bool handle(const SDL_Event& event) {
    switch (event.type) {
      case SDL_QUIT:
        return false;
      case SDL_KEYDOWN:
      case SDL_KEYUP:
        return key(event.key);
      case SDL_MOUSEBUTTONDOWN:
      case SDL_MOUSEBUTTONUP:
        mouse_button(event.button);
        break;
      case SDL_MOUSEMOTION:
        if (grabbed_ && (event.motion.xrel != 0 || event.motion.yrel != 0)) {
          const int dx = event.motion.xrel;
          const int dy = event.motion.yrel;
          emulation_.post([dx, dy](Machine& m) { m.mouse().move(dx, dy); });
        }
        break;
      case SDL_MOUSEWHEEL:
        if (grabbed_ && event.wheel.y != 0) {
          int notches = event.wheel.y;
          if (event.wheel.direction == SDL_MOUSEWHEEL_FLIPPED) notches = -notches;
          // SDL: positive is away from the user; the PS/2 Z counts towards the user.
          emulation_.post([notches](Machine& m) { m.mouse().move(0, 0, -notches); });
        }
        break;
      case SDL_WINDOWEVENT:
        if (event.window.event == SDL_WINDOWEVENT_FOCUS_LOST) {
          // Keys held when focus went would stay down in the guest forever.
          emulation_.post([](Machine& m) { m.keyboard().release_all(); });
          set_grab(false);
        }
        break;
      default:
        break;
    }
    return true;
  }

  bool key(const SDL_KeyboardEvent& event) {
    const SDL_Scancode scancode = event.keysym.scancode;
    const bool down = event.type == SDL_KEYDOWN;
    if (down && (SDL_GetModState() & KMOD_CTRL) && (SDL_GetModState() & KMOD_ALT) &&
        is_hotkey(scancode)) {
      swallowed_.insert(scancode);
      if (event.repeat) return true;
      return hotkey(scancode);
    }
    if (!down && swallowed_.erase(scancode) > 0) return true;
    // The emulated keyboard makes its own repeats at the guest's typematic rate.
    if (event.repeat) return true;
    const std::optional<KeyCode> key = key_for_scancode(scancode);
    if (!key) return true;
    const KeyCode k = *key;
    if (down) {
      emulation_.post([k](Machine& m) { m.keyboard().press(k); });
    } else {
      emulation_.post([k](Machine& m) { m.keyboard().release(k); });
    }
    return true;
  }

  static bool is_hotkey(SDL_Scancode scancode) {
    switch (scancode) {
      case SDL_SCANCODE_G:
      case SDL_SCANCODE_F:
      case SDL_SCANCODE_I:
      case SDL_SCANCODE_P:
      case SDL_SCANCODE_R:
      case SDL_SCANCODE_S:
      case SDL_SCANCODE_END:
      case SDL_SCANCODE_Q:
        return true;
      default:
        return false;
    }
  }

  bool hotkey(SDL_Scancode scancode) {
    switch (scancode) {
      case SDL_SCANCODE_G:
        set_grab(false);
        break;
      case SDL_SCANCODE_F: {
        const bool full = (SDL_GetWindowFlags(window_.get()) & SDL_WINDOW_FULLSCREEN) != 0;
        SDL_SetWindowFullscreen(window_.get(), full ? 0 : SDL_WINDOW_FULLSCREEN_DESKTOP);
        break;
      }
      case SDL_SCANCODE_I:
        integer_scaling_ = !integer_scaling_;
        apply_scale_mode();
        draw();
        break;
      case SDL_SCANCODE_P:
        emulation_.set_paused(!emulation_.paused());
        break;
      case SDL_SCANCODE_R:
        emulation_.reset();
        break;
      case SDL_SCANCODE_S:
        save_screenshot();
        break;
      case SDL_SCANCODE_END:
        emulation_.post([](Machine& m) {
          for (KeyCode k : {KeyCode::kLeftCtrl, KeyCode::kLeftAlt, KeyCode::kDelete})
            m.keyboard().press(k);
          for (KeyCode k : {KeyCode::kDelete, KeyCode::kLeftAlt, KeyCode::kLeftCtrl})
            m.keyboard().release(k);
        });
        break;
      case SDL_SCANCODE_Q:
        return false;
      default:
        break;
    }
    return true;
  }

  void mouse_button(const SDL_MouseButtonEvent& event) {
    if (!grabbed_) {
      // The click that grabs the mouse is the host's, not the guest's.
      if (event.type == SDL_MOUSEBUTTONDOWN && event.button == SDL_BUTTON_LEFT) set_grab(true);
      return;
    }
    uint8_t bit = 0;
    switch (event.button) {
      case SDL_BUTTON_LEFT:
        bit = Ps2Mouse::kButtonLeft;
        break;
      case SDL_BUTTON_RIGHT:
        bit = Ps2Mouse::kButtonRight;
        break;
      case SDL_BUTTON_MIDDLE:
        bit = Ps2Mouse::kButtonMiddle;
        break;
      default:
        return;
    }
    if (event.type == SDL_MOUSEBUTTONDOWN) {
      buttons_ |= bit;
    } else {
      buttons_ &= static_cast<uint8_t>(~bit);
    }
    const uint8_t buttons = buttons_;
    emulation_.post([buttons](Machine& m) { m.mouse().set_buttons(buttons); });
  }

  void set_grab(bool grab) {
    if (grab == grabbed_) return;
    grabbed_ = grab;
    SDL_SetRelativeMouseMode(grab ? SDL_TRUE : SDL_FALSE);
    if (!grab && buttons_ != 0) {
      buttons_ = 0;
      emulation_.post([](Machine& m) { m.mouse().set_buttons(0); });
    }
    update_title(emulation_.status());
  }

  void upload(RowRange rows) {
    if (frame_.width == 0 || frame_.height == 0) return;
    if (!texture_ || texture_width_ != frame_.width || texture_height_ != frame_.height) {
      texture_.reset(SDL_CreateTexture(renderer_.get(), SDL_PIXELFORMAT_RGB888,
                                       SDL_TEXTUREACCESS_STREAMING, static_cast<int>(frame_.width),
                                       static_cast<int>(frame_.height)));
      texture_width_ = frame_.width;
      texture_height_ = frame_.height;
      apply_scale_mode();
      rows = RowRange{0, frame_.height};
    }
    if (!texture_) return;
    const SDL_Rect area{0, static_cast<int>(rows.first), static_cast<int>(frame_.width),
                        static_cast<int>(rows.count())};
    SDL_UpdateTexture(texture_.get(), &area, &frame_.pixels[size_t{rows.first} * frame_.width],
                      static_cast<int>(frame_.width * sizeof(uint32_t)));
  }

  void apply_scale_mode() {
    // Whole-number scaling wants crisp pixels; free scaling looks better smoothed.
    if (texture_)
      SDL_SetTextureScaleMode(texture_.get(),
                              integer_scaling_ ? SDL_ScaleModeNearest : SDL_ScaleModeLinear);
  }

  void draw() {
    SDL_SetRenderDrawColor(renderer_.get(), 0, 0, 0, 255);
    SDL_RenderClear(renderer_.get());
    if (texture_) {
      int width = 0;
      int height = 0;
      SDL_GetRendererOutputSize(renderer_.get(), &width, &height);
      const Rect r = fit_frame(frame_.width, frame_.height, width, height, integer_scaling_);
      const SDL_Rect target{r.x, r.y, r.width, r.height};
      SDL_RenderCopy(renderer_.get(), texture_.get(), nullptr, &target);
    }
    SDL_RenderPresent(renderer_.get());
  }

  void update_title(const EmulationStatus& status) {
    std::string title = fmt::format("trapeze - {}", to_string(status.state));
    if (status.state == GuestState::kRunning)
      title +=
          fmt::format(" - {:.1f} MIPS, {:.0f}% real time", status.mips, status.percent_real_time);
    if (status.stop && status.state != GuestState::kRunning)
      title += fmt::format(" ({})", describe(*status.stop));
    if (grabbed_) title += " - Ctrl+Alt+G releases the mouse";
    SDL_SetWindowTitle(window_.get(), title.c_str());
  }

  void save_screenshot() {
    const std::time_t now = std::time(nullptr);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
    const std::string path = fmt::format("trapeze-{}.png", stamp);
    const FrameView view{frame_.width, frame_.height, frame_.pixels, frame_.generation,
                         RowRange{0, frame_.height}};
    if (auto error = write_png(path, view)) {
      spdlog::warn("screenshot: {}", *error);
    } else {
      spdlog::info("screenshot saved as {}", path);
      std::fprintf(stderr, "trapeze: screenshot saved as %s\n", path.c_str());
    }
  }

  EmulationThread& emulation_;
  bool integer_scaling_;
  std::unique_ptr<SDL_Window, SdlDeleter> window_;
  std::unique_ptr<SDL_Renderer, SdlDeleter> renderer_;
  std::unique_ptr<SDL_Texture, SdlDeleter> texture_;
  uint32_t texture_width_ = 0;
  uint32_t texture_height_ = 0;
  Frame frame_;
  bool grabbed_ = false;
  uint8_t buttons_ = 0;
  std::set<SDL_Scancode> swallowed_;  // hotkeys down: their key-up is not the guest's
};

}  // namespace

std::optional<std::string> run_window(Machine& machine, const WindowOptions& options,
                                      Automation* automation, WindowResult& result) {
  SDL_SetMainReady();
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0)
    return fmt::format("cannot start SDL: {}", SDL_GetError());
  std::optional<std::string> error;
  {
    // Destroyed in reverse: the window first, then the emulation thread (joined), all
    // before SDL_Quit, since the thread's notifications are SDL events.
    const Uint32 wake = SDL_RegisterEvents(1);
    EmulationThread emulation(machine, options.real_time, automation, options.between_slices,
                              [wake] {
                                SDL_Event event{};
                                event.type = wake;
                                SDL_PushEvent(&event);
                              });
    Window window(emulation, options);
    error = window.open(options.full_screen);
    if (!error) window.run();
    emulation.stop();
    result.stop = emulation.status().stop;
    result.exit_match = emulation.exit_match();
  }
  SDL_Quit();
  return error;
}

}  // namespace trapeze
