#include "tests/fpu/host_x87.h"

#include <cstring>
#include <stdexcept>

#if defined(__x86_64__)
#include <sys/mman.h>
#endif

namespace trapeze::x87test {

#if defined(__x86_64__)

namespace {
constexpr size_t kCodeBytes = 4096;
// Offsets of the results after the 108-byte image in the output buffer.
constexpr unsigned kFlagsAt = 112, kEaxAt = 120;
}  // namespace

bool HostX87::available() { return true; }

HostX87::HostX87() {
  void* p = mmap(nullptr, kCodeBytes, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::runtime_error("no executable memory for the host runner");
  code_ = static_cast<uint8_t*>(p);
}

HostX87::~HostX87() { munmap(code_, kCodeBytes); }

void HostX87::load(std::span<const uint8_t> instruction) {
  // void run(const void* image_in, void* out, void* memory, uint64_t eflags_eax)
  //   rdi = image in, rsi = out, rdx = memory operand, rcx = eflags | eax << 32
  uint8_t* p = code_;
  auto emit = [&](std::initializer_list<uint8_t> bytes) {
    for (uint8_t b : bytes) *p++ = b;
  };
  emit({0xDD, 0x27});              // frstor [rdi]
  emit({0x48, 0x89, 0xC8});        // mov rax, rcx
  emit({0x48, 0xC1, 0xE8, 0x20});  // shr rax, 32
  emit({0x89, 0xC9});              // mov ecx, ecx (clears the upper half)
  emit({0x51});                    // push rcx
  emit({0x9D});                    // popfq
  for (uint8_t b : instruction) *p++ = b;
  emit({0xDD, 0x36});              // fnsave [rsi]
  emit({0x9C});                    // pushfq
  emit({0x59});                    // pop rcx
  emit({0x48, 0x89, 0x4E, kFlagsAt});  // mov [rsi+112], rcx
  emit({0x89, 0x46, kEaxAt});          // mov [rsi+120], eax
  emit({0xC3});                        // ret
}

RunResult HostX87::run(const RunInput& in) {
  alignas(16) uint8_t out[128] = {};
  alignas(16) uint8_t memory[kMemoryBytes];
  std::memcpy(memory, in.memory.data(), sizeof memory);
  using Fn = void (*)(const void*, void*, void*, uint64_t);
  const uint64_t packed = (uint64_t{in.eax} << 32) | (in.eflags & 0xFFFFFFFF);
  reinterpret_cast<Fn>(code_)(in.image.bytes.data(), out, memory, packed);
  RunResult r;
  std::memcpy(r.image.bytes.data(), out, r.image.bytes.size());
  std::memcpy(&r.eflags, out + kFlagsAt, 4);
  std::memcpy(&r.eax, out + kEaxAt, 4);
  std::memcpy(r.memory.data(), memory, sizeof memory);
  return r;
}

#else

bool HostX87::available() { return false; }
HostX87::HostX87() {}
HostX87::~HostX87() {}
void HostX87::load(std::span<const uint8_t>) {}
RunResult HostX87::run(const RunInput&) { return {}; }

#endif

}  // namespace trapeze::x87test
