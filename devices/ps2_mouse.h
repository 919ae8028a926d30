// A PS/2 mouse with a wheel (Microsoft IntelliMouse protocol), the device on the 8042's
// auxiliary port: the host command set, stream and remote modes, wrap (echo) mode, and
// 3-byte packets that become 4-byte packets (with the wheel) once the guest has knocked
// with sample rates 200, 100, 80 and the mouse answers ID 3 (IBM PS/2 Hardware
// Interface Technical Reference, "Pointing Device"; Chapweske, "The PS/2 Mouse
// Interface"; Microsoft, "IntelliMouse PS/2 protocol").
//
// Movement. Like the real device, the mouse keeps movement counters and has room for
// one packet in transmission: host movement adds to the counters, and a packet is built
// whenever the previous one has gone to the controller. In stream mode a packet carries
// at most what fits in its 9-bit fields (the rest follows in the next packet), so fast
// host motion is never lost; in remote mode (the guest asks with EB) counters beyond the
// 9-bit range are reported clamped with the overflow bits set, and reset, as on the
// device. Packets are sent as host movement arrives, not paced at the sample rate, and
// the resolution does not scale host motion: host deltas are already "counts".
//
// Wiring: the machine plugs it into the I8042's auxiliary port; the host calls move()
// and set_buttons() (SDL relative motion and button masks).
#pragma once

#include <spdlog/logger.h>

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "devices/ps2_device.h"

namespace trapeze {

class Ps2Mouse : public Ps2Device {
 public:
  // Button bits for set_buttons(), laid out as in the packet's first byte.
  static constexpr uint8_t kButtonLeft = 0x01;
  static constexpr uint8_t kButtonRight = 0x02;
  static constexpr uint8_t kButtonMiddle = 0x04;
  // Device IDs (F2): a plain PS/2 mouse, and an IntelliMouse after the knock.
  static constexpr uint8_t kIdStandard = 0x00;
  static constexpr uint8_t kIdIntelliMouse = 0x03;

  Ps2Mouse();

  // Power-on state: ID 0, stream mode, reporting off, 100 samples/s, 4 counts/mm,
  // scaling 1:1, nothing queued.
  void reset();

  // ---- Host side ----
  // Relative motion: dx to the right, dy downwards (screen convention, as SDL reports
  // it; the mouse sends "up" as positive), dz in wheel notches towards the user (what
  // scrolling down sends, positive in the packet's Z byte).
  void move(int dx, int dy, int dz = 0);
  // The buttons now held (kButton* bits); a change is reported as a packet.
  void set_buttons(uint8_t buttons);

  // ---- State, without side effects (debugger, tests) ----
  uint8_t device_id() const { return device_id_; }
  bool reporting() const { return reporting_; }
  bool remote_mode() const { return remote_; }
  bool wrap_mode() const { return wrap_; }
  unsigned sample_rate() const { return sample_rate_; }
  uint8_t resolution() const { return resolution_; }
  bool scaling_2to1() const { return scaling_2to1_; }
  uint8_t buttons() const { return buttons_; }
  // Every byte waiting to be sent, in the order they will go.
  std::vector<uint8_t> pending_output() const;

  // ---- Ps2Device ----
  void receive_from_host(uint8_t byte) override;
  bool has_output() const override;
  uint8_t peek_output() const override;
  uint8_t take_output() override;

 private:
  void run_command(uint8_t command);
  void take_parameter(uint8_t byte);
  void set_defaults();
  void clear_counters();
  void reply(uint8_t byte) { replies_.push_back(byte); }
  bool streaming() const { return !remote_ && !wrap_ && reporting_; }
  size_t packet_bytes() const { return device_id_ == kIdIntelliMouse ? 4 : 3; }
  // Queues a stream packet when one is due and the previous one has gone.
  void send_stream_packet();
  // Appends a packet from the counters to `out`. Stream packets take what fits and leave
  // the rest; remote packets (`clamp_with_overflow`) report everything, saturated, and
  // empty the counters.
  void build_packet(bool clamp_with_overflow, std::deque<uint8_t>& out);

  std::shared_ptr<spdlog::logger> log_;

  std::deque<uint8_t> replies_;  // command responses, sent before any packet
  std::deque<uint8_t> packet_;   // the packet in transmission
  uint8_t last_sent_ = 0;        // what FE (resend) repeats

  // Movement counters in the packet's sense (y up, z towards the user).
  int dx_ = 0;
  int dy_ = 0;
  int dz_ = 0;
  uint8_t buttons_ = 0;
  bool report_due_ = false;  // stream mode: a change not yet in a packet

  uint8_t awaiting_ = 0;  // the command whose parameter comes next, or 0
  uint8_t device_id_ = kIdStandard;
  bool reporting_ = false;
  bool remote_ = false;
  bool wrap_ = false;
  bool scaling_2to1_ = false;
  unsigned sample_rate_ = 100;
  uint8_t resolution_ = 2;
  // The last three sample rates set, oldest first: the IntelliMouse knock detector.
  std::array<uint8_t, 3> recent_rates_{};
};

}  // namespace trapeze
