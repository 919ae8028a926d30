// Register offsets and bits of the Intel 82540EM Gigabit Ethernet controller, as the
// PCI/PCI-X Family of Gigabit Ethernet Controllers Software Developer's Manual (8254x
// SDM, 317453) names them: chapter 13 (registers), 3.2-3.4 (descriptors), 5 (EEPROM)
// and 8 (PHY). Only what the device model uses; other registers are plain storage.
#pragma once

#include <cstdint>

namespace trapeze::e1000 {

// Register offsets within BAR0 (13.1, table 13-2).
inline constexpr uint32_t kCtrl = 0x0000;
inline constexpr uint32_t kStatus = 0x0008;
inline constexpr uint32_t kEecd = 0x0010;
inline constexpr uint32_t kEerd = 0x0014;
inline constexpr uint32_t kCtrlExt = 0x0018;
inline constexpr uint32_t kMdic = 0x0020;
inline constexpr uint32_t kIcr = 0x00C0;
inline constexpr uint32_t kItr = 0x00C4;
inline constexpr uint32_t kIcs = 0x00C8;
inline constexpr uint32_t kIms = 0x00D0;
inline constexpr uint32_t kImc = 0x00D8;
inline constexpr uint32_t kRctl = 0x0100;
inline constexpr uint32_t kTctl = 0x0400;
inline constexpr uint32_t kPba = 0x1000;
inline constexpr uint32_t kRdbal = 0x2800;
inline constexpr uint32_t kRdbah = 0x2804;
inline constexpr uint32_t kRdlen = 0x2808;
inline constexpr uint32_t kRdh = 0x2810;
inline constexpr uint32_t kRdt = 0x2818;
inline constexpr uint32_t kTdbal = 0x3800;
inline constexpr uint32_t kTdbah = 0x3804;
inline constexpr uint32_t kTdlen = 0x3808;
inline constexpr uint32_t kTdh = 0x3810;
inline constexpr uint32_t kTdt = 0x3818;
inline constexpr uint32_t kStatisticsFirst = 0x4000;  // 13.7: all clear on read
inline constexpr uint32_t kStatisticsLast = 0x40FC;
inline constexpr uint32_t kMta = 0x5200;   // 128 dwords of multicast hash bits
inline constexpr uint32_t kRal0 = 0x5400;  // 16 pairs RAL/RAH
inline constexpr uint32_t kRah0 = 0x5404;
inline constexpr unsigned kReceiveAddressCount = 16;
inline constexpr uint32_t kMmioBytes = 0x20000;  // BAR0: 128 KiB
inline constexpr uint32_t kIoBytes = 8;          // BAR1: IOADDR, IODATA

// Statistics (13.7), offsets within the block.
inline constexpr uint32_t kStatMpc = 0x4010;    // missed packets
inline constexpr uint32_t kStatGprc = 0x4074;   // good packets received
inline constexpr uint32_t kStatBprc = 0x4078;   // broadcast packets received
inline constexpr uint32_t kStatMprc = 0x407C;   // multicast packets received
inline constexpr uint32_t kStatGptc = 0x4080;   // good packets transmitted
inline constexpr uint32_t kStatGorcl = 0x4088;  // good octets received (64 bits)
inline constexpr uint32_t kStatGotcl = 0x4090;  // good octets transmitted (64 bits)
inline constexpr uint32_t kStatRnbc = 0x40A0;   // receive no buffers
inline constexpr uint32_t kStatTorl = 0x40C0;   // total octets received (64 bits)
inline constexpr uint32_t kStatTotl = 0x40C8;   // total octets transmitted (64 bits)
inline constexpr uint32_t kStatTpr = 0x40D0;    // total packets received
inline constexpr uint32_t kStatTpt = 0x40D4;    // total packets transmitted
inline constexpr uint32_t kStatMptc = 0x40F0;   // multicast packets transmitted
inline constexpr uint32_t kStatBptc = 0x40F4;   // broadcast packets transmitted

// CTRL (13.4.1).
inline constexpr uint32_t kCtrlFd = 1u << 0;
inline constexpr uint32_t kCtrlSlu = 1u << 6;
inline constexpr uint32_t kCtrlRst = 1u << 26;
inline constexpr uint32_t kCtrlPhyRst = 1u << 31;

// STATUS (13.4.2): full duplex, link up, 1000 Mb/s.
inline constexpr uint32_t kStatusFd = 1u << 0;
inline constexpr uint32_t kStatusLu = 1u << 1;
inline constexpr uint32_t kStatusSpeed1000 = 2u << 6;

// EECD (13.4.3).
inline constexpr uint32_t kEecdSk = 1u << 0;
inline constexpr uint32_t kEecdCs = 1u << 1;
inline constexpr uint32_t kEecdDi = 1u << 2;
inline constexpr uint32_t kEecdDo = 1u << 3;
inline constexpr uint32_t kEecdReq = 1u << 6;
inline constexpr uint32_t kEecdGnt = 1u << 7;
inline constexpr uint32_t kEecdPres = 1u << 8;

// EERD (13.4.4, the 82540's layout): start, done, address 15:8, data 31:16.
inline constexpr uint32_t kEerdStart = 1u << 0;
inline constexpr uint32_t kEerdDone = 1u << 4;

// MDIC (13.4.7).
inline constexpr uint32_t kMdicOpWrite = 1u << 26;
inline constexpr uint32_t kMdicOpRead = 2u << 26;
inline constexpr uint32_t kMdicReady = 1u << 28;
inline constexpr uint32_t kMdicInterrupt = 1u << 29;
inline constexpr uint32_t kMdicError = 1u << 30;

// Interrupt causes: ICR, ICS, IMS, IMC (13.4.17-21).
inline constexpr uint32_t kIntTxdw = 1u << 0;     // transmit descriptor written back
inline constexpr uint32_t kIntTxqe = 1u << 1;     // transmit queue empty
inline constexpr uint32_t kIntLsc = 1u << 2;      // link status change
inline constexpr uint32_t kIntRxdmt0 = 1u << 4;   // receive descriptors below threshold
inline constexpr uint32_t kIntRxo = 1u << 6;      // receiver overrun
inline constexpr uint32_t kIntRxt0 = 1u << 7;     // receiver timer (a frame arrived)
inline constexpr uint32_t kIntMdac = 1u << 9;     // MDI/O access complete
inline constexpr uint32_t kIntMask = 0x0001F6DF;  // the causes the 82540EM has

// RCTL (13.4.22).
inline constexpr uint32_t kRctlEn = 1u << 1;
inline constexpr uint32_t kRctlUpe = 1u << 3;  // unicast promiscuous
inline constexpr uint32_t kRctlMpe = 1u << 4;  // multicast promiscuous
inline constexpr uint32_t kRctlLpe = 1u << 5;  // long packets
inline constexpr unsigned kRctlRdmtsShift = 8;
inline constexpr unsigned kRctlMoShift = 12;
inline constexpr uint32_t kRctlBam = 1u << 15;  // broadcast accept
inline constexpr unsigned kRctlBsizeShift = 16;
inline constexpr uint32_t kRctlBsex = 1u << 25;
inline constexpr uint32_t kRctlSecrc = 1u << 26;  // strip the CRC

// RAH (13.4.63): address valid.
inline constexpr uint32_t kRahAv = 1u << 31;

// TCTL (13.4.33).
inline constexpr uint32_t kTctlEn = 1u << 1;

// Descriptors are 16 bytes (3.2.3, 3.3).
inline constexpr unsigned kDescriptorBytes = 16;

// Receive descriptor status and errors (3.2.3.1).
inline constexpr uint8_t kRxStatusDd = 0x01;
inline constexpr uint8_t kRxStatusEop = 0x02;
inline constexpr uint8_t kRxStatusIxsm = 0x04;  // ignore checksum indication

// Transmit descriptor command bits, legacy (3.3.3.1) and data (3.3.7.1), and TUCMD
// of the context descriptor (3.3.6.1).
inline constexpr uint8_t kTxCmdEop = 0x01;
inline constexpr uint8_t kTxCmdIfcs = 0x02;
inline constexpr uint8_t kTxCmdTse = 0x04;  // data/context: TCP segmentation
inline constexpr uint8_t kTxCmdRs = 0x08;   // report status: write DD back
inline constexpr uint8_t kTxCmdDext = 0x20;
inline constexpr uint8_t kTxCmdVle = 0x40;
inline constexpr uint8_t kTuCmdTcp = 0x01;  // TCP (else UDP)
inline constexpr uint8_t kTuCmdIp = 0x02;   // IPv4 (else IPv6)
inline constexpr uint8_t kTxStatusDd = 0x01;
inline constexpr uint8_t kTxDtypContext = 0x0;
inline constexpr uint8_t kTxDtypData = 0x1;
inline constexpr uint8_t kPoptsIxsm = 0x01;  // insert the IP checksum
inline constexpr uint8_t kPoptsTxsm = 0x02;  // insert the TCP/UDP checksum

}  // namespace trapeze::e1000
