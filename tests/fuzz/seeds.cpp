// trapeze-fuzz-seeds DIR: writes the harnesses' seed corpus into DIR/cpu, DIR/devices and
// DIR/inputs. Generated rather than checked in: each seed is a small, valid example of
// what its harness reads (a scenario and code that reaches some feature, a device
// conversation that completes a transfer, a well-formed file), from which libFuzzer's
// mutations start deeper than they would from nothing.
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "tests/fuzz/cpu_scenario.h"
#include "tests/fuzz/device_ops.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/input_kind.h"
#include "tests/unit/kernel_images.h"

namespace trapeze::fuzz {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;

class SeedDir {
 public:
  explicit SeedDir(fs::path dir) : dir_(std::move(dir)) { fs::create_directories(dir_); }
  void write(const std::string& name, const Bytes& bytes) {
    std::ofstream(dir_ / name, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
    ++count_;
  }
  unsigned count() const { return count_; }

 private:
  fs::path dir_;
  unsigned count_ = 0;
};

// ---- CPU ----

struct Writer {
  FieldWriter& out;
  template <typename T>
  void operator()(T& field) {
    out.put(field);
  }
};

constexpr uint16_t kHandler = 0x100;

Bytes cpu_seed(CpuScenario s, const Bytes& code, uint8_t handler_byte) {
  s.handler = kHandler;
  FieldWriter out;
  Writer w{out};
  s.visit(w);
  Bytes body = code;
  if (body.size() < kHandler) body.resize(kHandler, 0x90);  // NOPs up to the handlers
  body.push_back(handler_byte);
  out.append(body);
  return out.bytes();
}

struct CodeSnippet {
  const char* name;
  Bytes bytes;
};

// 32-bit code (also run as 16-bit code: the bytes mean something else, which is fine).
std::vector<CodeSnippet> protected_snippets() {
  return {
      {"cpuid", {0xB8, 0x01, 0, 0, 0, 0x0F, 0xA2, 0xF4}},
      {"divide", {0x31, 0xC0, 0xF7, 0xF0}},
      {"int", {0xCD, 0x03, 0xCD, 0x80, 0xCE}},
      {"call-gate", {0x9A, 0, 0, 0, 0, 0x48, 0x00}},
      {"page-fault", {0xA1, 0x00, 0x00, 0x80, 0x00, 0xC7, 0x05, 0, 0, 0x70, 0, 1, 0, 0, 0}},
      {"task-switch", {0xEA, 0, 0, 0, 0, 0x50, 0x00}},
      {"rep-movs", {0xBE, 0, 0, 3, 0, 0xBF, 0, 0x10, 3, 0, 0xB9, 0, 4, 0, 0, 0xF3, 0xA5}},
      {"ports", {0x66, 0xBA, 0xF8, 0x03, 0xEC, 0xEE, 0xE4, 0x40, 0xE6, 0x80, 0x6C, 0x6D}},
      {"x87-sse",
       {0xD9, 0xEE, 0xD9, 0xE8, 0xDE, 0xF9, 0x0F, 0x28, 0xC1, 0x0F, 0x58, 0xC8, 0x66, 0x0F,
        0xFE, 0xC1, 0xB8, 0,    0,    3,    0,    0x0F, 0xAE, 0x00, 0x0F, 0xAE, 0x08}},
      {"apic",
       {0xA1, 0x20, 0x00, 0xE0, 0xFE, 0xC7, 0x05, 0x80, 0x03, 0xE0, 0xFE, 0,    1,    0,    0,
        0xC7, 0x05, 0x00, 0x00, 0xC0, 0xFE, 0x10, 0,    0,    0,    0xA1, 0x10, 0x00, 0xC0, 0xFE}},
      {"to-user",
       {0x6A, 0x33, 0x68, 0x00, 0xE0, 0x03, 0x00, 0x9C, 0x6A, 0x2B, 0x68, 0x00, 0x01, 0x02, 0x00,
        0xCF}},
      {"sysenter",
       {0xB9, 0x74, 0x01, 0, 0, 0xB8, 0x08, 0, 0, 0, 0x31, 0xD2, 0x0F, 0x30, 0x0F, 0x34}},
      {"ud2", {0x0F, 0x0B}},
      {"segments", {0x66, 0xB8, 0x60, 0x00, 0x8E, 0xD8, 0x66, 0xB8, 0x6B, 0x00,
                    0x8E, 0xC0, 0x8B, 0x00, 0x66, 0xB8, 0x44, 0x00, 0x8E, 0xE0}},
      {"descriptors", {0x66, 0xB8, 0x40, 0x00, 0x0F, 0x00, 0xD0, 0x0F, 0x02, 0xC0, 0x0F, 0x03, 0xC8,
                       0x0F, 0x00, 0xE0, 0x0F, 0x00, 0xE8, 0x0F, 0x01, 0x00, 0x0F, 0x00, 0xC8}},
      {"control", {0x0F, 0x20, 0xC0, 0x0F, 0x22, 0xC0, 0x0F, 0x20, 0xD8, 0x0F, 0x22, 0xD8,
                   0x0F, 0x01, 0x38, 0x0F, 0x20, 0xE0, 0x0F, 0x09, 0x0F, 0x23, 0xF8}},
      {"loop", {0x40, 0xEB, 0xFD}},
      {"self-modify", {0xC6, 0x05, 0x08, 0x00, 0x02, 0x00, 0x40, 0x90, 0x90, 0xEB, 0xF5}},
      {"string-io", {0xBF, 0, 0, 3, 0, 0xB9, 0, 1, 0, 0, 0x66, 0xBA, 0xF0, 0x01, 0xF3, 0x66, 0x6D}},
      {"bcd-bits", {0x27, 0x2F, 0x37, 0x3F, 0xD4, 0x0A, 0xD5, 0x0A, 0x0F, 0xBC, 0xC1, 0x0F,
                    0xA3, 0x08, 0x0F, 0xC8, 0x62, 0x00, 0xC8, 0x10, 0,    2,    0xC9}},
  };
}

std::vector<CodeSnippet> real_snippets() {
  return {
      {"text", {0xB8, 0x00, 0xB8, 0x8E, 0xC0, 0x26, 0xC7, 0x06, 0, 0, 0x41, 0x07, 0xF4}},
      {"bios-calls", {0xCD, 0x10, 0xCD, 0x13, 0x9C, 0x58, 0xCD, 0x16}},
      {"to-protected", {0x0F, 0x20, 0xC0, 0x0C, 0x01, 0x0F, 0x22, 0xC0, 0xEA, 0x10, 0x00,
                        0x18, 0x00, 0x90, 0x90, 0x90, 0xB8, 0x20, 0x00, 0x8E, 0xD8, 0xF4}},
      {"v86-sensitive", {0xFA, 0xFB, 0x9C, 0x9D, 0xEC, 0xCD, 0x21, 0xCF, 0xF4}},
      {"far", {0x9A, 0x00, 0x01, 0x00, 0x20, 0xEA, 0x00, 0x01, 0x00, 0x20}},
      {"a20", {0xE4, 0x92, 0x0C, 0x02, 0xE6, 0x92, 0xB0, 0xD1, 0xE6, 0x64, 0xB0, 0xDF, 0xE6, 0x60}},
  };
}

void cpu_seeds(SeedDir& dir) {
  for (const CodeSnippet& c : protected_snippets()) {
    const struct {
      CpuMode mode;
      Paging paging;
      const char* tag;
    } variants[] = {{CpuMode::kProtected32, Paging::kOff, "pm32"},
                    {CpuMode::kProtected32, Paging::k4KiB, "pm32-paging"},
                    {CpuMode::kUser32, Paging::kPae, "user-pae"},
                    {CpuMode::kProtected16, Paging::kPse, "pm16-pse"}};
    for (const auto& v : variants) {
      CpuScenario s;
      s.mode = static_cast<uint8_t>(v.mode);
      s.paging = static_cast<uint8_t>(v.paging);
      s.cr4_bits = 0xC0;  // OSFXSR, OSXMMEXCPT: SSE usable
      s.eflags = 0x202;
      s.gpr = {0x1000, 0x30000, 7, 0x30100, 0, 0x3F000, 0x30200, 0x30300};
      dir.write(std::string("cpu-") + v.tag + "-" + c.name, cpu_seed(s, c.bytes, 0xF4));
    }
  }
  for (const CodeSnippet& c : real_snippets()) {
    for (CpuMode mode : {CpuMode::kReal, CpuMode::kVirtual8086}) {
      CpuScenario s;
      s.mode = static_cast<uint8_t>(mode);
      s.paging = static_cast<uint8_t>(Paging::k4KiB);
      s.cr4_bits = mode == CpuMode::kVirtual8086 ? 0x03 : 0;  // VME, PVI
      s.eflags = 0x3202;
      s.real_selectors = {0x3000, 0x3000, 0x3000, 0xB800};
      dir.write(std::string(mode == CpuMode::kReal ? "cpu-real-" : "cpu-v86-") + c.name,
                cpu_seed(s, c.bytes, 0xCF));
    }
  }
  // Interrupts arriving during a loop, with debug registers watching the stack.
  CpuScenario s;
  s.mode = static_cast<uint8_t>(CpuMode::kProtected32);
  s.options = cpu_option::kPic | cpu_option::kDebugRegisters;
  s.eflags = 0x202;
  s.dr = {0x3EFFC, 0x20000, 0, 0};
  s.dr7 = 0x000D0003;
  dir.write("cpu-timer-interrupts", cpu_seed(s, {0x40, 0x50, 0x58, 0xEB, 0xFB}, 0xCF));
}

// ---- Devices ----

class Ops {
 public:
  Ops& out(uint16_t port, unsigned size, uint32_t value) {
    op(DeviceOp::kOut);
    port_fields(port);
    w_.u8(size_code(size)).u32(value);
    return *this;
  }
  Ops& in(uint16_t port, unsigned size) {
    op(DeviceOp::kIn);
    port_fields(port);
    w_.u8(size_code(size));
    return *this;
  }
  Ops& rep_in(uint16_t port, unsigned size, uint16_t count) {
    op(DeviceOp::kRepIn);
    port_fields(port);
    w_.u8(size_code(size)).u16(count);
    return *this;
  }
  Ops& rep_out(uint16_t port, unsigned size, uint16_t count, uint32_t value) {
    op(DeviceOp::kRepOut);
    port_fields(port);
    w_.u8(size_code(size)).u16(count).u32(value);
    return *this;
  }
  Ops& mmio_write(uint32_t address, unsigned size, uint32_t value) {
    op(DeviceOp::kMmioWrite);
    w_.u8(size_code(size));
    mmio_fields(address);
    w_.u32(value);
    return *this;
  }
  Ops& mmio_read(uint32_t address, unsigned size) {
    op(DeviceOp::kMmioRead);
    w_.u8(size_code(size));
    mmio_fields(address);
    return *this;
  }
  Ops& advance(uint16_t amount, uint8_t shift) {
    op(DeviceOp::kAdvance);
    w_.u16(amount).u8(shift);
    return *this;
  }
  Ops& ram(uint32_t address, const Bytes& bytes) {
    op(DeviceOp::kRamWrite);
    w_.u32(address).u8(static_cast<uint8_t>(bytes.size())).append(bytes);
    return *this;
  }
  Ops& simple(DeviceOp o) {
    op(o);
    return *this;
  }
  Ops& receive(const Bytes& frame) {
    op(DeviceOp::kReceive);
    w_.u8(static_cast<uint8_t>(frame.size())).append(frame);
    return *this;
  }
  Ops& pci(unsigned device, unsigned function, uint8_t reg, unsigned size, uint32_t value) {
    out(0xCF8, 4, 0x80000000u | (device << 11) | (function << 8) | (reg & 0xFC));
    return out(static_cast<uint16_t>(0xCFC + (reg & 3)), size, value);
  }
  const Bytes& bytes() const { return w_.bytes(); }

 private:
  void op(DeviceOp o) { w_.u8(static_cast<uint8_t>(o)); }
  static uint8_t size_code(unsigned size) { return size == 1 ? 0 : size == 2 ? 1 : 2; }
  void port_fields(uint16_t port) {
    for (size_t i = 0; i < kPortRanges.size(); ++i)
      if (port >= kPortRanges[i].base && port < kPortRanges[i].base + kPortRanges[i].count) {
        w_.u8(static_cast<uint8_t>(i)).u8(static_cast<uint8_t>(port - kPortRanges[i].base));
        return;
      }
    std::fprintf(stderr, "seed: port %#x is in no range\n", port);
    std::exit(1);
  }
  void mmio_fields(uint32_t address) {
    for (size_t i = 0; i < kMmioRanges.size(); ++i)
      if (address >= kMmioRanges[i].base && address - kMmioRanges[i].base < kMmioRanges[i].size) {
        w_.u8(static_cast<uint8_t>(i)).u32(address - kMmioRanges[i].base);
        return;
      }
    std::fprintf(stderr, "seed: address %#x is in no range\n", address);
    std::exit(1);
  }
  FieldWriter w_;
};

Bytes le32(uint32_t v) { return {uint8_t(v), uint8_t(v >> 8), uint8_t(v >> 16), uint8_t(v >> 24)}; }

void device_seeds(SeedDir& dir) {
  // IDE: READ SECTORS by PIO, then READ DMA through a PRD table at 0x10000.
  dir.write("ide-pio", Ops()
                           .out(0x1F6, 1, 0xE0)
                           .out(0x1F2, 1, 2)
                           .out(0x1F3, 1, 1)
                           .out(0x1F7, 1, 0x20)
                           .advance(1000, 4)
                           .rep_in(0x1F0, 2, 512)
                           .out(0x1F7, 1, 0x30)
                           .rep_out(0x1F0, 2, 256, 0x1234)
                           .advance(1000, 4)
                           .in(0x1F7, 1)
                           .out(0x1F7, 1, 0xEC)
                           .rep_in(0x1F0, 4, 128)
                           .bytes());
  Bytes prd = le32(0x20000);
  for (uint8_t b : le32(0x80000400)) prd.push_back(b);
  dir.write("ide-dma", Ops()
                           .ram(0x10000, prd)
                           .out(0xC044, 4, 0x10000)
                           .out(0x1F6, 1, 0xE0)
                           .out(0x1F2, 1, 2)
                           .out(0x1F7, 1, 0xC8)
                           .out(0xC040, 1, 0x09)
                           .advance(1000, 8)
                           .in(0xC042, 1)
                           .out(0xC040, 1, 0x00)
                           .out(0x1F7, 1, 0xCA)
                           .out(0xC040, 1, 0x01)
                           .advance(1000, 8)
                           .simple(DeviceOp::kAcknowledge)
                           .bytes());
  // ATAPI: PACKET with READ(10) of one block, and INQUIRY.
  Ops atapi;
  atapi.out(0x176, 1, 0xA0).out(0x174, 1, 0x00).out(0x175, 1, 0x08).out(0x177, 1, 0xA0);
  const uint16_t read10[6] = {0x0028, 0x0000, 0x0100, 0x0000, 0x0001, 0x0000};
  for (uint16_t w : read10) atapi.out(0x170, 2, w);
  atapi.advance(1000, 8).rep_in(0x170, 2, 1024).out(0x177, 1, 0xA0);
  const uint16_t inquiry[6] = {0x0012, 0x0000, 0x0024, 0x0000, 0x0000, 0x0000};
  for (uint16_t w : inquiry) atapi.out(0x170, 2, w);
  atapi.advance(1000, 8).rep_in(0x170, 2, 18).out(0x177, 1, 0xA1).rep_in(0x170, 2, 256);
  dir.write("atapi", atapi.bytes());
  // Timers and interrupt controllers: PIC init, PIT mode 2, RTC periodic, APIC timer.
  dir.write("timers", Ops()
                          .out(0x20, 1, 0x11)
                          .out(0x21, 1, 0x08)
                          .out(0x21, 1, 0x04)
                          .out(0x21, 1, 0x01)
                          .out(0x21, 1, 0x00)
                          .out(0xA0, 1, 0x11)
                          .out(0xA1, 1, 0x70)
                          .out(0xA1, 1, 0x02)
                          .out(0xA1, 1, 0x01)
                          .out(0xA1, 1, 0x00)
                          .out(0x43, 1, 0x34)
                          .out(0x40, 1, 0x00)
                          .out(0x40, 1, 0x10)
                          .out(0x70, 1, 0x0B)
                          .out(0x71, 1, 0x42)
                          .out(0x70, 1, 0x0A)
                          .out(0x71, 1, 0x26)
                          .mmio_write(0xFEE000F0, 4, 0x1FF)
                          .mmio_write(0xFEE003E0, 4, 0x0B)
                          .mmio_write(0xFEE00320, 4, 0x20030)
                          .mmio_write(0xFEE00380, 4, 1000)
                          .mmio_write(0xFEC00000, 4, 0x10)
                          .mmio_write(0xFEC00010, 4, 0x31)
                          .advance(1000, 10)
                          .simple(DeviceOp::kAcknowledge)
                          .out(0x20, 1, 0x20)
                          .in(0x20, 1)
                          .out(0x43, 1, 0xC2)
                          .in(0x40, 1)
                          .advance(1000, 12)
                          .simple(DeviceOp::kAcknowledge)
                          .mmio_write(0xFEE000B0, 4, 0)
                          .in(0x71, 1)
                          .in(0x61, 1)
                          .bytes());
  // UART in loopback with FIFOs, the keyboard controller's self test and a keyboard reset.
  dir.write("uart-8042", Ops()
                             .out(0x3FB, 1, 0x80)
                             .out(0x3F8, 1, 1)
                             .out(0x3FB, 1, 0x03)
                             .out(0x3FA, 1, 0xC7)
                             .out(0x3FC, 1, 0x1B)
                             .out(0x3F9, 1, 0x0F)
                             .rep_out(0x3F8, 1, 20, 'A')
                             .advance(1000, 10)
                             .rep_in(0x3F8, 1, 20)
                             .in(0x3FA, 1)
                             .in(0x3FD, 1)
                             .in(0x3FE, 1)
                             .simple(DeviceOp::kSerialIn)
                             .out(0x64, 1, 0xAA)
                             .in(0x60, 1)
                             .out(0x64, 1, 0x60)
                             .out(0x60, 1, 0x47)
                             .out(0x60, 1, 0xFF)
                             .advance(1000, 12)
                             .in(0x64, 1)
                             .in(0x60, 1)
                             .out(0x64, 1, 0xD4)
                             .out(0x60, 1, 0xF4)
                             .advance(1000, 10)
                             .in(0x60, 1)
                             .bytes());
  // VGA: a text mode screen, planar writes, then VBE 640x480x32 through DISPI and the LFB.
  dir.write("vga", Ops()
                       .out(0x3C2, 1, 0x67)
                       .out(0x3C4, 2, 0x0302)
                       .out(0x3CE, 2, 0x0E06)
                       .mmio_write(0xB8000, 2, 0x1F41)
                       .mmio_write(0xB8002, 2, 0x2F42)
                       .simple(DeviceOp::kRender)
                       .out(0x3C4, 2, 0x0F02)
                       .out(0x3CE, 2, 0x0506)
                       .out(0x3CE, 2, 0x0205)
                       .mmio_write(0xA0000, 1, 0xFF)
                       .mmio_read(0xA0000, 1)
                       .out(0x3D4, 2, 0x0E11)
                       .out(0x3D4, 2, 0x5F00)
                       .out(0x3C0, 1, 0x10)
                       .out(0x3C0, 1, 0x41)
                       .simple(DeviceOp::kRender)
                       .out(0x1CE, 2, 1)
                       .out(0x1CF, 2, 640)
                       .out(0x1CE, 2, 2)
                       .out(0x1CF, 2, 480)
                       .out(0x1CE, 2, 3)
                       .out(0x1CF, 2, 32)
                       .out(0x1CE, 2, 4)
                       .out(0x1CF, 2, 0x41)
                       .mmio_write(kLfbBase, 4, 0x00FF00FF)
                       .mmio_write(kLfbBase + 4 * 641, 4, 0xFFFFFF)
                       .simple(DeviceOp::kRender)
                       .out(0x1CE, 2, 3)
                       .out(0x1CF, 2, 8)
                       .out(0x3C8, 1, 0)
                       .out(0x3C9, 1, 63)
                       .simple(DeviceOp::kRender)
                       .bytes());
  // e1000: a transmit ring with one packet, and a receive ring that takes a frame.
  Bytes tx_desc = le32(0x30000);
  for (uint8_t b : le32(0)) tx_desc.push_back(b);
  for (uint8_t b : Bytes{60, 0, 0, 0x0B, 0, 0, 0, 0}) tx_desc.push_back(b);  // len, CMD EOP|IFCS|RS
  Bytes rx_desc = le32(0x32000);
  for (uint8_t b : Bytes{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}) rx_desc.push_back(b);
  Bytes frame(60, 0x5A);
  for (int i = 0; i < 6; ++i) frame[i] = 0xFF;
  const uint32_t e = kE1000MmioBase;
  dir.write("e1000", Ops()
                         .ram(0x20000, tx_desc)
                         .ram(0x30000, frame)
                         .mmio_write(e + 0x3800, 4, 0x20000)
                         .mmio_write(e + 0x3808, 4, 128)
                         .mmio_write(e + 0x0400, 4, 0x0002)  // TCTL.EN
                         .mmio_write(e + 0x00D0, 4, 0x9F)    // IMS
                         .mmio_write(e + 0x3818, 4, 1)
                         .advance(1000, 10)
                         .mmio_read(e + 0x00C0, 4)
                         .ram(0x21000, rx_desc)
                         .mmio_write(e + 0x2800, 4, 0x21000)
                         .mmio_write(e + 0x2808, 4, 128)
                         .mmio_write(e + 0x2818, 4, 4)
                         .mmio_write(e + 0x0100, 4, 0x801A)  // RCTL
                         .receive(frame)
                         .advance(1000, 10)
                         .mmio_read(e + 0x00C0, 4)
                         .out(kE1000IoBase, 4, 0x0008)
                         .in(kE1000IoBase + 4, 4)
                         .mmio_write(e + 0x0014, 4, 0x0001)
                         .advance(1000, 8)
                         .mmio_read(e + 0x0014, 4)
                         .bytes());
  // fw_cfg: the signature and the file directory; PCI: every function's identity.
  Ops config;
  config.out(0x510, 2, 0x0000).rep_in(0x511, 1, 4).out(0x510, 2, 0x0019).rep_in(0x511, 1, 200);
  for (unsigned device = 0; device < 4; ++device)
    for (unsigned fn = 0; fn < 4; ++fn) {
      config.out(0xCF8, 4, 0x80000000u | (device << 11) | (fn << 8)).in(0xCFC, 4);
      config.out(0xCF8, 4, 0x80000010u | (device << 11) | (fn << 8)).in(0xCFC, 4);
    }
  config.pci(2, 0, 0x10, 4, 0xFFFFFFFF).in(0xCFC, 4).pci(2, 0, 0x10, 4, 0xE0000000);
  config.pci(3, 0, 0x30, 4, 0xFFFFFFFF).in(0xCFC, 4).pci(3, 0, 0x30, 4, 0xFEB00001);
  dir.write("config", config.bytes());
  // DMA 8237 channel 2 programmed, power management: ACPI enable and a sleep request.
  dir.write("dma-pm", Ops()
                          .out(0x0C, 1, 0)
                          .out(0x04, 1, 0x00)
                          .out(0x04, 1, 0x10)
                          .out(0x81, 1, 0x02)
                          .out(0x05, 1, 0xFF)
                          .out(0x05, 1, 0x01)
                          .out(0x0B, 1, 0x46)
                          .out(0x0A, 1, 0x02)
                          .in(0x08, 1)
                          .out(kPmBase + 0x02, 2, 0x0121)
                          .in(kPmBase, 2)
                          .in(kPmBase + 8, 4)
                          .out(kPmBase + 0x04, 2, 0x2001)
                          .out(0x92, 1, 0x02)
                          .in(0x92, 1)
                          .bytes());
}

// ---- Inputs ----

Bytes with_kind(InputKind kind, const Bytes& body) {
  Bytes b{static_cast<uint8_t>(kind)};
  b.insert(b.end(), body.begin(), body.end());
  return b;
}

Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }

Bytes gzip(const Bytes& raw) {
  z_stream zs{};
  deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  Bytes out(deflateBound(&zs, static_cast<uLong>(raw.size())));
  zs.next_in = const_cast<Bytef*>(raw.data());
  zs.avail_in = static_cast<uInt>(raw.size());
  zs.next_out = out.data();
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

Bytes chunk(std::string_view tag, const Bytes& payload) {
  Bytes b = text(tag);
  for (uint8_t x : le32(static_cast<uint32_t>(payload.size()))) b.push_back(x);
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

Bytes moo_file() {
  Bytes regs{0xFF, 0x3F};  // all 14 registers
  for (unsigned i = 0; i < 14; ++i) regs.insert(regs.end(), {uint8_t(i * 16), 0});
  Bytes ram = le32(2);
  for (uint8_t x : le32(0x100)) ram.push_back(x);
  ram.push_back(0x40);  // inc ax
  for (uint8_t x : le32(0x101)) ram.push_back(x);
  ram.push_back(0xF4);
  Bytes state = chunk("REGS", regs);
  Bytes ram_chunk = chunk("RAM ", ram);
  state.insert(state.end(), ram_chunk.begin(), ram_chunk.end());
  Bytes test = le32(0);
  for (const Bytes& c :
       {chunk("NAME",
              [] {
                Bytes n = le32(6);
                for (char c : std::string_view("inc ax")) n.push_back(uint8_t(c));
                return n;
              }()),
        chunk("BYTS", Bytes{1, 0, 0, 0, 0x40}), chunk("INIT", state),
        chunk("FINA", chunk("REGS", Bytes{1, 0, 1, 0})), chunk("HASH", Bytes(20, 0xAB))})
    test.insert(test.end(), c.begin(), c.end());
  Bytes header{1, 0, 0, 0};
  for (uint8_t x : le32(1)) header.push_back(x);
  for (char c : std::string_view("8028")) header.push_back(uint8_t(c));
  Bytes file = text("MOO ");
  for (uint8_t x : le32(static_cast<uint32_t>(header.size()))) file.push_back(x);
  file.insert(file.end(), header.begin(), header.end());
  Bytes t = chunk("TEST", test);
  file.insert(file.end(), t.begin(), t.end());
  return file;
}

void input_seeds(SeedDir& dir) {
  // Disks: an MBR with a partition; a CD with a primary volume descriptor.
  Bytes mbr(1024, 0);
  mbr[0x1BE] = 0x80;
  mbr[0x1C2] = 0x83;
  mbr[0x1C6] = 1;
  mbr[0x1CA] = 1;
  mbr[0x1FE] = 0x55;
  mbr[0x1FF] = 0xAA;
  dir.write("disk-mbr", with_kind(InputKind::kDisk, mbr));
  dir.write("disk-odd-size", with_kind(InputKind::kDisk, Bytes(700, 0xF6)));
  Bytes iso(17 * 2048 + 2048, 0);
  const size_t pvd = 16 * 2048;
  iso[pvd] = 1;
  for (int i = 0; i < 5; ++i) iso[pvd + 1 + i] = static_cast<uint8_t>("CD001"[i]);
  iso[pvd + 6] = 1;
  test::put32(iso, pvd + 80, 18);     // volume space size in blocks (the LE half)
  test::put16(iso, pvd + 128, 2048);  // logical block size
  iso[pvd + 2048] = 0xFF;             // terminator
  for (int i = 0; i < 5; ++i) iso[pvd + 2048 + 1 + i] = static_cast<uint8_t>("CD001"[i]);
  dir.write("cdrom-iso", with_kind(InputKind::kCdrom, iso));

  // Kernels: a bzImage (with and without a command line), multiboot ELF and a.out kludge.
  test::BzImageFields bz;
  bz.setup_sects = 1;
  bz.kernel_bytes = 512;
  Bytes linux_kernel = test::bzimage(bz);
  dir.write("kernel-bzimage", with_kind(InputKind::kKernel, linux_kernel));
  Bytes with_cmdline = linux_kernel;
  for (char c : std::string_view("\0CMDLINE=console=ttyS0 vga=ask", 30))
    with_cmdline.push_back(uint8_t(c));
  dir.write("kernel-bzimage-cmdline", with_kind(InputKind::kKernel, with_cmdline));
  bz.protocol = 0x0201;
  dir.write("kernel-bzimage-old", with_kind(InputKind::kKernel, test::bzimage(bz)));
  test::ElfSegment segment;
  segment.paddr = segment.vaddr = 0x100000;
  segment.bytes = {0xF4, 0xEB, 0xFD};
  segment.memory_bytes = 0x2000;
  const Bytes elf = test::elf32(0x100000, {segment}, test::multiboot_header(0x3));
  dir.write("kernel-multiboot-elf", with_kind(InputKind::kKernel, elf));
  dir.write("elf", with_kind(InputKind::kElf, elf));
  test::AddressFields fields{0x100000, 0x100000, 0x100040, 0x101000, 0x100020};
  Bytes aout = test::multiboot_header(0x10003, &fields);
  aout.resize(0x40, 0xF4);
  dir.write("kernel-multiboot-aout", with_kind(InputKind::kKernel, aout));

  // ROMs: too short, a VGA BIOS header.
  dir.write("rom-vga", with_kind(InputKind::kRom, Bytes{0x55, 0xAA, 0x40, 0xEB, 0xFE}));

  // Command lines.
  for (std::string_view line :
       {std::string_view("--memory\0"
                         "64\0--hda\0disk.img\0--boot\0cd\0--snapshot",
                         44),
        std::string_view("--kernel\0vmlinuz\0--append\0console=ttyS0\0--initrd\0initrd.img", 58),
        std::string_view("--serial\0file:out.txt\0--debugcon\0stdio\0--timeout\0"
                         "2.5",
                         50),
        std::string_view("--net\0user,hostfwd=tcp::8080-:80\0--nic\0e1000\0--net-dump\0x.pcap", 62),
        std::string_view("--trace\0trace.txt\0--log\0cpu=debug,mmu=warn\0--max-instructions\0"
                         "1e6",
                         66),
        std::string_view("--help", 6)})
    dir.write("cli-" + std::to_string(dir.count()), with_kind(InputKind::kCommandLine, text(line)));

  // Single-step files: plain and gzip'd, and a metadata document.
  const Bytes moo = moo_file();
  dir.write("moo", with_kind(InputKind::kMoo, moo));
  dir.write("moo-gz", with_kind(InputKind::kMoo, gzip(moo)));
  dir.write(
      "json",
      with_kind(InputKind::kJson,
                text(R"({"opcodes": {"40": {"flags-mask": 65535, "reg": {"0": )"
                     R"({"status": "normal"}}}}, "list": [1, 2.5e3, -7, true, null, "\u00e9"]})")));

  // A GDB session's packets, and monitor commands.
  std::string session = "+";
  for (std::string_view packet :
       {"qSupported:multiprocess+", "?", "g", "m0,40", "M1000,4:90909090", "p8", "P0=78563412",
        "Z0,1000,1", "z0,1000,1", "Z2,2000,4", "qXfer:features:read:target.xml:0,fff", "qAttached",
        "Hg0", "qfThreadInfo"}) {
    const std::string p(packet);
    unsigned sum = 0;
    for (char c : p) sum += static_cast<uint8_t>(c);
    char checksum[3];
    std::snprintf(checksum, sizeof checksum, "%02x", sum & 0xFF);
    session += "$" + p + "#" + checksum + "+";
  }
  session += "\x03";
  dir.write("gdb", with_kind(InputKind::kGdb, text(session)));
  dir.write("monitor", with_kind(InputKind::kMonitor,
                                 text("help\nr\nx 0xfff0 32\nxp 0 16\ndisas 0xfffffff0 4\n"
                                      "translate 0x1000\nb 0x7c00\nwatch 0x400 4\nbreak-io 0x60\n"
                                      "breakpoints\ndelete all\ninfo pic\ninfo pit\ninfo apic\n"
                                      "info ide\ninfo devices\nhistory\nquit\n")));
}

}  // namespace
}  // namespace trapeze::fuzz

int main(int argc, char** argv) {
  using namespace trapeze::fuzz;
  if (argc != 2) {
    std::fprintf(stderr, "usage: trapeze-fuzz-seeds DIR\n");
    return 2;
  }
  const fs::path root = argv[1];
  SeedDir cpu(root / "cpu"), devices(root / "devices"), inputs(root / "inputs");
  cpu_seeds(cpu);
  device_seeds(devices);
  input_seeds(inputs);
  std::printf("seeds: %u cpu, %u devices, %u inputs in %s\n", cpu.count(), devices.count(),
              inputs.count(), argv[1]);
  return 0;
}
