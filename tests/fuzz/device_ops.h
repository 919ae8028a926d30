// The device harness's input: a sequence of operations, each an opcode byte and its
// fields. Ports and MMIO addresses are mostly chosen from tables of the board's devices
// (an index byte and an offset), so mutations land on registers that exist; a raw port
// or address is one opcode away. Shared by the harness and the seed generator.
#pragma once

#include <array>
#include <cstdint>

namespace trapeze::fuzz {

enum class DeviceOp : uint8_t {
  kOut,          // port, size, value
  kIn,           // port, size
  kMmioWrite,    // region, offset, size, value
  kMmioRead,     // region, offset, size
  kAdvance,      // u16 amount, u8 shift: virtual nanoseconds = amount << (shift % 24)
  kRamWrite,     // u32 address (modulo RAM), u8 length, bytes
  kRepIn,        // port, size, u16 count: a REP INS without the memory side
  kRepOut,       // port, size, u16 count, u32 value
  kAcknowledge,  // the CPU's interrupt-acknowledge cycle, if an interrupt is pending
  kRender,       // the display's frame and text screen, as the window would read them
  kReceive,      // u8 length, bytes: a frame from the network for the e1000
  kRawOut,       // u16 port, size, value (any port)
  kRawMmio,      // u32 address, size, value, u8 write?
  kSerialIn,     // u8 byte typed on COM1
};
inline constexpr unsigned kDeviceOpCount = 14;

struct PortRange {
  uint16_t base;
  uint16_t count;
};

// Where the board's devices answer, with the BARs the harness programs at start-up (as
// the firmware would): IDE bus master at 0xC040, e1000 I/O at 0xC000, PM at 0xB000.
inline constexpr uint16_t kE1000IoBase = 0xC000;
inline constexpr uint16_t kIdeBusMasterBase = 0xC040;
inline constexpr uint16_t kPmBase = 0xB000;
inline constexpr std::array<PortRange, 27> kPortRanges{{
    {0x00, 0x10},
    {0x80, 0x10},
    {0xC0, 0x20},  // DMA 8237s and page registers
    {0x20, 2},
    {0xA0, 2},
    {0x4D0, 2},  // PICs, ELCR
    {0x40, 4},
    {0x61, 1},  // PIT, port B
    {0x70, 2},  // RTC
    {0x60, 1},
    {0x64, 1},  // i8042
    {0x3F8, 8},
    {0x2F8, 8},  // UARTs
    {0x3B0, 0x30},
    {0x1CE, 2},  // VGA, VBE DISPI
    {0x1F0, 8},
    {0x3F6, 1},
    {0x170, 8},
    {0x376, 1},               // IDE
    {kIdeBusMasterBase, 16},  // IDE bus master
    {0xCF8, 8},               // PCI configuration
    {0x510, 2},               // fw_cfg
    {kPmBase, 64},            // PIIX4 power management
    {kE1000IoBase, 8},        // e1000 I/O window
    {0x92, 1},
    {0xF0, 1},  // port 0x92, FPU error latch
    {0xE9, 1},  // debug console
}};

struct MmioRange {
  uint32_t base;
  uint32_t size;
};

inline constexpr uint32_t kLfbBase = 0xFD000000;
inline constexpr uint32_t kE1000MmioBase = 0xFEBC0000;
inline constexpr std::array<MmioRange, 6> kMmioRanges{{
    {0xFEE00000, 0x1000},       // local APIC
    {0xFEC00000, 0x20},         // I/O APIC
    {0xA0000, 0x20000},         // VGA legacy window
    {kLfbBase, 0x1000000},      // VGA linear framebuffer
    {kE1000MmioBase, 0x20000},  // e1000 registers
    {0xFFFF0000, 0x10000},      // the firmware ROM
}};

}  // namespace trapeze::fuzz
