#include "frontend/emulation_thread.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace trapeze {

const char* to_string(GuestState state) {
  switch (state) {
    case GuestState::kRunning:
      return "running";
    case GuestState::kPaused:
      return "paused";
    case GuestState::kHalted:
      return "halted";
    case GuestState::kPoweredOff:
      return "powered off";
  }
  return "?";
}

EmulationThread::EmulationThread(Machine& machine, bool real_time, Automation* automation,
                                 std::function<void()> between_slices, std::function<void()> notify)
    : machine_(machine),
      real_time_(real_time),
      automation_(automation),
      between_slices_(std::move(between_slices)),
      notify_(std::move(notify)) {
  wall_origin_ = Clock::now();
  last_frame_ = wall_origin_ - kFramePeriod;
  speed_since_ = wall_origin_;
  thread_ = std::thread([this] { loop(); });
}

EmulationThread::~EmulationThread() {
  stop();
  if (thread_.joinable()) thread_.join();
}

void EmulationThread::post(Action action) {
  std::lock_guard lock(mutex_);
  actions_.push_back(std::move(action));
  wake_.notify_one();
}

void EmulationThread::set_paused(bool paused) {
  std::lock_guard lock(mutex_);
  paused_.store(paused);
  wake_.notify_one();
}

void EmulationThread::reset() {
  std::lock_guard lock(mutex_);
  reset_requested_ = true;
  wake_.notify_one();
}

void EmulationThread::stop() {
  std::lock_guard lock(mutex_);
  stopping_ = true;
  wake_.notify_one();
}

namespace {

void copy_rows(const uint32_t* from, Frame& to, RowRange rows) {
  if (rows.empty()) return;
  const size_t offset = size_t{rows.first} * to.width;
  std::copy_n(from + offset, size_t{rows.count()} * to.width, to.pixels.data() + offset);
}

// Gives `frame` the size `width` x `height`; true when that changed it.
bool reshape(Frame& frame, uint32_t width, uint32_t height) {
  if (frame.width == width && frame.height == height) return false;
  frame.width = width;
  frame.height = height;
  frame.pixels.assign(size_t{width} * height, 0);
  return true;
}

}  // namespace

RowRange EmulationThread::take_frame(Frame& frame) {
  std::lock_guard lock(mutex_);
  RowRange rows = std::exchange(unclaimed_, RowRange{});
  if (frame.generation == frame_.generation) return {};
  if (reshape(frame, frame_.width, frame_.height)) rows = RowRange{0, frame_.height};
  copy_rows(frame_.pixels.data(), frame, rows);
  frame.generation = frame_.generation;
  return rows;
}

EmulationStatus EmulationThread::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

std::optional<std::string> EmulationThread::exit_match() const {
  std::lock_guard lock(mutex_);
  return exit_match_;
}

void EmulationThread::loop() {
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    step();
  }
}

void EmulationThread::wait_for(Clock::duration duration) {
  const bool was_paused = paused_.load();
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, duration, [&] {
    return stopping_ || reset_requested_ || !actions_.empty() || paused_.load() != was_paused;
  });
}

void EmulationThread::step() {
  std::vector<Action> actions;
  bool reset = false;
  {
    std::lock_guard lock(mutex_);
    actions.swap(actions_);
    reset = std::exchange(reset_requested_, false);
  }
  for (Action& action : actions) action(machine_);
  if (!actions.empty() && halted_) {
    // Host input can wake a CPU that halted with interrupts on and nothing pending.
    std::lock_guard lock(mutex_);
    if (status_.stop && status_.stop->reason == StopReason::kHaltedForever) {
      halted_ = false;
      status_.stop.reset();
    }
  }
  if (reset) {
    machine_.reset();
    halted_ = false;
    std::lock_guard lock(mutex_);
    status_.stop.reset();
  }

  const bool paused = paused_.load();
  if (paused || halted_) {
    // The clock stops with the guest: on resuming, virtual time goes on from here.
    {
      std::lock_guard lock(mutex_);
      status_.state = paused && !halted_ ? GuestState::kPaused : status_.state;
      status_.mips = 0;
      status_.percent_real_time = 0;
    }
    if (notify_) notify_();
    wait_for(std::chrono::milliseconds(100));
    wall_origin_ = Clock::now();
    virtual_origin_ns_ = virtual_ns_;
    speed_since_ = wall_origin_;
    speed_instructions_ = instructions_;
    speed_virtual_ns_ = virtual_ns_;
    publish_frame();
    return;
  }

  uint64_t slice_ns = kSliceNs;
  if (automation_ && automation_->typing()) slice_ns = Automation::kKeyIntervalNs;
  if (real_time_) {
    const auto now = Clock::now();
    const uint64_t wall_ns = static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(now - wall_origin_).count());
    const uint64_t target_ns = virtual_origin_ns_ + wall_ns;
    if (virtual_ns_ > target_ns) {
      // Ahead of the wall clock (the last slice ran up to a slice ahead): sleep until
      // the guest's time is due, or input arrives.
      publish_frame();
      wait_for(std::min<Clock::duration>(std::chrono::nanoseconds(virtual_ns_ - target_ns),
                                         kFramePeriod));
      return;
    }
    // Far behind (a busy guest, a stopped host): give up on catching up.
    constexpr uint64_t kMaxLagNs = 100'000'000;
    if (target_ns - virtual_ns_ > kMaxLagNs) {
      wall_origin_ = now;
      virtual_origin_ns_ = virtual_ns_;
    }
    // A whole slice, even if that runs the guest up to one slice ahead of the wall
    // clock: an idle guest then wakes the host ~100 times a second, not thousands.
  }

  const RunResult result = machine_.run_for(slice_ns);
  virtual_ns_ = result.virtual_time_ns;
  instructions_ = result.instructions_retired;
  if (between_slices_) between_slices_();
  if (result.reason != StopReason::kDeadline && result.reason != StopReason::kStopRequested) {
    halted_ = true;
    std::lock_guard lock(mutex_);
    status_.stop = result;
    status_.state =
        result.reason == StopReason::kPoweredOff || result.reason == StopReason::kGuestExit
            ? GuestState::kPoweredOff
            : GuestState::kHalted;
  } else {
    std::lock_guard lock(mutex_);
    status_.state = GuestState::kRunning;
  }
  if (automation_) {
    if (auto matched = automation_->after_slice()) {
      std::lock_guard lock(mutex_);
      if (!exit_match_) exit_match_ = matched;
    }
  }
  update_speed();
  if (halted_) {
    publish_frame();
    if (notify_) notify_();
  } else if (Clock::now() - last_frame_ >= kFramePeriod) {
    publish_frame();
  }
}

void EmulationThread::publish_frame() {
  last_frame_ = Clock::now();
  DisplaySource* display = machine_.display();
  if (display == nullptr) return;
  const FrameView view = display->frame();
  if (view.generation == last_generation_) return;
  // The view's rows are relative to the generation before it; after a skipped one (or
  // from a source that does not say), all rows.
  RowRange rows = view.changed;
  if (rows.empty() || view.generation != last_generation_ + 1) rows = RowRange{0, view.height};
  last_generation_ = view.generation;
  {
    std::lock_guard lock(mutex_);
    if (reshape(frame_, view.width, view.height)) {
      rows = RowRange{0, view.height};
      unclaimed_ = RowRange{};
    }
    rows.end = std::min(rows.end, view.height);
    copy_rows(view.pixels.data(), frame_, rows);
    frame_.generation = view.generation;
    unclaimed_.add(rows);
  }
  if (notify_) notify_();
}

void EmulationThread::update_speed() {
  const auto now = Clock::now();
  const auto elapsed = now - speed_since_;
  if (elapsed < std::chrono::milliseconds(500)) return;
  const double seconds = std::chrono::duration<double>(elapsed).count();
  const double mips = static_cast<double>(instructions_ - speed_instructions_) / seconds / 1e6;
  const double percent = static_cast<double>(virtual_ns_ - speed_virtual_ns_) / seconds / 1e7;
  speed_since_ = now;
  speed_instructions_ = instructions_;
  speed_virtual_ns_ = virtual_ns_;
  std::lock_guard lock(mutex_);
  status_.mips = mips;
  status_.percent_real_time = percent;
}

}  // namespace trapeze
