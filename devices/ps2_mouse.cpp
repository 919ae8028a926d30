#include "devices/ps2_mouse.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "cpu/log.h"

namespace trapeze {

namespace {

// Host-to-mouse commands (IBM PS/2 Hardware Interface Technical Reference).
constexpr uint8_t kCmdResetScaling = 0xE6;
constexpr uint8_t kCmdSetScaling = 0xE7;
constexpr uint8_t kCmdSetResolution = 0xE8;
constexpr uint8_t kCmdStatusRequest = 0xE9;
constexpr uint8_t kCmdSetStreamMode = 0xEA;
constexpr uint8_t kCmdReadData = 0xEB;
constexpr uint8_t kCmdResetWrapMode = 0xEC;
constexpr uint8_t kCmdSetWrapMode = 0xEE;
constexpr uint8_t kCmdSetRemoteMode = 0xF0;
constexpr uint8_t kCmdGetDeviceId = 0xF2;
constexpr uint8_t kCmdSetSampleRate = 0xF3;
constexpr uint8_t kCmdEnable = 0xF4;
constexpr uint8_t kCmdDisable = 0xF5;
constexpr uint8_t kCmdSetDefaults = 0xF6;
constexpr uint8_t kCmdResend = 0xFE;
constexpr uint8_t kCmdReset = 0xFF;

constexpr uint8_t kReplyAck = 0xFA;
constexpr uint8_t kReplyResend = 0xFE;
constexpr uint8_t kReplySelfTestPassed = 0xAA;

// Packet byte 0 (the button bits are kButton*).
constexpr uint8_t kPacketAlwaysOne = 0x08;
constexpr uint8_t kPacketXSign = 0x10;
constexpr uint8_t kPacketYSign = 0x20;
constexpr uint8_t kPacketXOverflow = 0x40;
constexpr uint8_t kPacketYOverflow = 0x80;

// Status byte 0 (E9): mode, enable, scaling, then the buttons in a different order.
constexpr uint8_t kStatusRemote = 0x40;
constexpr uint8_t kStatusEnabled = 0x20;
constexpr uint8_t kStatusScaling = 0x10;
constexpr uint8_t kStatusLeft = 0x04;
constexpr uint8_t kStatusMiddle = 0x02;
constexpr uint8_t kStatusRight = 0x01;

// A packet's X and Y fields are 9-bit two's complement; the wheel takes -8..7.
constexpr int kMotionMin = -256;
constexpr int kMotionMax = 255;
constexpr int kWheelMin = -8;
constexpr int kWheelMax = 7;
// Host motion beyond this is dropped rather than letting the counters overflow an int.
constexpr int kCounterLimit = 1 << 20;

// 2:1 scaling (stream mode only): the reference's table for small counts, doubling above.
int scale_2to1(int counts) {
  static constexpr int kSmall[] = {0, 1, 1, 3, 6, 9};
  const int magnitude = std::abs(counts);
  const int scaled = magnitude <= 5 ? kSmall[magnitude] : 2 * magnitude;
  return counts < 0 ? -scaled : scaled;
}

}  // namespace

Ps2Mouse::Ps2Mouse() : log_(log::component("mouse")) { reset(); }

void Ps2Mouse::reset() {
  replies_.clear();
  packet_.clear();
  last_sent_ = 0;
  awaiting_ = 0;
  buttons_ = 0;
  device_id_ = kIdStandard;
  wrap_ = false;
  recent_rates_ = {};
  set_defaults();
}

void Ps2Mouse::set_defaults() {
  reporting_ = false;
  remote_ = false;
  scaling_2to1_ = false;
  sample_rate_ = 100;
  resolution_ = 2;
  clear_counters();
}

void Ps2Mouse::clear_counters() {
  dx_ = dy_ = dz_ = 0;
  report_due_ = false;
}

// ---- Host side ----

void Ps2Mouse::move(int dx, int dy, int dz) {
  // In stream mode with reporting off the mouse does not count; remote mode always does.
  if (wrap_ || (!remote_ && !reporting_)) return;
  dx_ = std::clamp(dx_ + std::clamp(dx, -kCounterLimit, kCounterLimit), -kCounterLimit,
                   kCounterLimit);
  dy_ = std::clamp(dy_ - std::clamp(dy, -kCounterLimit, kCounterLimit), -kCounterLimit,
                   kCounterLimit);
  if (device_id_ == kIdIntelliMouse) {
    dz_ = std::clamp(dz_ + std::clamp(dz, -kCounterLimit, kCounterLimit), -kCounterLimit,
                     kCounterLimit);
  }
  if (dx == 0 && dy == 0 && (dz == 0 || device_id_ != kIdIntelliMouse)) return;
  report_due_ = true;
  send_stream_packet();
  notify_output();
}

void Ps2Mouse::set_buttons(uint8_t buttons) {
  buttons &= kButtonLeft | kButtonRight | kButtonMiddle;
  if (buttons == buttons_) return;
  buttons_ = buttons;
  if (!streaming()) return;
  report_due_ = true;
  send_stream_packet();
  notify_output();
}

// ---- Packets ----

void Ps2Mouse::send_stream_packet() {
  if (!streaming() || !report_due_ || !packet_.empty()) return;
  build_packet(false, packet_);
  report_due_ = dx_ != 0 || dy_ != 0 || dz_ != 0;
}

void Ps2Mouse::build_packet(bool clamp_with_overflow, std::deque<uint8_t>& out) {
  int x = 0;
  int y = 0;
  int z = 0;
  uint8_t head = static_cast<uint8_t>(buttons_ | kPacketAlwaysOne);
  if (clamp_with_overflow) {
    // Remote mode reports the counters whole: a value out of range saturates and sets
    // its overflow bit. Scaling never applies here.
    if (dx_ < kMotionMin || dx_ > kMotionMax) head |= kPacketXOverflow;
    if (dy_ < kMotionMin || dy_ > kMotionMax) head |= kPacketYOverflow;
    x = std::clamp(dx_, kMotionMin, kMotionMax);
    y = std::clamp(dy_, kMotionMin, kMotionMax);
    z = std::clamp(dz_, kWheelMin, kWheelMax);
    dx_ = dy_ = dz_ = 0;
  } else {
    // Take what fits (at most half the range with 2:1 scaling, which doubles it) and
    // leave the rest for the next packet.
    const int limit = scaling_2to1_ ? kMotionMax / 2 : kMotionMax;
    x = std::clamp(dx_, -limit, limit);
    y = std::clamp(dy_, -limit, limit);
    z = std::clamp(dz_, kWheelMin, kWheelMax);
    dx_ -= x;
    dy_ -= y;
    dz_ -= z;
    if (scaling_2to1_) {
      x = scale_2to1(x);
      y = scale_2to1(y);
    }
  }
  if (x < 0) head |= kPacketXSign;
  if (y < 0) head |= kPacketYSign;
  out.push_back(head);
  out.push_back(static_cast<uint8_t>(x & 0xFF));
  out.push_back(static_cast<uint8_t>(y & 0xFF));
  if (device_id_ == kIdIntelliMouse) out.push_back(static_cast<uint8_t>(z & 0xFF));
}

// ---- Host commands ----

void Ps2Mouse::receive_from_host(uint8_t byte) {
  if (wrap_ && byte != kCmdReset && byte != kCmdResetWrapMode) {
    // Wrap (echo) mode: everything but the two ways out comes straight back.
    reply(byte);
  } else if (awaiting_ != 0 && byte < kCmdResetScaling) {
    // Parameters (rates up to 200, resolutions 0-3) never reach the command codes; a
    // command in their place abandons the first one.
    take_parameter(byte);
  } else {
    awaiting_ = 0;
    // A command interrupts the stream: the unsent rest of a packet is dropped so the
    // reply is not mixed into it.
    packet_.clear();
    run_command(byte);
  }
  notify_output();
}

void Ps2Mouse::take_parameter(uint8_t byte) {
  const uint8_t command = awaiting_;
  awaiting_ = 0;
  reply(kReplyAck);
  if (command == kCmdSetResolution) {
    resolution_ = byte & 3;
    clear_counters();
    return;
  }
  // kCmdSetSampleRate. The reference lists 10, 20, 40, 60, 80, 100 and 200; drivers only
  // use those, and knocks rely on the exact values, so any value is kept as given.
  sample_rate_ = byte;
  clear_counters();
  recent_rates_ = {recent_rates_[1], recent_rates_[2], byte};
  if (recent_rates_ == std::array<uint8_t, 3>{200, 100, 80} && device_id_ != kIdIntelliMouse) {
    device_id_ = kIdIntelliMouse;
    log_->debug("mouse: IntelliMouse mode (wheel, 4-byte packets)");
  }
}

void Ps2Mouse::run_command(uint8_t command) {
  switch (command) {
    case kCmdResetScaling:
    case kCmdSetScaling:
      scaling_2to1_ = command == kCmdSetScaling;
      reply(kReplyAck);
      return;
    case kCmdSetResolution:
    case kCmdSetSampleRate:
      awaiting_ = command;
      reply(kReplyAck);
      return;
    case kCmdStatusRequest: {
      uint8_t status = 0;
      if (remote_) status |= kStatusRemote;
      if (reporting_) status |= kStatusEnabled;
      if (scaling_2to1_) status |= kStatusScaling;
      if (buttons_ & kButtonLeft) status |= kStatusLeft;
      if (buttons_ & kButtonMiddle) status |= kStatusMiddle;
      if (buttons_ & kButtonRight) status |= kStatusRight;
      reply(kReplyAck);
      reply(status);
      reply(resolution_);
      reply(static_cast<uint8_t>(sample_rate_));
      return;
    }
    case kCmdSetStreamMode:
    case kCmdSetRemoteMode:
      remote_ = command == kCmdSetRemoteMode;
      clear_counters();
      reply(kReplyAck);
      return;
    case kCmdReadData:
      reply(kReplyAck);
      build_packet(true, replies_);
      report_due_ = false;
      return;
    case kCmdResetWrapMode:
    case kCmdSetWrapMode:
      wrap_ = command == kCmdSetWrapMode;
      clear_counters();
      reply(kReplyAck);
      return;
    case kCmdGetDeviceId:
      reply(kReplyAck);
      reply(device_id_);
      return;
    case kCmdEnable:
    case kCmdDisable:
      reporting_ = command == kCmdEnable;
      clear_counters();
      reply(kReplyAck);
      return;
    case kCmdSetDefaults:
      set_defaults();
      reply(kReplyAck);
      return;
    case kCmdResend:
      // The reference resends the whole last packet; the last byte is what drivers
      // recover with after a garbled reply, the only use they make of it.
      reply(last_sent_);
      return;
    case kCmdReset:
      reset();
      reply(kReplyAck);
      reply(kReplySelfTestPassed);
      reply(kIdStandard);
      return;
    default:
      log::once(log_,
                fmt::format("mouse: unknown command {:#04x} (answered with resend)", command));
      reply(kReplyResend);
      return;
  }
}

// ---- Output to the controller ----

bool Ps2Mouse::has_output() const { return !replies_.empty() || !packet_.empty(); }

uint8_t Ps2Mouse::peek_output() const {
  return replies_.empty() ? packet_.front() : replies_.front();
}

uint8_t Ps2Mouse::take_output() {
  std::deque<uint8_t>& queue = replies_.empty() ? packet_ : replies_;
  last_sent_ = queue.front();
  queue.pop_front();
  // The packet has gone: the next one can start (the controller polls has_output() when
  // its buffer frees, so no notification is needed from inside its own pull).
  if (packet_.empty()) send_stream_packet();
  return last_sent_;
}

std::vector<uint8_t> Ps2Mouse::pending_output() const {
  std::vector<uint8_t> bytes(replies_.begin(), replies_.end());
  bytes.insert(bytes.end(), packet_.begin(), packet_.end());
  return bytes;
}

}  // namespace trapeze
