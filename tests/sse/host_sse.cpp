#include "tests/sse/host_sse.h"

#include <cstring>
#include <stdexcept>

#if defined(__x86_64__) && defined(__linux__)
#include <sys/mman.h>
#include <ucontext.h>

#include <csetjmp>
#include <csignal>
#endif

namespace trapeze::ssetest {

#if defined(__x86_64__) && defined(__linux__)

namespace {
constexpr size_t kCodeBytes = 4096;
constexpr unsigned kFlagsAt = 512, kEaxAt = 520, kScratchAt = 524;

sigjmp_buf g_fault_jump;
RunResult* g_fault_result = nullptr;

// A fault in the instruction: keep the state the kernel saved (FXSAVE layout), then
// leave through the jump buffer.
void on_fault(int, siginfo_t*, void* context) {
  const auto* uc = static_cast<const ucontext_t*>(context);
  if (g_fault_result != nullptr) {
    std::memcpy(g_fault_result->image.bytes.data(), uc->uc_mcontext.fpregs, 512);
    g_fault_result->eflags = static_cast<uint32_t>(uc->uc_mcontext.gregs[REG_EFL]);
    g_fault_result->eax = static_cast<uint32_t>(uc->uc_mcontext.gregs[REG_RAX]);
    g_fault_result->fault = static_cast<int>(uc->uc_mcontext.gregs[REG_TRAPNO]);
  }
  siglongjmp(g_fault_jump, 1);
}
}  // namespace

bool HostSse::available() { return true; }

HostSse::HostSse() {
  void* p = mmap(nullptr, kCodeBytes, PROT_READ | PROT_WRITE | PROT_EXEC,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::runtime_error("no executable memory for the host runner");
  code_ = static_cast<uint8_t*>(p);
  struct sigaction sa {};
  sa.sa_sigaction = on_fault;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGFPE, SIGILL, SIGSEGV, SIGBUS}) sigaction(sig, &sa, nullptr);
}

HostSse::~HostSse() { munmap(code_, kCodeBytes); }

void HostSse::load(std::span<const uint8_t> instruction) {
  // void run(const void* image_in, void* out, void* memory, uint64_t eflags_eax)
  //   rdi = image in, rsi = out, rdx = memory operand, rcx = eflags | eax << 32
  uint8_t* p = code_;
  auto emit = [&](std::initializer_list<uint8_t> bytes) {
    for (uint8_t b : bytes) *p++ = b;
  };
  emit({0x0F, 0xAE, 0x0F});        // fxrstor [rdi]
  emit({0x48, 0x89, 0xC8});        // mov rax, rcx
  emit({0x48, 0xC1, 0xE8, 0x20});  // shr rax, 32
  emit({0x89, 0xC9});              // mov ecx, ecx
  emit({0x51});                    // push rcx
  emit({0x9D});                    // popfq
  for (uint8_t b : instruction) *p++ = b;
  emit({0x0F, 0xAE, 0x06});                    // fxsave [rsi]
  emit({0x9C});                                // pushfq
  emit({0x59});                                // pop rcx
  emit({0x48, 0x89, 0x8E, 0x00, 0x02, 0, 0});  // mov [rsi+512], rcx
  emit({0x89, 0x86, 0x08, 0x02, 0, 0});        // mov [rsi+520], eax
  // Back to the ABI's x87 and MXCSR state before returning to C++.
  emit({0xDB, 0xE3});                                      // fninit
  emit({0xC7, 0x86, 0x0C, 0x02, 0, 0, 0x80, 0x1F, 0, 0});  // mov dword [rsi+524], 1F80h
  emit({0x0F, 0xAE, 0x96, 0x0C, 0x02, 0, 0});              // ldmxcsr [rsi+524]
  emit({0xC3});                                            // ret
  static_assert(kScratchAt == 0x20C && kEaxAt == 0x208 && kFlagsAt == 0x200);
}

RunResult HostSse::run(const RunInput& in) {
  alignas(16) static uint8_t out[544];
  alignas(16) static uint8_t memory[kMemoryBytes];
  std::memset(out, 0, sizeof out);
  std::memcpy(memory, in.memory.data(), sizeof memory);
  using Fn = void (*)(const void*, void*, void*, uint64_t);
  const uint64_t packed = (uint64_t{in.eax} << 32) | (in.eflags & 0xFFFFFFFF);
  RunResult r;
  g_fault_result = &r;
  if (sigsetjmp(g_fault_jump, 1) == 0) {
    reinterpret_cast<Fn>(code_)(in.image.bytes.data(), out, memory, packed);
    std::memcpy(r.image.bytes.data(), out, 512);
    std::memcpy(&r.eflags, out + kFlagsAt, 4);
    std::memcpy(&r.eax, out + kEaxAt, 4);
  }
  g_fault_result = nullptr;
  std::memcpy(r.memory.data(), memory, sizeof memory);
  return r;
}

#else

bool HostSse::available() { return false; }
HostSse::HostSse() {}
HostSse::~HostSse() {}
void HostSse::load(std::span<const uint8_t>) {}
RunResult HostSse::run(const RunInput&) { return {}; }

#endif

}  // namespace trapeze::ssetest
