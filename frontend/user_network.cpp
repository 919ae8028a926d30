#include "frontend/user_network.h"

#include <arpa/inet.h>
#include <poll.h>
#include <slirp/libslirp.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

namespace trapeze {

namespace {

in_addr ipv4(const char* text) {
  in_addr address{};
  inet_pton(AF_INET, text, &address);
  return address;
}

short to_poll_events(int slirp_events) {
  short events = 0;
  if (slirp_events & SLIRP_POLL_IN) events |= POLLIN;
  if (slirp_events & SLIRP_POLL_OUT) events |= POLLOUT;
  if (slirp_events & SLIRP_POLL_PRI) events |= POLLPRI;
  if (slirp_events & SLIRP_POLL_ERR) events |= POLLERR;
  if (slirp_events & SLIRP_POLL_HUP) events |= POLLHUP;
  return events;
}

int to_slirp_events(short revents) {
  int events = 0;
  if (revents & POLLIN) events |= SLIRP_POLL_IN;
  if (revents & POLLOUT) events |= SLIRP_POLL_OUT;
  if (revents & POLLPRI) events |= SLIRP_POLL_PRI;
  if (revents & POLLERR) events |= SLIRP_POLL_ERR;
  if (revents & (POLLHUP | POLLNVAL)) events |= SLIRP_POLL_HUP;
  return events;
}

}  // namespace

UserNetwork::UserNetwork(NetworkCard& card, const NetOptions& options,
                         std::function<uint64_t()> clock_ns)
    : card_(card), clock_ns_(std::move(clock_ns)) {
  if (!options.dump_path.empty()) dump_ = std::make_unique<PcapWriter>(options.dump_path);

  // QEMU's defaults: 10.0.2.0/24, the host at .2, DHCP from .15, DNS at .3.
  SlirpConfig config{};
  config.version = 4;
  config.in_enabled = true;
  config.vnetwork = ipv4("10.0.2.0");
  config.vnetmask = ipv4("255.255.255.0");
  config.vhost = ipv4("10.0.2.2");
  config.vdhcp_start = ipv4("10.0.2.15");
  config.vnameserver = ipv4("10.0.2.3");
  config.vhostname = "trapeze";
  config.in6_enabled = false;
  if (!options.tftp_root.empty()) config.tftp_path = options.tftp_root.c_str();
  if (!options.bootfile.empty()) config.bootfile = options.bootfile.c_str();

  static const SlirpCb callbacks = [] {
    SlirpCb cb{};
    cb.send_packet = &UserNetwork::send_packet;
    cb.guest_error = &UserNetwork::guest_error;
    cb.clock_get_ns = &UserNetwork::clock_get_ns;
    cb.timer_free = &UserNetwork::timer_free;
    cb.timer_mod = &UserNetwork::timer_mod;
    cb.register_poll_fd = &UserNetwork::register_poll_fd;
    cb.unregister_poll_fd = &UserNetwork::unregister_poll_fd;
    cb.notify = &UserNetwork::notify;
    cb.timer_new_opaque = [](SlirpTimerId id, void* cb_opaque, void* opaque) {
      return UserNetwork::timer_new_opaque(static_cast<int>(id), cb_opaque, opaque);
    };
    return cb;
  }();
  slirp_ = slirp_new(&config, &callbacks, this);
  if (slirp_ == nullptr) throw std::runtime_error("user networking: slirp could not start");

  for (const HostForward& forward : options.host_forwards) {
    const in_addr host = ipv4(forward.host_address.c_str());
    const in_addr guest =
        forward.guest_address.empty() ? in_addr{} : ipv4(forward.guest_address.c_str());
    if (slirp_add_hostfwd(slirp_, forward.udp ? 1 : 0, host, forward.host_port, guest,
                          forward.guest_port) < 0) {
      slirp_cleanup(slirp_);
      slirp_ = nullptr;
      throw std::runtime_error("user networking: cannot forward " +
                               std::string(forward.udp ? "udp " : "tcp ") + forward.host_address +
                               ":" + std::to_string(forward.host_port) + " (is the port in use?)");
    }
  }
  card_.set_transmit_sink([this](std::span<const uint8_t> frame) { from_guest(frame); });
}

UserNetwork::~UserNetwork() {
  card_.set_transmit_sink(nullptr);
  if (slirp_ != nullptr) slirp_cleanup(slirp_);
}

void UserNetwork::from_guest(std::span<const uint8_t> frame) {
  if (dump_) dump_->write(clock_ns_(), frame);
  slirp_input(slirp_, frame.data(), static_cast<int>(frame.size()));
}

long UserNetwork::send_packet(const void* buffer, size_t length, void* opaque) {
  auto* self = static_cast<UserNetwork*>(opaque);
  const std::span<const uint8_t> frame(static_cast<const uint8_t*>(buffer), length);
  if (self->dump_) self->dump_->write(self->clock_ns_(), frame);
  // A frame the card cannot take is lost, as on a wire; TCP retransmits.
  self->card_.receive(frame);
  return static_cast<long>(length);
}

void UserNetwork::guest_error(const char* message, void* /*opaque*/) {
  spdlog::warn("user networking: guest error: {}", message);
}

int64_t UserNetwork::clock_get_ns(void* opaque) {
  return static_cast<int64_t>(static_cast<UserNetwork*>(opaque)->clock_ns_());
}

void* UserNetwork::timer_new_opaque(int id, void* cb_opaque, void* opaque) {
  auto* self = static_cast<UserNetwork*>(opaque);
  auto timer = std::make_unique<Timer>();
  timer->id = id;
  timer->cb_opaque = cb_opaque;
  Timer* raw = timer.get();
  self->timers_.push_back(std::move(timer));
  return raw;
}

void UserNetwork::timer_free(void* timer, void* opaque) {
  auto* self = static_cast<UserNetwork*>(opaque);
  std::erase_if(self->timers_, [timer](const auto& t) { return t.get() == timer; });
}

void UserNetwork::timer_mod(void* timer, int64_t expire_ms, void* /*opaque*/) {
  static_cast<Timer*>(timer)->expire_ms = expire_ms;
}

// Slirp hands every socket to slirp_pollfds_fill each round, so the registrations
// (meant for event loops that watch descriptors persistently) need nothing here.
void UserNetwork::register_poll_fd(int /*fd*/, void* /*opaque*/) {}
void UserNetwork::unregister_poll_fd(int /*fd*/, void* /*opaque*/) {}
void UserNetwork::notify(void* /*opaque*/) {}

void UserNetwork::run_timers() {
  const int64_t now_ms = static_cast<int64_t>(clock_ns_() / 1'000'000);
  // Collected first: a timer's handler may re-arm or free timers.
  std::vector<std::pair<int, void*>> due;
  for (const auto& timer : timers_) {
    if (timer->expire_ms >= 0 && timer->expire_ms <= now_ms) {
      timer->expire_ms = -1;
      due.emplace_back(timer->id, timer->cb_opaque);
    }
  }
  for (const auto& [id, cb_opaque] : due) {
    slirp_handle_timer(slirp_, static_cast<SlirpTimerId>(id), cb_opaque);
  }
}

void UserNetwork::poll() {
  poll_fds_.clear();
  uint32_t timeout_ms = 0;
  slirp_pollfds_fill(
      slirp_, &timeout_ms,
      [](int fd, int events, void* opaque) {
        auto* self = static_cast<UserNetwork*>(opaque);
        self->poll_fds_.push_back(pollfd{fd, to_poll_events(events), 0});
        return static_cast<int>(self->poll_fds_.size() - 1);
      },
      this);
  // Never wait: the guest's time must not depend on the host's sockets.
  const int ready = ::poll(poll_fds_.data(), poll_fds_.size(), 0);
  slirp_pollfds_poll(
      slirp_, ready < 0 ? 1 : 0,
      [](int index, void* opaque) {
        auto* self = static_cast<UserNetwork*>(opaque);
        if (index < 0 || static_cast<size_t>(index) >= self->poll_fds_.size()) return 0;
        return to_slirp_events(self->poll_fds_[static_cast<size_t>(index)].revents);
      },
      this);
  run_timers();
}

}  // namespace trapeze
