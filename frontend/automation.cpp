#include "frontend/automation.h"

#include <spdlog/spdlog.h>

#include <utility>

namespace trapeze {

Automation::Automation(Machine& machine, std::vector<std::string> exit_on,
                       std::vector<InputStep> script)
    : machine_(machine), exit_on_(std::move(exit_on)), script_(std::move(script)) {
  auto serial = machine_.com1().transmit_sink();
  machine_.com1().set_transmit_sink([this, serial](uint8_t byte) {
    if (serial) serial(byte);
    for_exit_.serial.feed(static_cast<char>(byte));
    for_step_.serial.feed(static_cast<char>(byte));
  });
  auto debugcon = machine_.debug_ports().console_sink();
  machine_.set_debugcon_sink([this, debugcon](char c) {
    if (debugcon) debugcon(c);
    for_exit_.debugcon.feed(c);
    for_step_.debugcon.feed(c);
  });
  start_step();
}

bool Automation::typing() const {
  return next_step_ < script_.size() && script_[next_step_].kind == InputStep::Kind::kKeys;
}

bool Automation::appeared(const Streams& streams, const std::optional<std::string>& screen,
                          const std::string& text) const {
  return streams.serial.contains_new(text) || streams.debugcon.contains_new(text) ||
         (screen && screen->find(text) != std::string::npos);
}

void Automation::start_step() {
  // Steps that need no virtual time run at once: key steps are sent from the next
  // slice on, a --when step starts watching from here.
  next_event_ = 0;
  while (next_step_ < script_.size() && script_[next_step_].kind == InputStep::Kind::kKeys &&
         script_[next_step_].events.empty())
    ++next_step_;
  if (next_step_ < script_.size() && script_[next_step_].kind == InputStep::Kind::kWhen) {
    for_step_.serial.clear();
    for_step_.debugcon.clear();
  }
}

std::optional<std::string> Automation::after_slice() {
  if (!active()) return std::nullopt;
  std::optional<std::string> screen;
  const bool waiting = next_step_ < script_.size() && !typing();
  if (!exit_on_.empty() || waiting) {
    if (DisplaySource* display = machine_.display()) screen = display->text_screen();
  }
  for (const std::string& text : exit_on_) {
    if (appeared(for_exit_, screen, text)) return text;
  }
  for_exit_.advance();

  if (typing()) {
    const InputStep& step = script_[next_step_];
    const KeyEvent event = step.events[next_event_++];
    if (event.down) {
      machine_.keyboard().press(event.key);
    } else {
      machine_.keyboard().release(event.key);
    }
    if (next_event_ == step.events.size()) {
      ++next_step_;
      start_step();
    }
  } else if (waiting) {
    if (appeared(for_step_, screen, script_[next_step_].text)) {
      spdlog::info("--when '{}' appeared", script_[next_step_].text);
      ++next_step_;
      start_step();
    } else {
      for_step_.advance();
    }
  }
  return std::nullopt;
}

}  // namespace trapeze
