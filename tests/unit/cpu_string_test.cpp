// REP MOVS and REP STOS: the page-at-a-time fast path (cpu/exec_string.cpp) must leave
// memory and registers exactly as the element-by-element definition does (SDM vol. 2,
// MOVS/STOS), across pages, address-size wrap-around, overlap and stores into code.
#include <doctest/doctest.h>

#include "cpu_harness.h"

using namespace trapeze;
using trapeze::test::CpuHarness;

TEST_CASE("REP MOVSB onto its own source two bytes ahead repeats the pattern across pages") {
  CpuHarness h;
  h.ram.bytes()[0x2000] = 'A';
  h.ram.bytes()[0x2001] = 'B';
  h.load({0xBE, 0x00, 0x20,  // mov si, 2000h
          0xBF, 0x02, 0x20,  // mov di, 2002h
          0xB9, 0x00, 0x10,  // mov cx, 1000h
          0xF3, 0xA4,        // rep movsb
          0xF4});
  h.run();
  bool pattern = true;
  for (uint32_t k = 0; k < 0x1002; ++k)
    pattern = pattern && h.ram.bytes()[0x2000 + k] == (k % 2 == 0 ? 'A' : 'B');
  CHECK(pattern);
  CHECK(h.ram.bytes()[0x3002] == 0);
  CHECK(h.cpu.reg16(kRsi) == 0x3000);
  CHECK(h.cpu.reg16(kRdi) == 0x3002);
  CHECK(h.cpu.reg16(kRcx) == 0);
}

TEST_CASE("REP MOVSD copies across differently aligned page boundaries") {
  CpuHarness h;
  for (uint32_t k = 0; k < 0x1800; ++k) h.ram.bytes()[0x4FF0 + k] = static_cast<uint8_t>(k * 7 + 3);
  h.load({0xBE, 0xF0, 0x4F,  // mov si, 4FF0h
          0xBF, 0x04, 0xA0,  // mov di, A004h
          0xB9, 0x00, 0x06,  // mov cx, 600h
          0xF3, 0x66, 0xA5,  // rep movsd
          0xF4});
  h.run();
  bool same = true;
  for (uint32_t k = 0; k < 0x1800; ++k)
    same = same && h.ram.bytes()[0xA004 + k] == static_cast<uint8_t>(k * 7 + 3);
  CHECK(same);
  CHECK(h.ram.bytes()[0xA003] == 0);
  CHECK(h.ram.bytes()[0xB804] == 0);
  CHECK(h.cpu.reg16(kRsi) == 0x67F0);
  CHECK(h.cpu.reg16(kRdi) == 0xB804);
  CHECK(h.cpu.reg16(kRcx) == 0);
}

TEST_CASE("REP STOSW wraps DI at 64 KiB with 16-bit addressing") {
  CpuHarness h;
  h.load({0xB8, 0x34, 0x12,  // mov ax, 1234h
          0xBF, 0xF0, 0xFF,  // mov di, FFF0h
          0xB9, 0x10, 0x00,  // mov cx, 10h
          0xF3, 0xAB,        // rep stosw
          0xF4});
  h.run();
  CHECK(h.word_at(0xFFF0) == 0x1234);
  CHECK(h.word_at(0xFFFE) == 0x1234);
  CHECK(h.word_at(0x0000) == 0x1234);
  CHECK(h.word_at(0x000E) == 0x1234);
  CHECK(h.word_at(0x0010) == 0);
  CHECK(h.word_at(0x10000) == 0);
  CHECK(h.cpu.reg16(kRdi) == 0x0010);
  CHECK(h.cpu.reg16(kRcx) == 0);
}

TEST_CASE("REP MOVSB backwards (DF = 1) over an overlapping buffer") {
  CpuHarness h;
  for (uint8_t k = 0; k < 4; ++k) h.ram.bytes()[0x2000 + k] = static_cast<uint8_t>(k + 1);
  h.load({0xFD,              // std
          0xBE, 0x03, 0x20,  // mov si, 2003h
          0xBF, 0x04, 0x20,  // mov di, 2004h
          0xB9, 0x04, 0x00,  // mov cx, 4
          0xF3, 0xA4,        // rep movsb
          0xF4});
  h.run();
  const uint8_t expected[] = {1, 1, 2, 3, 4};
  for (unsigned k = 0; k < 5; ++k) CHECK(h.ram.bytes()[0x2000 + k] == expected[k]);
  CHECK(h.cpu.reg16(kRsi) == 0x1FFF);
  CHECK(h.cpu.reg16(kRdi) == 0x2000);
}

TEST_CASE("REP MOVSB over decoded code makes the CPU run the new instructions") {
  CpuHarness h;
  h.load({0xB8, 0x22, 0x22}, 0x3000);  // the replacement: mov ax, 2222h
  h.load({0xE8, 0x1D, 0x00,            // call 1020h (decodes the routine)
          0xBE, 0x00, 0x30,            // mov si, 3000h
          0xBF, 0x20, 0x10,            // mov di, 1020h
          0xB9, 0x03, 0x00,            // mov cx, 3
          0xF3, 0xA4,                  // rep movsb
          0xE8, 0x0F, 0x00,            // call 1020h
          0xF4});
  h.load({0xB8, 0x11, 0x11,  // 1020: mov ax, 1111h
          0xC3},             // ret
         0x1020);
  h.run();
  CHECK(h.cpu.reg16(kRax) == 0x2222);
}

TEST_CASE("REP MOVSB backwards (DF = 1) onto its own source two bytes below repeats the pattern") {
  CpuHarness h;
  h.ram.bytes()[0x2FFE] = 'A';
  h.ram.bytes()[0x2FFF] = 'B';
  h.load({0xFD,              // std
          0xBE, 0xFF, 0x2F,  // mov si, 2FFFh
          0xBF, 0xFD, 0x2F,  // mov di, 2FFDh
          0xB9, 0x00, 0x10,  // mov cx, 1000h
          0xF3, 0xA4,        // rep movsb
          0xF4});
  h.run();
  // Each byte is read after the one two above it was written: A B repeats downwards,
  // across the page boundary at 2000h.
  bool pattern = true;
  for (uint32_t k = 0; k < 0x1002; ++k)
    pattern = pattern && h.ram.bytes()[0x2FFF - k] == (k % 2 == 0 ? 'B' : 'A');
  CHECK(pattern);
  CHECK(h.ram.bytes()[0x1FFC] == 0);
  CHECK(h.cpu.reg16(kRsi) == 0x1FFF);
  CHECK(h.cpu.reg16(kRdi) == 0x1FFD);
  CHECK(h.cpu.reg16(kRcx) == 0);
}

TEST_CASE("REP MOVSD backwards (DF = 1) copies across differently aligned page boundaries") {
  CpuHarness h;
  for (uint32_t k = 0; k < 0x1800; ++k) h.ram.bytes()[0x4FF0 + k] = static_cast<uint8_t>(k * 7 + 3);
  h.load({0xFD,              // std
          0xBE, 0xEC, 0x67,  // mov si, 67ECh (the last dword of 4FF0h..67EFh)
          0xBF, 0x00, 0xB8,  // mov di, B800h
          0xB9, 0x00, 0x06,  // mov cx, 600h
          0xF3, 0x66, 0xA5,  // rep movsd
          0xF4});
  h.run();
  bool same = true;
  for (uint32_t k = 0; k < 0x1800; ++k)
    same = same && h.ram.bytes()[0xA004 + k] == static_cast<uint8_t>(k * 7 + 3);
  CHECK(same);
  CHECK(h.ram.bytes()[0xA003] == 0);
  CHECK(h.ram.bytes()[0xB804] == 0);
  CHECK(h.cpu.reg16(kRsi) == 0x4FEC);
  CHECK(h.cpu.reg16(kRdi) == 0xA000);
  CHECK(h.cpu.reg16(kRcx) == 0);
}

TEST_CASE("REP STOSW backwards (DF = 1) wraps DI below 0 with 16-bit addressing") {
  CpuHarness h;
  h.load({0xFD,              // std
          0xB8, 0x34, 0x12,  // mov ax, 1234h
          0xBF, 0x0E, 0x00,  // mov di, 000Eh
          0xB9, 0x10, 0x00,  // mov cx, 10h
          0xF3, 0xAB,        // rep stosw
          0xF4});
  h.run();
  CHECK(h.word_at(0x000E) == 0x1234);
  CHECK(h.word_at(0x0000) == 0x1234);
  CHECK(h.word_at(0xFFFE) == 0x1234);
  CHECK(h.word_at(0xFFF0) == 0x1234);
  CHECK(h.word_at(0xFFEE) == 0);
  CHECK(h.word_at(0x0010) == 0);
  CHECK(h.cpu.reg16(kRdi) == 0xFFEE);
  CHECK(h.cpu.reg16(kRcx) == 0);
}
