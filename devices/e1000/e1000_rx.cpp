// The e1000's receive path (8254x SDM 3.2 and 3.4): filtering, the receive FIFO and the
// descriptor ring.
#include <algorithm>

#include "devices/e1000/e1000.h"
#include "devices/e1000/e1000_registers.h"
#include "devices/e1000/net_checksum.h"

namespace trapeze {

using namespace e1000;

namespace {
constexpr size_t kMinFrameBytes = 60;    // without FCS: shorter frames are padded
constexpr size_t kMaxFrameBytes = 1518;  // with FCS, without a VLAN tag
constexpr size_t kVlanTagBytes = 4;
constexpr size_t kFcsBytes = 4;
constexpr size_t kMaxLongFrameBytes = 16384;  // RCTL.LPE

bool is_broadcast(std::span<const uint8_t> destination) {
  return std::all_of(destination.begin(), destination.end(), [](uint8_t b) { return b == 0xFF; });
}
}  // namespace

bool E1000::multicast_hash_hit(std::span<const uint8_t> d) const {
  // RCTL.MO picks which 12 bits of the address index the 4096-bit table (13.4.22).
  const unsigned mode = (reg(kRctl) >> kRctlMoShift) & 3;
  static constexpr unsigned kShift[4] = {4, 3, 2, 0};
  const uint32_t pair = uint32_t{d[4]} | uint32_t{d[5]} << 8;
  const uint32_t hash = (pair >> kShift[mode]) & 0xFFF;
  return (reg(kMta + (hash >> 5) * 4) >> (hash & 31)) & 1;
}

bool E1000::accepts(std::span<const uint8_t> frame) const {
  const uint32_t rctl = reg(kRctl);
  const size_t wire_bytes = frame.size() + kFcsBytes;
  if (wire_bytes > ((rctl & kRctlLpe) ? kMaxLongFrameBytes : kMaxFrameBytes + kVlanTagBytes)) {
    return false;
  }
  const std::span<const uint8_t> destination = frame.first(6);
  if (is_broadcast(destination)) return (rctl & (kRctlBam | kRctlMpe)) != 0;
  if (destination[0] & 1) return (rctl & kRctlMpe) != 0 || multicast_hash_hit(destination);
  if (rctl & kRctlUpe) return true;
  for (unsigned i = 0; i < kReceiveAddressCount; ++i) {
    const uint32_t low = reg(kRal0 + 8 * i);
    const uint32_t high = reg(kRah0 + 8 * i);
    if ((high & kRahAv) == 0) continue;
    const uint8_t address[6] = {static_cast<uint8_t>(low),       static_cast<uint8_t>(low >> 8),
                                static_cast<uint8_t>(low >> 16), static_cast<uint8_t>(low >> 24),
                                static_cast<uint8_t>(high),      static_cast<uint8_t>(high >> 8)};
    if (std::equal(destination.begin(), destination.end(), address)) return true;
  }
  return false;
}

bool E1000::receive(std::span<const uint8_t> frame) {
  if (frame.size() < 14 || (reg(kRctl) & kRctlEn) == 0 || !accepts(frame)) return false;
  // The frame as the MAC stores it: padded to the minimum, FCS appended unless stripped.
  std::vector<uint8_t> stored(frame.begin(), frame.end());
  if (stored.size() < kMinFrameBytes) stored.resize(kMinFrameBytes, 0);
  if ((reg(kRctl) & kRctlSecrc) == 0) {
    const uint32_t fcs = net::ethernet_crc32(stored);
    for (unsigned i = 0; i < 4; ++i) stored.push_back(static_cast<uint8_t>(fcs >> (8 * i)));
  }
  if (rx_fifo_bytes_ + stored.size() > kReceiveFifoBytes) {
    // No room left in the packet buffer: the frame is missed.
    add_statistic(kStatMpc, 1);
    add_statistic(kStatRnbc, 1);
    raise(kIntRxo);
    return false;
  }
  rx_fifo_bytes_ += stored.size();
  rx_fifo_.push_back(std::move(stored));
  drain_receive_fifo();
  return true;
}

uint32_t E1000::receive_buffer_bytes() const {
  const uint32_t rctl = reg(kRctl);
  const unsigned size_code = (rctl >> kRctlBsizeShift) & 3;
  if (rctl & kRctlBsex) {
    static constexpr uint32_t kExtended[4] = {2048, 16384, 8192, 4096};  // 00 reserved
    return kExtended[size_code];
  }
  static constexpr uint32_t kNormal[4] = {2048, 1024, 512, 256};
  return kNormal[size_code];
}

uint32_t E1000::free_receive_descriptors() const {
  const uint32_t size = receive_ring_size();
  const uint32_t head = reg(kRdh);
  const uint32_t tail = reg(kRdt);
  if (size == 0 || head >= size || tail >= size) return 0;
  return (tail + size - head) % size;
}

void E1000::drain_receive_fifo() {
  if ((reg(kRctl) & kRctlEn) == 0 || !bus_master_enabled()) return;
  const uint32_t buffer_bytes = receive_buffer_bytes();
  bool delivered = false;
  while (!rx_fifo_.empty()) {
    const std::vector<uint8_t>& frame = rx_fifo_.front();
    const uint32_t needed = static_cast<uint32_t>((frame.size() + buffer_bytes - 1) / buffer_bytes);
    if (free_receive_descriptors() < needed) break;
    if (!deliver(frame)) break;
    delivered = true;
    rx_fifo_bytes_ -= frame.size();
    rx_fifo_.pop_front();
  }
  if (!rx_fifo_.empty() && free_receive_descriptors() == 0) {
    // Frames wait for buffers: the driver is told it ran out (RNBC counts such events).
    add_statistic(kStatRnbc, 1);
  }
  if (!delivered) return;
  uint32_t causes = kIntRxt0;
  // RXDMT0 when the free descriptors fall to the RCTL.RDMTS fraction of the ring.
  const unsigned rdmts = (reg(kRctl) >> kRctlRdmtsShift) & 3;
  if (rdmts < 3 && free_receive_descriptors() <= receive_ring_size() >> (rdmts + 1)) {
    causes |= kIntRxdmt0;
  }
  raise(causes);
}

bool E1000::deliver(const std::vector<uint8_t>& frame) {
  const uint64_t base = uint64_t{reg(kRdbah)} << 32 | (reg(kRdbal) & ~0xFu);
  const uint32_t size = receive_ring_size();
  const uint32_t buffer_bytes = receive_buffer_bytes();
  size_t done = 0;
  while (done < frame.size()) {
    const uint32_t head = reg(kRdh);
    const uint64_t address = base + uint64_t{head} * kDescriptorBytes;
    std::array<uint8_t, kDescriptorBytes> descriptor{};
    if (!dma_.read(address, descriptor)) {
      master_abort("receive descriptor", address);
      return false;
    }
    uint64_t buffer = 0;
    for (unsigned i = 0; i < 8; ++i) buffer |= uint64_t{descriptor[i]} << (8 * i);
    const size_t n = std::min<size_t>(buffer_bytes, frame.size() - done);
    const bool last = done + n == frame.size();
    if (!dma_.write(buffer, std::span(frame).subspan(done, n))) {
      master_abort("receive buffer", buffer);
    }
    // Write-back (3.2.3): length, checksum (not computed: IXSM says ignore it), status.
    descriptor[8] = static_cast<uint8_t>(n);
    descriptor[9] = static_cast<uint8_t>(n >> 8);
    descriptor[10] = descriptor[11] = 0;
    descriptor[12] = static_cast<uint8_t>(kRxStatusDd | kRxStatusIxsm | (last ? kRxStatusEop : 0));
    descriptor[13] = 0;  // errors
    descriptor[14] = descriptor[15] = 0;
    if (!dma_.write(address + 8, std::span(descriptor).subspan(8, 8))) {
      master_abort("receive descriptor", address);
      return false;
    }
    reg(kRdh) = (head + 1) % size;
    done += n;
  }
  count_received(frame);
  return true;
}

void E1000::count_received(std::span<const uint8_t> frame) {
  // Octet counts include the FCS (13.7), which the stored frame has unless stripped.
  const uint64_t octets = frame.size() + ((reg(kRctl) & kRctlSecrc) ? kFcsBytes : 0);
  add_statistic(kStatTpr, 1);
  add_statistic(kStatGprc, 1);
  add_statistic64(kStatGorcl, octets);
  add_statistic64(kStatTorl, octets);
  if (is_broadcast(frame.first(6))) {
    add_statistic(kStatBprc, 1);
  } else if (frame[0] & 1) {
    add_statistic(kStatMprc, 1);
  }
}

}  // namespace trapeze
