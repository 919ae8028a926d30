// A PS/2 (MF-II) keyboard, the device on the 8042's keyboard port: the host command set
// (IBM PS/2 Hardware Interface Technical Reference, "Keyboard"; Chapweske, "The PS/2
// Keyboard Interface"), scan code sets 1, 2 and 3, typematic repeat and the 16-byte
// output buffer.
//
// What the keyboard sends is native to the selected set: set 2 by default. Translation
// to set 1 is not done here but in the 8042 (I8042, command byte bit 6), as on a PC; a
// keyboard switched to set 1 sends set-1 codes itself (and a guest that also leaves
// translation on gets them translated twice, as on hardware).
//
// Timing. Replies are immediate (a real keyboard needs up to 20 ms, and 300-500 ms for
// the self-test after reset; guests poll with timeouts far above that). Typematic repeat
// runs on the scheduler's virtual clock at the rate and delay the guest programmed, so
// runs stay deterministic.
//
// Simplifications, each harmless to the guests we target:
//  - No byte 0xAA at power-on (QEMU sends none either; BIOSes reset the keyboard anyway).
//  - No "fake shift" bytes around the E0 navigation keys under Num Lock or Shift (E0 12,
//    E0 F0 12 ...); BIOSes and operating systems discard them.
//  - Commands that "stop scanning until the parameter arrives" (ED, F3) keep reporting.
//  - Set 3 starts with every key typematic and make/break (the default after F6 per
//    Chapweske); F7-FD change that as documented.
//
// Wiring: the machine plugs it into the I8042's keyboard port; the host calls press() and
// release() (the SDL frontend with KeyCode = SDL_Scancode, scripted input with
// us_layout_keystroke()). The scheduler must outlive the keyboard.
#pragma once

#include <spdlog/logger.h>

#include <array>
#include <bitset>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

#include "devices/ps2_device.h"
#include "devices/scan_codes.h"
#include "devices/scheduler.h"

namespace trapeze {

class Ps2Keyboard : public Ps2Device {
 public:
  // Bytes of scan codes the keyboard holds while the host inhibits it. A key that does
  // not fit is lost and the overrun code follows the buffered bytes instead.
  static constexpr size_t kBufferBytes = 16;
  // 10.9 characters per second after 500 ms: the power-on and F6 setting.
  static constexpr uint8_t kDefaultTypematic = 0x2B;
  // LED bits, as in the ED command's parameter.
  static constexpr uint8_t kLedScrollLock = 0x01;
  static constexpr uint8_t kLedNumLock = 0x02;
  static constexpr uint8_t kLedCapsLock = 0x04;

  // Registers the typematic event type ("ps2-keyboard-typematic") on `scheduler`.
  explicit Ps2Keyboard(Scheduler& scheduler);
  ~Ps2Keyboard() override;

  // Power-on state: set 2, scanning on, default typematic, LEDs off, nothing queued and
  // no keys held.
  void reset();

  // ---- Host side ----
  // A key going down or up. Pressing a held key again is ignored (the keyboard makes
  // its own typematic repeats; hosts should not forward theirs).
  void press(KeyCode key);
  void release(KeyCode key);
  // Releases every held key, with break codes (a window losing focus).
  void release_all();
  bool held(KeyCode key) const { return held_.test(static_cast<uint8_t>(key)); }
  // Told the new LED bits whenever the guest sets them (a frontend may mirror them).
  void set_led_listener(std::function<void(uint8_t)> listener) {
    led_listener_ = std::move(listener);
  }

  // ---- State, without side effects (debugger, tests) ----
  uint8_t leds() const { return leds_; }
  unsigned scan_code_set() const { return scan_set_; }
  bool scanning() const { return scanning_; }
  uint8_t typematic() const { return typematic_; }
  uint64_t typematic_delay_ns() const;
  uint64_t typematic_period_ns() const;
  // Every byte waiting to be sent, in the order they will go.
  std::vector<uint8_t> pending_output() const;

  // ---- Ps2Device ----
  void receive_from_host(uint8_t byte) override;
  bool has_output() const override;
  uint8_t peek_output() const override;
  uint8_t take_output() override;

 private:
  // Set-3 key types (IBM: typematic, make/break, make-only), as attribute bits.
  static constexpr uint8_t kTypeRepeats = 0x01;
  static constexpr uint8_t kTypeBreaks = 0x02;

  void run_command(uint8_t command);
  void take_parameter(uint8_t byte);
  void set_defaults();
  void reply(uint8_t byte) { replies_.push_back(byte); }

  // The bytes of a key's make or break in the current set (empty when it sends none).
  std::vector<uint8_t> make_codes(KeyCode key) const;
  std::vector<uint8_t> break_codes(KeyCode key) const;
  std::vector<uint8_t> set2_make(KeyCode key, const KeyScanCodes& codes) const;
  std::vector<uint8_t> set2_break(KeyCode key, const KeyScanCodes& codes) const;
  bool repeats(KeyCode key) const;
  bool modifier_held(KeyCode left, KeyCode right) const { return held(left) || held(right); }
  uint8_t overrun_code() const { return scan_set_ == 1 ? 0xFF : 0x00; }
  void queue_scan_codes(const std::vector<uint8_t>& bytes);
  void clear_scan_codes();

  void start_typematic(KeyCode key);
  void stop_typematic();
  void on_typematic();

  Scheduler& scheduler_;
  EventType typematic_event_type_;
  EventId typematic_event_;
  std::shared_ptr<spdlog::logger> log_;
  std::function<void(uint8_t)> led_listener_;

  std::bitset<256> held_;  // by KeyCode value
  bool typematic_active_ = false;
  KeyCode typematic_key_ = KeyCode::kA;  // meaningful while typematic_active_

  std::deque<uint8_t> replies_;     // command responses: sent before scan codes
  std::deque<uint8_t> scan_codes_;  // at most kBufferBytes
  bool overrun_ = false;            // the overrun code follows scan_codes_
  uint8_t last_sent_ = 0;           // what FE (resend) repeats

  uint8_t awaiting_ = 0;  // the command whose parameter bytes come next, or 0
  unsigned scan_set_ = 2;
  bool scanning_ = true;
  uint8_t typematic_ = kDefaultTypematic;
  uint8_t leds_ = 0;
  // Per set-3 make code; only consulted in set 3.
  std::array<uint8_t, 256> set3_types_{};
};

}  // namespace trapeze
