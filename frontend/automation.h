// Headless automation between the machine's run slices: --exit-on texts, and the input
// script of --when / --type / --keys steps.
//
// Texts are looked for on the serial console (COM1), the debug console (port 0xE9) and
// the text screen. The consoles are watched as a stream (a text counts once it has been
// sent); the screen is read between slices, so a text counts while it is shown. A
// --when step sees only console output sent after the step began, but the whole screen
// as it is then.
//
// Key events go to the PS/2 keyboard one per slice, so the guest has virtual time to
// take each before the next (the keyboard holds only 16 bytes). Everything happens at
// slice boundaries of virtual time, so a headless run with a script stays deterministic.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "devices/machine.h"
#include "frontend/key_script.h"
#include "frontend/text_watch.h"

namespace trapeze {

class Automation {
 public:
  // Virtual time between two scripted key events.
  static constexpr uint64_t kKeyIntervalNs = 5'000'000;

  // Chains watchers in front of the machine's COM1 and debug console sinks; `machine`
  // must outlive this object and keep those sinks.
  Automation(Machine& machine, std::vector<std::string> exit_on, std::vector<InputStep> script);
  Automation(const Automation&) = delete;
  Automation& operator=(const Automation&) = delete;

  // Whether there is anything to do between slices at all.
  bool active() const { return !exit_on_.empty() || next_step_ < script_.size(); }
  // True while key events wait to be sent: the frontend runs shorter slices.
  bool typing() const;
  // Called after each slice: sends the next key event, moves the script on, and returns
  // the --exit-on text that has appeared, if any.
  std::optional<std::string> after_slice();

 private:
  struct Streams {
    StreamWatch serial;
    StreamWatch debugcon;
    void advance() {
      serial.advance();
      debugcon.advance();
    }
  };
  bool appeared(const Streams& streams, const std::optional<std::string>& screen,
                const std::string& text) const;
  void start_step();

  Machine& machine_;
  std::vector<std::string> exit_on_;
  std::vector<InputStep> script_;
  size_t next_step_ = 0;
  size_t next_event_ = 0;  // within script_[next_step_] while it is a kKeys step
  Streams for_exit_;       // everything since the start
  Streams for_step_;       // since the current --when step began
};

}  // namespace trapeze
