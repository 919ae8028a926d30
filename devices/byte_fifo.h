// A fixed-capacity queue of bytes: a UART's receive and transmit FIFOs. A ring buffer,
// because the chip's FIFO is one (no allocation while the guest runs).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace trapeze {

template <size_t Capacity>
class ByteFifo {
 public:
  static constexpr size_t kCapacity = Capacity;

  bool empty() const { return size_ == 0; }
  bool full() const { return size_ == Capacity; }
  size_t size() const { return size_; }

  // Callers check full() / empty() first: what the chip does with a byte that does not
  // fit (overrun) or with a read of an empty FIFO is the device's decision, not the
  // queue's.
  void push(uint8_t byte) {
    bytes_[(head_ + size_) % Capacity] = byte;
    ++size_;
  }
  uint8_t pop() {
    const uint8_t byte = bytes_[head_];
    head_ = (head_ + 1) % Capacity;
    --size_;
    return byte;
  }
  uint8_t front() const { return bytes_[head_]; }
  void clear() { head_ = size_ = 0; }

 private:
  std::array<uint8_t, Capacity> bytes_{};
  size_t head_ = 0;
  size_t size_ = 0;
};

}  // namespace trapeze
