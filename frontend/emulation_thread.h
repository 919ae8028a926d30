// The machine on its own thread, for the window: the window thread never runs guest
// code, so it stays responsive however busy the guest is.
//
// Pacing. In real time (the window's default) the guest's virtual clock follows the
// host's wall clock: the thread runs the CPU until virtual time catches up with the
// wall clock, then sleeps until the next frame is due or input arrives. An idle guest
// (HLT with interrupts on) jumps virtual time to its next event at no cost, so it costs
// the host almost nothing: no busy-waiting. A guest too busy to keep up simply runs
// slower than real time (the title shows the percentage); the lag is not made up later.
// With --deterministic the thread runs virtual time as fast as it can, as headless runs
// do.
//
// Threads. Everything that touches the machine runs on this thread: host input is
// posted as actions run between slices; the picture is copied out when its generation
// changes, row by row: only the rows that changed cross from thread to thread (the
// window then uploads only those), so a blinking cursor moves 16 rows, not the screen.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "devices/machine.h"
#include "frontend/automation.h"

namespace trapeze {

enum class GuestState { kRunning, kPaused, kHalted, kPoweredOff };
const char* to_string(GuestState state);

// A copy of the guest's picture.
struct Frame {
  uint32_t width = 0;
  uint32_t height = 0;
  std::vector<uint32_t> pixels;  // XRGB8888, row after row
  uint64_t generation = 0;
};

struct EmulationStatus {
  GuestState state = GuestState::kRunning;
  double mips = 0;                // instructions per host second, in millions
  double percent_real_time = 0;   // virtual time per host time
  std::optional<RunResult> stop;  // why the guest stopped, once it has
};

class EmulationThread {
 public:
  using Action = std::function<void(Machine&)>;

  // `automation` (may be null) is driven between slices, as in a headless run, and so is
  // `between_slices` (may be empty: host I/O such as the user-mode network).
  // `notify` is called (from the emulation thread) whenever something for the window
  // happened: a new frame, a state change; the window wakes its event loop with it.
  EmulationThread(Machine& machine, bool real_time, Automation* automation,
                  std::function<void()> between_slices, std::function<void()> notify);
  EmulationThread(const EmulationThread&) = delete;
  EmulationThread& operator=(const EmulationThread&) = delete;
  // Stops and joins the thread.
  ~EmulationThread();

  // Runs `action` on the emulation thread before the next slice (host input).
  void post(Action action);
  void set_paused(bool paused);
  bool paused() const { return paused_.load(); }
  // Resets the machine (the reset hotkey); a halted guest runs again.
  void reset();
  // Ends the thread after the current slice; the machine is left between slices.
  void stop();

  // Brings `frame` (the caller's copy, empty at first) up to the newest picture and
  // returns the rows that changed: all of them when the size changed, none when the
  // picture is as it was.
  RowRange take_frame(Frame& frame);
  EmulationStatus status() const;
  // An --exit-on text that appeared, once one has.
  std::optional<std::string> exit_match() const;

 private:
  void loop();
  // One round: actions, one slice (or a sleep), the frame and the statistics.
  void step();
  void publish_frame();
  void update_speed();
  void wait_for(std::chrono::steady_clock::duration duration);

  using Clock = std::chrono::steady_clock;
  static constexpr uint64_t kSliceNs = 10'000'000;
  static constexpr auto kFramePeriod = std::chrono::milliseconds(16);

  Machine& machine_;
  const bool real_time_;
  Automation* automation_;
  std::function<void()> between_slices_;
  std::function<void()> notify_;

  mutable std::mutex mutex_;  // guards everything below up to the thread
  std::condition_variable wake_;
  std::vector<Action> actions_;
  bool stopping_ = false;
  bool reset_requested_ = false;
  Frame frame_;         // the newest picture
  RowRange unclaimed_;  // its rows changed since take_frame() last ran
  EmulationStatus status_;
  std::optional<std::string> exit_match_;

  std::atomic<bool> paused_{false};
  // Emulation-thread-only state.
  uint64_t virtual_ns_ = 0;
  uint64_t instructions_ = 0;
  bool halted_ = false;
  Clock::time_point wall_origin_;  // wall time that corresponds to virtual_origin_ns_
  uint64_t virtual_origin_ns_ = 0;
  Clock::time_point last_frame_;
  uint64_t last_generation_ = 0;
  Clock::time_point speed_since_;
  uint64_t speed_instructions_ = 0;
  uint64_t speed_virtual_ns_ = 0;

  std::thread thread_;  // last: starts once everything above is set up
};

}  // namespace trapeze
