// ATA task-file registers, bits and command codes, as T13 ATA/ATAPI-6 (1410D) names them;
// shared by the channel, the ATA disk and the ATAPI CD-ROM.
#pragma once

#include <cstdint>

namespace trapeze::ata {

// Command block registers: offsets from the channel's command base (0x1F0 / 0x170).
inline constexpr uint16_t kRegData = 0;
inline constexpr uint16_t kRegError = 1;        // read
inline constexpr uint16_t kRegFeatures = 1;     // write
inline constexpr uint16_t kRegSectorCount = 2;  // ATAPI: interrupt reason when read
inline constexpr uint16_t kRegLbaLow = 3;       // sector number
inline constexpr uint16_t kRegLbaMid = 4;       // cylinder low; ATAPI: byte count low
inline constexpr uint16_t kRegLbaHigh = 5;      // cylinder high; ATAPI: byte count high
inline constexpr uint16_t kRegDevice = 6;       // device/head
inline constexpr uint16_t kRegStatus = 7;       // read
inline constexpr uint16_t kRegCommand = 7;      // write
inline constexpr uint16_t kCommandRegisters = 8;
// Control block: one port, alternate status (read) / device control (write), at 0x3F6 /
// 0x376 (the channel's control base).

// Status register (ATA-6 7.15.6).
inline constexpr uint8_t kStatusErr = 0x01;
inline constexpr uint8_t kStatusDrq = 0x08;
inline constexpr uint8_t kStatusDsc = 0x10;   // seek complete (obsolete; drives still set it)
inline constexpr uint8_t kStatusDf = 0x20;    // device fault
inline constexpr uint8_t kStatusDrdy = 0x40;  // device ready
inline constexpr uint8_t kStatusBsy = 0x80;

// Error register (ATA-6 7.9.6). ATAPI puts the sense key in bits 7-4.
inline constexpr uint8_t kErrorAmnf = 0x01;  // also "diagnostic passed" after a reset
inline constexpr uint8_t kErrorAbrt = 0x04;
inline constexpr uint8_t kErrorIdnf = 0x10;  // address not found / out of range
inline constexpr uint8_t kErrorUnc = 0x40;   // uncorrectable data

// Device control register (ATA-6 7.8).
inline constexpr uint8_t kControlNien = 0x02;  // interrupts disabled
inline constexpr uint8_t kControlSrst = 0x04;  // software reset
inline constexpr uint8_t kControlHob = 0x80;   // read the previous ("high order") bytes

// Device register.
inline constexpr uint8_t kDeviceDev = 0x10;  // device 1 selected
inline constexpr uint8_t kDeviceLba = 0x40;

// ATAPI interrupt reason (sector count register, ATA-6 8.21).
inline constexpr uint8_t kReasonCod = 0x01;  // command (packet or completion), not data
inline constexpr uint8_t kReasonIo = 0x02;   // towards the host

// Commands (ATA-6 clause 8).
inline constexpr uint8_t kCmdNop = 0x00;
inline constexpr uint8_t kCmdDeviceReset = 0x08;
inline constexpr uint8_t kCmdRecalibrate = 0x10;  // 0x10-0x1F, obsolete
inline constexpr uint8_t kCmdReadSectors = 0x20;
inline constexpr uint8_t kCmdReadSectorsNoRetry = 0x21;
inline constexpr uint8_t kCmdReadSectorsExt = 0x24;
inline constexpr uint8_t kCmdReadDmaExt = 0x25;
inline constexpr uint8_t kCmdReadMultipleExt = 0x29;
inline constexpr uint8_t kCmdWriteSectors = 0x30;
inline constexpr uint8_t kCmdWriteSectorsNoRetry = 0x31;
inline constexpr uint8_t kCmdWriteSectorsExt = 0x34;
inline constexpr uint8_t kCmdWriteDmaExt = 0x35;
inline constexpr uint8_t kCmdWriteMultipleExt = 0x39;
inline constexpr uint8_t kCmdReadVerify = 0x40;
inline constexpr uint8_t kCmdReadVerifyNoRetry = 0x41;
inline constexpr uint8_t kCmdReadVerifyExt = 0x42;
inline constexpr uint8_t kCmdSeek = 0x70;  // 0x70-0x7F
inline constexpr uint8_t kCmdExecuteDiagnostic = 0x90;
inline constexpr uint8_t kCmdInitializeParameters = 0x91;
inline constexpr uint8_t kCmdStandbyImmediateOld = 0x94;  // ATA-1 codes of the power commands
inline constexpr uint8_t kCmdIdleImmediateOld = 0x95;
inline constexpr uint8_t kCmdStandbyOld = 0x96;
inline constexpr uint8_t kCmdIdleOld = 0x97;
inline constexpr uint8_t kCmdCheckPowerModeOld = 0x98;
inline constexpr uint8_t kCmdSleepOld = 0x99;
inline constexpr uint8_t kCmdPacket = 0xA0;
inline constexpr uint8_t kCmdIdentifyPacket = 0xA1;
inline constexpr uint8_t kCmdReadMultiple = 0xC4;
inline constexpr uint8_t kCmdWriteMultiple = 0xC5;
inline constexpr uint8_t kCmdSetMultiple = 0xC6;
inline constexpr uint8_t kCmdReadDma = 0xC8;
inline constexpr uint8_t kCmdReadDmaNoRetry = 0xC9;
inline constexpr uint8_t kCmdWriteDma = 0xCA;
inline constexpr uint8_t kCmdWriteDmaNoRetry = 0xCB;
inline constexpr uint8_t kCmdStandbyImmediate = 0xE0;
inline constexpr uint8_t kCmdIdleImmediate = 0xE1;
inline constexpr uint8_t kCmdStandby = 0xE2;
inline constexpr uint8_t kCmdIdle = 0xE3;
inline constexpr uint8_t kCmdCheckPowerMode = 0xE5;
inline constexpr uint8_t kCmdSleep = 0xE6;
inline constexpr uint8_t kCmdFlushCache = 0xE7;
inline constexpr uint8_t kCmdFlushCacheExt = 0xEA;
inline constexpr uint8_t kCmdIdentify = 0xEC;
inline constexpr uint8_t kCmdSetFeatures = 0xEF;

// SET FEATURES subcommands (features register).
inline constexpr uint8_t kFeatureEnableWriteCache = 0x02;
inline constexpr uint8_t kFeatureSetTransferMode = 0x03;
inline constexpr uint8_t kFeatureDisableLookAhead = 0x55;
inline constexpr uint8_t kFeatureDisableRevert = 0x66;
inline constexpr uint8_t kFeatureDisableWriteCache = 0x82;
inline constexpr uint8_t kFeatureEnableLookAhead = 0xAA;
inline constexpr uint8_t kFeatureEnableRevert = 0xCC;

// The signature a device leaves in the task file after a reset or diagnostic (ATA-6 9.12):
// sector count, LBA low, LBA mid, LBA high.
inline constexpr uint8_t kSignatureAtaMid = 0x00;
inline constexpr uint8_t kSignatureAtaHigh = 0x00;
inline constexpr uint8_t kSignatureAtapiMid = 0x14;
inline constexpr uint8_t kSignatureAtapiHigh = 0xEB;

}  // namespace trapeze::ata
