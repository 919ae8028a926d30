// The keyboard controller's registers and commands: Intel 8042 (UPI-42) running IBM's
// keyboard-controller firmware, in its PS/2 (MCA-compatible) form (IBM PS/2 Hardware
// Interface Technical Reference, "Keyboard/Auxiliary Device Controller"). Names follow
// the reference and Linux's drivers/input/serio/i8042.h.
#pragma once

#include <cstdint>

namespace trapeze::i8042 {

// Status register (read from port 0x64).
inline constexpr uint8_t kStatusOutputFull = 0x01;  // OBF: a byte waits at port 0x60
inline constexpr uint8_t kStatusInputFull = 0x02;   // IBF: the controller has not taken a write
inline constexpr uint8_t kStatusSystem = 0x04;      // SYS: command byte bit 2 (set by AA)
inline constexpr uint8_t kStatusCommand = 0x08;     // A2: the last write went to port 0x64
inline constexpr uint8_t kStatusUnlocked = 0x10;    // INH: keylock switch off (not inhibited)
inline constexpr uint8_t kStatusAuxData = 0x20;     // the output byte came from the aux port
inline constexpr uint8_t kStatusTimeout = 0x40;     // the device did not answer
inline constexpr uint8_t kStatusParity = 0x80;      // parity error on the last byte

// Command byte (controller RAM byte 0; commands 0x20 / 0x60 read and write it).
inline constexpr uint8_t kCtrKbdInt = 0x01;      // IRQ1 when a keyboard byte is in the buffer
inline constexpr uint8_t kCtrAuxInt = 0x02;      // IRQ12 when an aux byte is in the buffer
inline constexpr uint8_t kCtrSystem = 0x04;      // the system flag, copied to status bit 2
inline constexpr uint8_t kCtrIgnoreLock = 0x08;  // AT: override the keylock (unused in PS/2)
inline constexpr uint8_t kCtrKbdDisable = 0x10;  // keyboard clock held low
inline constexpr uint8_t kCtrAuxDisable = 0x20;  // aux clock held low
inline constexpr uint8_t kCtrTranslate = 0x40;   // translate keyboard set 2 to set 1

// Output port (commands 0xD0 / 0xD1): the controller's P2 pins.
inline constexpr uint8_t kOutReset = 0x01;  // low resets the CPU
inline constexpr uint8_t kOutA20 = 0x02;    // the A20 gate
inline constexpr uint8_t kOutAuxClock = 0x04;
inline constexpr uint8_t kOutAuxData = 0x08;
inline constexpr uint8_t kOutKbdIrq = 0x10;  // IRQ1 pin: keyboard byte in the buffer
inline constexpr uint8_t kOutAuxIrq = 0x20;  // IRQ12 pin: aux byte in the buffer
inline constexpr uint8_t kOutKbdClock = 0x40;
inline constexpr uint8_t kOutKbdData = 0x80;

// Controller commands (written to port 0x64).
inline constexpr uint8_t kCmdReadRam = 0x20;   // 0x20-0x3F: read RAM byte (0x20: command byte)
inline constexpr uint8_t kCmdWriteRam = 0x60;  // 0x60-0x7F: write RAM byte (0x60: command byte)
inline constexpr uint8_t kCmdPasswordTest = 0xA4;
inline constexpr uint8_t kCmdPasswordLoad = 0xA5;
inline constexpr uint8_t kCmdPasswordEnable = 0xA6;
inline constexpr uint8_t kCmdAuxDisable = 0xA7;
inline constexpr uint8_t kCmdAuxEnable = 0xA8;
inline constexpr uint8_t kCmdAuxTest = 0xA9;
inline constexpr uint8_t kCmdSelfTest = 0xAA;
inline constexpr uint8_t kCmdKbdTest = 0xAB;
inline constexpr uint8_t kCmdDiagnosticDump = 0xAC;
inline constexpr uint8_t kCmdKbdDisable = 0xAD;
inline constexpr uint8_t kCmdKbdEnable = 0xAE;
inline constexpr uint8_t kCmdReadInputPort = 0xC0;
inline constexpr uint8_t kCmdPollInputLow = 0xC1;
inline constexpr uint8_t kCmdPollInputHigh = 0xC2;
inline constexpr uint8_t kCmdReadOutputPort = 0xD0;
inline constexpr uint8_t kCmdWriteOutputPort = 0xD1;
inline constexpr uint8_t kCmdWriteKbdOutput =
    0xD2;  // the next data byte appears as from the keyboard
inline constexpr uint8_t kCmdWriteAuxOutput = 0xD3;  // ... as from the aux device (loopback)
inline constexpr uint8_t kCmdWriteAux = 0xD4;        // the next data byte goes to the aux device
inline constexpr uint8_t kCmdDisableA20 = 0xDD;      // HP Vectra extension, widely copied
inline constexpr uint8_t kCmdEnableA20 = 0xDF;
inline constexpr uint8_t kCmdReadTestInputs = 0xE0;
inline constexpr uint8_t kCmdPulseOutput = 0xF0;  // 0xF0-0xFF: pulse P20-P23 where bits 0-3 are 0
inline constexpr uint8_t kCmdPulseReset = 0xFE;   // the usual reboot: pulse P20 only

// Replies.
inline constexpr uint8_t kSelfTestPassed = 0x55;
inline constexpr uint8_t kInterfaceTestPassed = 0x00;
inline constexpr uint8_t kNoPasswordInstalled = 0xF1;
inline constexpr uint8_t kDeviceTimeout = 0xFE;  // in the buffer when a port has no device

}  // namespace trapeze::i8042
