#include "devices/ps2_keyboard.h"

#include <fmt/format.h>

#include "cpu/log.h"

namespace trapeze {

namespace {

// Host-to-keyboard commands (IBM PS/2 Hardware Interface Technical Reference).
constexpr uint8_t kCmdSetLeds = 0xED;
constexpr uint8_t kCmdEcho = 0xEE;
constexpr uint8_t kCmdScanCodeSet = 0xF0;
constexpr uint8_t kCmdIdentify = 0xF2;
constexpr uint8_t kCmdTypematic = 0xF3;
constexpr uint8_t kCmdEnable = 0xF4;
constexpr uint8_t kCmdDefaultDisable = 0xF5;
constexpr uint8_t kCmdSetDefault = 0xF6;
constexpr uint8_t kCmdAllTypematic = 0xF7;
constexpr uint8_t kCmdAllMakeBreak = 0xF8;
constexpr uint8_t kCmdAllMake = 0xF9;
constexpr uint8_t kCmdAllTypematicMakeBreak = 0xFA;
constexpr uint8_t kCmdKeyTypematic = 0xFB;
constexpr uint8_t kCmdKeyMakeBreak = 0xFC;
constexpr uint8_t kCmdKeyMake = 0xFD;
constexpr uint8_t kCmdResend = 0xFE;
constexpr uint8_t kCmdReset = 0xFF;

// Keyboard-to-host replies.
constexpr uint8_t kReplyAck = 0xFA;
constexpr uint8_t kReplyResend = 0xFE;
constexpr uint8_t kReplySelfTestPassed = 0xAA;
constexpr uint8_t kReplyEcho = 0xEE;
// An MF-II keyboard's identification, sent after the ACK of F2.
constexpr uint8_t kIdFirst = 0xAB;
constexpr uint8_t kIdSecond = 0x83;

constexpr uint8_t kBreakPrefix = 0xF0;
constexpr uint8_t kExtendedPrefix = 0xE0;

// The typematic formula of the IBM reference: period = (8 + A) * 2^B * 4.17 ms, with A in
// bits 0-2 and B in bits 3-4; delay = (1 + D) * 250 ms, D in bits 5-6.
constexpr uint64_t kTypematicUnitNs = 4'170'000;
constexpr uint64_t kTypematicDelayUnitNs = 250'000'000;

}  // namespace

Ps2Keyboard::Ps2Keyboard(Scheduler& scheduler)
    : scheduler_(scheduler),
      typematic_event_type_(
          scheduler.register_type("ps2-keyboard-typematic", [this](uint64_t) { on_typematic(); })),
      log_(log::component("kbd")) {
  reset();
}

Ps2Keyboard::~Ps2Keyboard() {
  // The scheduler keeps the event type, so no repeat may outlive the keyboard.
  scheduler_.cancel(typematic_event_);
}

void Ps2Keyboard::reset() {
  stop_typematic();
  held_.reset();
  replies_.clear();
  clear_scan_codes();
  last_sent_ = 0;
  awaiting_ = 0;
  set_defaults();
  scanning_ = true;
  leds_ = 0;
}

void Ps2Keyboard::set_defaults() {
  scan_set_ = 2;
  typematic_ = kDefaultTypematic;
  set3_types_.fill(kTypeRepeats | kTypeBreaks);
}

uint64_t Ps2Keyboard::typematic_delay_ns() const {
  return (1 + ((typematic_ >> 5) & 3)) * kTypematicDelayUnitNs;
}

uint64_t Ps2Keyboard::typematic_period_ns() const {
  const uint64_t a = typematic_ & 7;
  const uint64_t b = (typematic_ >> 3) & 3;
  return (8 + a) * (uint64_t{1} << b) * kTypematicUnitNs;
}

// ---- Host side ----

void Ps2Keyboard::press(KeyCode key) {
  const uint8_t index = static_cast<uint8_t>(key);
  if (held_.test(index)) return;
  held_.set(index);
  if (!scanning_) return;
  queue_scan_codes(make_codes(key));
  // Only the most recently pressed key repeats (IBM: typematic applies to the last key
  // pressed; an earlier key held down stops repeating).
  if (repeats(key)) {
    start_typematic(key);
  } else {
    stop_typematic();
  }
  notify_output();
}

void Ps2Keyboard::release(KeyCode key) {
  const uint8_t index = static_cast<uint8_t>(key);
  if (!held_.test(index)) return;
  // The break of PrintScreen depends on the modifiers still held, so it is built first.
  const std::vector<uint8_t> codes = scanning_ ? break_codes(key) : std::vector<uint8_t>{};
  held_.reset(index);
  if (typematic_active_ && typematic_key_ == key) stop_typematic();
  if (!scanning_) return;
  queue_scan_codes(codes);
  notify_output();
}

void Ps2Keyboard::release_all() {
  for (unsigned i = 0; i < held_.size(); ++i) {
    if (held_.test(i)) release(static_cast<KeyCode>(i));
  }
}

// ---- Scan codes ----

std::vector<uint8_t> Ps2Keyboard::set2_make(KeyCode key, const KeyScanCodes& codes) const {
  const bool ctrl = modifier_held(KeyCode::kLeftCtrl, KeyCode::kRightCtrl);
  const bool shift = modifier_held(KeyCode::kLeftShift, KeyCode::kRightShift);
  const bool alt = modifier_held(KeyCode::kLeftAlt, KeyCode::kRightAlt);
  if (key == KeyCode::kPause) {
    // Make only, never repeated. With Ctrl it is Break, sent as E0 7E plus its release.
    if (ctrl) return {0xE0, 0x7E, 0xE0, 0xF0, 0x7E};
    return {0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77};
  }
  if (key == KeyCode::kPrintScreen) {
    // SysRq with Alt; without a modifier the key pretends to be Shift + keypad-*.
    if (alt) return {0x84};
    if (ctrl || shift) return {0xE0, 0x7C};
    return {0xE0, 0x12, 0xE0, 0x7C};
  }
  if (codes.set2_extended) return {kExtendedPrefix, codes.set2};
  return {codes.set2};
}

std::vector<uint8_t> Ps2Keyboard::set2_break(KeyCode key, const KeyScanCodes& codes) const {
  const bool ctrl = modifier_held(KeyCode::kLeftCtrl, KeyCode::kRightCtrl);
  const bool shift = modifier_held(KeyCode::kLeftShift, KeyCode::kRightShift);
  const bool alt = modifier_held(KeyCode::kLeftAlt, KeyCode::kRightAlt);
  if (key == KeyCode::kPause) return {};
  if (key == KeyCode::kPrintScreen) {
    if (alt) return {kBreakPrefix, 0x84};
    if (ctrl || shift) return {0xE0, 0xF0, 0x7C};
    return {0xE0, 0xF0, 0x7C, 0xE0, 0xF0, 0x12};
  }
  if (codes.set2_extended) return {kExtendedPrefix, kBreakPrefix, codes.set2};
  return {kBreakPrefix, codes.set2};
}

namespace {

// Set 1 is set 2 as the 8042 translates it, break prefixes folded into bit 7.
std::vector<uint8_t> to_set1(const std::vector<uint8_t>& set2) {
  std::vector<uint8_t> set1;
  bool breaking = false;
  for (uint8_t byte : set2) {
    if (byte == kBreakPrefix) {
      breaking = true;
      continue;
    }
    const uint8_t code = translate_set2_to_set1(byte);
    set1.push_back(breaking ? static_cast<uint8_t>(code | 0x80) : code);
    breaking = false;
  }
  return set1;
}

}  // namespace

std::vector<uint8_t> Ps2Keyboard::make_codes(KeyCode key) const {
  const std::optional<KeyScanCodes> codes = key_scan_codes(key);
  if (!codes) {
    log::once(log_, fmt::format("kbd: key {:#04x} has no scan code", static_cast<unsigned>(key)));
    return {};
  }
  switch (scan_set_) {
    case 1:
      return to_set1(set2_make(key, *codes));
    case 3:
      if (codes->set3 == 0) {
        log::once(log_, fmt::format("kbd: key {:#04x} has no scan code in set 3",
                                    static_cast<unsigned>(key)));
        return {};
      }
      return {codes->set3};
    default:
      return set2_make(key, *codes);
  }
}

std::vector<uint8_t> Ps2Keyboard::break_codes(KeyCode key) const {
  const std::optional<KeyScanCodes> codes = key_scan_codes(key);
  if (!codes) return {};
  switch (scan_set_) {
    case 1:
      return to_set1(set2_break(key, *codes));
    case 3:
      if (codes->set3 == 0 || !(set3_types_[codes->set3] & kTypeBreaks)) return {};
      return {kBreakPrefix, codes->set3};
    default:
      return set2_break(key, *codes);
  }
}

bool Ps2Keyboard::repeats(KeyCode key) const {
  if (scan_set_ == 3) {
    const std::optional<KeyScanCodes> codes = key_scan_codes(key);
    return codes && codes->set3 != 0 && (set3_types_[codes->set3] & kTypeRepeats);
  }
  // In sets 1 and 2 every key repeats except Pause (whose make is its whole sequence).
  return key != KeyCode::kPause;
}

void Ps2Keyboard::queue_scan_codes(const std::vector<uint8_t>& bytes) {
  if (bytes.empty()) return;
  // A key either fits whole or is lost: a half-queued sequence would leave the host with
  // a dangling prefix. After an overrun nothing more is accepted until the host has
  // drained the buffer up to the overrun code.
  if (overrun_ || scan_codes_.size() + bytes.size() > kBufferBytes) {
    if (!overrun_) log_->debug("kbd: buffer overrun, key lost");
    overrun_ = true;
    return;
  }
  scan_codes_.insert(scan_codes_.end(), bytes.begin(), bytes.end());
}

void Ps2Keyboard::clear_scan_codes() {
  scan_codes_.clear();
  overrun_ = false;
}

// ---- Typematic ----

void Ps2Keyboard::start_typematic(KeyCode key) {
  scheduler_.cancel(typematic_event_);
  typematic_active_ = true;
  typematic_key_ = key;
  typematic_event_ =
      scheduler_.schedule(typematic_event_type_, scheduler_.now_ns() + typematic_delay_ns());
}

void Ps2Keyboard::stop_typematic() {
  scheduler_.cancel(typematic_event_);
  typematic_active_ = false;
}

void Ps2Keyboard::on_typematic() {
  if (!typematic_active_ || !scanning_ || !held(typematic_key_)) {
    typematic_active_ = false;
    return;
  }
  queue_scan_codes(make_codes(typematic_key_));
  typematic_event_ =
      scheduler_.schedule(typematic_event_type_, scheduler_.now_ns() + typematic_period_ns());
  notify_output();
}

// ---- Host commands ----

void Ps2Keyboard::receive_from_host(uint8_t byte) {
  // A parameter never looks like a command (ED and above); a command byte where a
  // parameter was expected abandons the first command, as the IBM reference specifies.
  if (awaiting_ != 0 && byte < kCmdSetLeds) {
    take_parameter(byte);
  } else {
    awaiting_ = 0;
    run_command(byte);
  }
  notify_output();
}

void Ps2Keyboard::take_parameter(uint8_t byte) {
  switch (awaiting_) {
    case kCmdSetLeds:
      leds_ = byte & (kLedScrollLock | kLedNumLock | kLedCapsLock);
      awaiting_ = 0;
      reply(kReplyAck);
      log_->debug("kbd: LEDs {:#04x}", leds_);
      if (led_listener_) led_listener_(leds_);
      return;
    case kCmdTypematic:
      typematic_ = byte & 0x7F;
      awaiting_ = 0;
      reply(kReplyAck);
      log_->debug("kbd: typematic delay {} ms, period {} us", typematic_delay_ns() / 1'000'000,
                  typematic_period_ns() / 1'000);
      return;
    case kCmdScanCodeSet:
      awaiting_ = 0;
      if (byte == 0) {
        reply(kReplyAck);
        reply(static_cast<uint8_t>(scan_set_));
      } else if (byte <= 3) {
        reply(kReplyAck);
        if (byte != scan_set_) {
          // Codes queued in the old set would be garbage in the new one.
          stop_typematic();
          clear_scan_codes();
          scan_set_ = byte;
          log_->debug("kbd: scan code set {}", scan_set_);
        }
      } else {
        reply(kReplyResend);
      }
      return;
    case kCmdKeyTypematic:
    case kCmdKeyMakeBreak:
    case kCmdKeyMake: {
      // A list of set-3 make codes, ended by the next command.
      static constexpr uint8_t kTypes[] = {kTypeRepeats, kTypeBreaks, 0};
      set3_types_[byte] = kTypes[awaiting_ - kCmdKeyTypematic];
      reply(kReplyAck);
      return;
    }
    default:
      awaiting_ = 0;
      return;
  }
}

void Ps2Keyboard::run_command(uint8_t command) {
  switch (command) {
    case kCmdSetLeds:
    case kCmdTypematic:
    case kCmdScanCodeSet:
    case kCmdKeyTypematic:
    case kCmdKeyMakeBreak:
    case kCmdKeyMake:
      reply(kReplyAck);
      awaiting_ = command;
      return;
    case kCmdEcho:
      reply(kReplyEcho);  // the one command answered without an ACK
      return;
    case kCmdIdentify:
      reply(kReplyAck);
      reply(kIdFirst);
      reply(kIdSecond);
      return;
    case kCmdEnable:
      clear_scan_codes();
      scanning_ = true;
      reply(kReplyAck);
      return;
    case kCmdDefaultDisable:
    case kCmdSetDefault:
      stop_typematic();
      clear_scan_codes();
      set_defaults();
      scanning_ = command == kCmdSetDefault;
      reply(kReplyAck);
      return;
    case kCmdAllTypematic:
    case kCmdAllMakeBreak:
    case kCmdAllMake:
    case kCmdAllTypematicMakeBreak: {
      static constexpr uint8_t kTypes[] = {kTypeRepeats, kTypeBreaks, 0,
                                           kTypeRepeats | kTypeBreaks};
      set3_types_.fill(kTypes[command - kCmdAllTypematic]);
      reply(kReplyAck);
      return;
    }
    case kCmdResend:
      reply(last_sent_);
      return;
    case kCmdReset:
      // ACK, then the basic assurance test, then its result; the LEDs go out.
      stop_typematic();
      clear_scan_codes();
      replies_.clear();
      set_defaults();
      scanning_ = true;
      reply(kReplyAck);
      reply(kReplySelfTestPassed);
      if (leds_ != 0) {
        leds_ = 0;
        if (led_listener_) led_listener_(leds_);
      }
      return;
    default:
      log::once(log_, fmt::format("kbd: unknown command {:#04x} (answered with resend)", command));
      reply(kReplyResend);
      return;
  }
}

// ---- Output to the controller ----

bool Ps2Keyboard::has_output() const {
  return !replies_.empty() || !scan_codes_.empty() || overrun_;
}

uint8_t Ps2Keyboard::peek_output() const {
  if (!replies_.empty()) return replies_.front();
  if (!scan_codes_.empty()) return scan_codes_.front();
  return overrun_code();
}

uint8_t Ps2Keyboard::take_output() {
  uint8_t byte = 0;
  if (!replies_.empty()) {
    byte = replies_.front();
    replies_.pop_front();
  } else if (!scan_codes_.empty()) {
    byte = scan_codes_.front();
    scan_codes_.pop_front();
  } else {
    byte = overrun_code();
    overrun_ = false;
  }
  // A resend repeats the byte itself, so the byte it answers stays "last sent".
  last_sent_ = byte;
  return byte;
}

std::vector<uint8_t> Ps2Keyboard::pending_output() const {
  std::vector<uint8_t> bytes(replies_.begin(), replies_.end());
  bytes.insert(bytes.end(), scan_codes_.begin(), scan_codes_.end());
  if (overrun_) bytes.push_back(overrun_code());
  return bytes;
}

}  // namespace trapeze
