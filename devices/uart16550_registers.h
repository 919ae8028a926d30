// The 16550A's register offsets and bits, named as in the National Semiconductor
// PC16550D datasheet (and Linux's serial_reg.h), for the device and for tests that
// program it as a driver would.
#pragma once

#include <cstdint>

namespace trapeze::uart {

// Offsets from the base port. DLAB (LCR bit 7) turns offsets 0 and 1 into the divisor
// latch; offset 2 reads the IIR and writes the FCR.
inline constexpr uint16_t kRbr = 0;  // receiver buffer (read, DLAB=0)
inline constexpr uint16_t kThr = 0;  // transmitter holding (write, DLAB=0)
inline constexpr uint16_t kDll = 0;  // divisor latch low (DLAB=1)
inline constexpr uint16_t kIer = 1;  // interrupt enable (DLAB=0)
inline constexpr uint16_t kDlm = 1;  // divisor latch high (DLAB=1)
inline constexpr uint16_t kIir = 2;  // interrupt identification (read)
inline constexpr uint16_t kFcr = 2;  // FIFO control (write)
inline constexpr uint16_t kLcr = 3;  // line control
inline constexpr uint16_t kMcr = 4;  // modem control
inline constexpr uint16_t kLsr = 5;  // line status
inline constexpr uint16_t kMsr = 6;  // modem status
inline constexpr uint16_t kScr = 7;  // scratch
inline constexpr uint16_t kRegisterCount = 8;

// IER: which conditions may interrupt. Bits 4-7 do not exist on a 16550A and read 0.
inline constexpr uint8_t kIerRxData = 0x01;      // ERBFI: received data (and timeout)
inline constexpr uint8_t kIerThrEmpty = 0x02;    // ETBEI: transmitter holding register empty
inline constexpr uint8_t kIerLineStatus = 0x04;  // ELSI: overrun, parity, framing, break
inline constexpr uint8_t kIerModem = 0x08;       // EDSSI: modem status change
inline constexpr uint8_t kIerMask = 0x0F;

// IIR: bit 0 is "no interrupt pending"; bits 1-3 name the highest-priority source;
// bits 6-7 read 11 while the FIFOs are enabled.
inline constexpr uint8_t kIirNoInterrupt = 0x01;
inline constexpr uint8_t kIirLineStatus = 0x06;
inline constexpr uint8_t kIirRxData = 0x04;
inline constexpr uint8_t kIirRxTimeout = 0x0C;
inline constexpr uint8_t kIirThrEmpty = 0x02;
inline constexpr uint8_t kIirModem = 0x00;
inline constexpr uint8_t kIirFifoEnabled = 0xC0;

// FCR.
inline constexpr uint8_t kFcrEnable = 0x01;
inline constexpr uint8_t kFcrClearRx = 0x02;  // self-clearing
inline constexpr uint8_t kFcrClearTx = 0x04;  // self-clearing
inline constexpr uint8_t kFcrDmaMode = 0x08;
inline constexpr uint8_t kFcrTrigger1 = 0x00;  // RX trigger level, bits 6-7
inline constexpr uint8_t kFcrTrigger4 = 0x40;
inline constexpr uint8_t kFcrTrigger8 = 0x80;
inline constexpr uint8_t kFcrTrigger14 = 0xC0;

// LCR.
inline constexpr uint8_t kLcrWordLength = 0x03;  // 5 + value data bits
inline constexpr uint8_t kLcrStopBits = 0x04;    // 2 stop bits (1.5 with 5 data bits)
inline constexpr uint8_t kLcrParity = 0x08;
inline constexpr uint8_t kLcrBreak = 0x40;
inline constexpr uint8_t kLcrDlab = 0x80;

// MCR. Bits 5-7 do not exist on a 16550A and read 0.
inline constexpr uint8_t kMcrDtr = 0x01;
inline constexpr uint8_t kMcrRts = 0x02;
inline constexpr uint8_t kMcrOut1 = 0x04;
inline constexpr uint8_t kMcrOut2 = 0x08;  // on a PC: gates the IRQ line
inline constexpr uint8_t kMcrLoopback = 0x10;
inline constexpr uint8_t kMcrMask = 0x1F;

// LSR.
inline constexpr uint8_t kLsrDataReady = 0x01;
inline constexpr uint8_t kLsrOverrun = 0x02;
inline constexpr uint8_t kLsrParityError = 0x04;
inline constexpr uint8_t kLsrFramingError = 0x08;
inline constexpr uint8_t kLsrBreak = 0x10;
inline constexpr uint8_t kLsrThrEmpty = 0x20;          // THRE: THR (or TX FIFO) empty
inline constexpr uint8_t kLsrTransmitterEmpty = 0x40;  // TEMT: THR and shift register empty
inline constexpr uint8_t kLsrFifoError = 0x80;
inline constexpr uint8_t kLsrErrors = kLsrOverrun | kLsrParityError | kLsrFramingError | kLsrBreak;

// MSR: bits 0-3 record changes since the last read, bits 4-7 are the input levels.
inline constexpr uint8_t kMsrDeltaCts = 0x01;
inline constexpr uint8_t kMsrDeltaDsr = 0x02;
inline constexpr uint8_t kMsrTrailingRi = 0x04;  // RI went from on to off
inline constexpr uint8_t kMsrDeltaDcd = 0x08;
inline constexpr uint8_t kMsrCts = 0x10;
inline constexpr uint8_t kMsrDsr = 0x20;
inline constexpr uint8_t kMsrRi = 0x40;
inline constexpr uint8_t kMsrDcd = 0x80;
inline constexpr uint8_t kMsrInputs = 0xF0;

}  // namespace trapeze::uart
