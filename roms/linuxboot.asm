; trapeze's Linux boot option ROM (nasm -f bin), the firmware half of `--kernel bzImage`.
;
; The machine publishes a bzImage through fw_cfg (bios/linux_boot.h): the real-mode setup
; code with its header already patched, the protected-mode kernel, the initrd and the
; command line, each as an address, a size and the data. SeaBIOS deploys this ROM from
; fw_cfg's genroms/ directory during POST and, because the bootorder file names it first,
; calls its boot entry vector (BEV) where it would otherwise boot a disk. The BEV copies
; every part to its address and starts the setup code the way the 16-bit boot protocol
; says (Documentation/arch/x86/boot.rst, "Running the kernel"): interrupts off, DS = ES =
; FS = GS = SS = the setup segment, the stack below the command line, a far jump to the
; setup segment + 0x20, offset 0.
;
; Reaching the kernel at 1 MiB from real mode: the ROM loads ES with a flat 4 GiB
; descriptor in protected mode and returns to real mode at once ("unreal mode": the
; descriptor cache keeps the limit), then copies with 32-bit addresses (`a32 rep insb`).
; fw_cfg is read through its I/O ports only (selector 0x510, data 0x511); trapeze has no
; fw_cfg DMA.
;
; If fw_cfg is missing or publishes no kernel, the BEV says so and returns, and SeaBIOS
; tries its next boot device.
;
; The layout is that of a PnP option ROM (PnP BIOS specification 1.0a, section 3): the
; 0x55AA signature, the length in 512-byte blocks, an initialisation entry at offset 3,
; and at the offset in word 0x1A a "$PnP" expansion header with the BEV. The build
; (roms/embed_option_rom.cpp) fills in the PnP header's checksum and the ROM's last byte.
bits 16
cpu 386
org 0

FW_CFG_SELECTOR equ 0x510
FW_CFG_DATA     equ 0x511
; fw_cfg keys (QEMU's include/standard-headers/linux/qemu_fw_cfg.h; devices/fw_cfg.h).
KEY_SIGNATURE    equ 0x00
KEY_KERNEL_ADDR  equ 0x07
KEY_KERNEL_SIZE  equ 0x08
KEY_INITRD_ADDR  equ 0x0A
KEY_INITRD_SIZE  equ 0x0B
KEY_KERNEL_DATA  equ 0x11
KEY_INITRD_DATA  equ 0x12
KEY_CMDLINE_ADDR equ 0x13
KEY_CMDLINE_SIZE equ 0x14
KEY_CMDLINE_DATA equ 0x15
KEY_SETUP_ADDR   equ 0x16
KEY_SETUP_SIZE   equ 0x17
KEY_SETUP_DATA   equ 0x18

FIRMWARE_LOG_PORT equ 0x402  ; SeaBIOS's debug log (--firmware-log)
PORT_A20          equ 0x92   ; "fast A20": bit 1 opens the gate, bit 0 resets the CPU
FLAT_DATA         equ gdt_flat_data - gdt

; --- Option ROM header -------------------------------------------------------------------
rom_start:
  dw 0xAA55
  db rom_blocks                  ; length in 512-byte blocks
init:                            ; offset 3: called once during POST; nothing to set up
  retf
  times 0x1A - ($ - $$) db 0
  dw pnp_header                  ; 0x1A: the PnP expansion header (0x18, PCI data: none)

align 16
pnp_header:
  db '$PnP'
  db 1                           ; structure revision
  db (pnp_header_end - pnp_header) / 16  ; length in 16-byte units
  dw 0                           ; next header: none
  db 0                           ; reserved
  db 0                           ; checksum (set by the build)
  dd 0                           ; device identifier
  dw manufacturer                ; strings, offsets in the ROM
  dw product
  db 0, 0, 0                     ; device type code: none in particular
  db 0                           ; device indicators
  dw 0                           ; boot connection vector: none (not a disk)
  dw 0                           ; disconnect vector
  dw boot_entry                  ; boot entry vector
  dw 0                           ; reserved
  dw 0                           ; static resource information vector
pnp_header_end:

manufacturer: db 'trapeze', 0
product:      db 'Linux kernel (--kernel)', 0

; Flat data descriptor for unreal mode: base 0, limit 4 GiB (page granular), writable.
; The GDT lives in the ROM; LGDT gets its linear address, computed from CS.
align 8
gdt:
  dq 0
gdt_flat_data:
  dw 0xFFFF, 0x0000
  db 0x00, 0x92, 0x8F, 0x00
gdt_end:

; --- Boot entry vector -------------------------------------------------------------------
; Called by SeaBIOS (far call, real mode) when it boots this device.
boot_entry:
  cld
  mov ax, KEY_SIGNATURE
  call fw_cfg_read_u32
  cmp eax, 'QEMU'
  jne .no_fw_cfg
  mov ax, KEY_SETUP_SIZE
  call fw_cfg_read_u32
  test eax, eax
  jz .no_kernel

  cli                            ; from here on nothing returns to the BIOS
  call open_a20
  call enter_unreal_mode

  ; Each part: destination (EDI), size (ECX), then the data key and the copy.
%macro COPY_PART 3               ; address key, size key, data key
  mov ax, %1
  call fw_cfg_read_u32
  mov edi, eax
  mov ax, %2
  call fw_cfg_read_u32
  mov ecx, eax
  mov ax, %3
  call fw_cfg_select             ; leaves DX at the data port
  a32 rep insb                   ; ES:EDI, ECX bytes (nothing when ECX is 0)
%endmacro
  COPY_PART KEY_SETUP_ADDR, KEY_SETUP_SIZE, KEY_SETUP_DATA
  COPY_PART KEY_KERNEL_ADDR, KEY_KERNEL_SIZE, KEY_KERNEL_DATA
  COPY_PART KEY_INITRD_ADDR, KEY_INITRD_SIZE, KEY_INITRD_DATA
  COPY_PART KEY_CMDLINE_ADDR, KEY_CMDLINE_SIZE, KEY_CMDLINE_DATA

  ; Start the setup code: its segment in every segment register, the stack ending 16
  ; bytes below the command line (above the heap the header's heap_end_ptr gives it).
  mov ax, KEY_SETUP_ADDR
  call fw_cfg_read_u32
  mov ebx, eax
  mov ax, KEY_CMDLINE_ADDR
  call fw_cfg_read_u32
  sub eax, ebx
  sub eax, 16
  shr ebx, 4
  mov ds, bx
  mov es, bx
  mov fs, bx
  mov gs, bx
  mov ss, bx
  mov sp, ax
  add bx, 0x20                   ; the setup code proper starts 512 bytes in
  push bx
  push word 0
  xor eax, eax                   ; no stale values for the kernel to trip over
  xor ebx, ebx
  xor ecx, ecx
  xor edx, edx
  xor esi, esi
  xor edi, edi
  xor ebp, ebp
  retf

.no_fw_cfg:
  mov si, msg_no_fw_cfg
  jmp .give_up
.no_kernel:
  mov si, msg_no_kernel
.give_up:
  call print
  retf                           ; SeaBIOS goes on to its next boot device

; --- Helpers ----------------------------------------------------------------------------

; Selects fw_cfg item AX; returns DX = the data port.
fw_cfg_select:
  mov dx, FW_CFG_SELECTOR
  out dx, ax
  inc dx
  ret

; Returns in EAX the little-endian 32-bit item AX (zero for an item that does not exist).
; Each byte goes into AL and the rotation moves it on; after four it is in place.
fw_cfg_read_u32:
  call fw_cfg_select
%rep 4
  in al, dx
  ror eax, 8
%endrep
  ret

; Opens the A20 gate through port 0x92, so 1 MiB and up does not wrap to 0. SeaBIOS
; leaves it open, but a ROM should not depend on that.
open_a20:
  in al, PORT_A20
  or al, 0x02
  and al, 0xFE                   ; never the reset bit
  out PORT_A20, al
  ret

; Loads ES with the flat descriptor in protected mode and returns to real mode: ES keeps
; base 0 and the 4 GiB limit. Interrupts must be off. The GDTR image goes on the stack
; (the ROM is read-only once SeaBIOS has shadowed it).
enter_unreal_mode:
  xor eax, eax
  mov ax, cs
  shl eax, 4
  add eax, gdt                   ; linear address of the GDT
  push eax                       ; GDTR: base ...
  push word gdt_end - gdt - 1    ; ... and limit below it
  mov bp, sp
  o32 lgdt [bp]
  add sp, 6
  mov eax, cr0
  or al, 1
  mov cr0, eax                   ; protected mode (CS keeps its real-mode cache)
  mov bx, FLAT_DATA
  mov es, bx
  and al, 0xFE
  mov cr0, eax                   ; back to real mode
  xor bx, bx
  mov es, bx                     ; base 0 again; the limit stays 4 GiB
  ret

; Prints the NUL-terminated string at CS:SI on the screen (INT 10h teletype) and to the
; firmware log.
print:
  push ds
  push cs
  pop ds
.next:
  lodsb
  test al, al
  jz .done
  mov dx, FIRMWARE_LOG_PORT
  out dx, al
  mov ah, 0x0E
  mov bx, 0x0007
  int 0x10
  jmp .next
.done:
  pop ds
  ret

msg_no_fw_cfg: db 'trapeze linuxboot: no fw_cfg device, cannot load the kernel', 13, 10, 0
msg_no_kernel: db 'trapeze linuxboot: fw_cfg has no kernel', 13, 10, 0

; Pad to whole 512-byte blocks, keeping at least one byte free at the end: the build
; writes the ROM's checksum there.
  times (($ - $$ + 1 + 511) / 512 * 512) - ($ - $$) db 0
rom_end:
rom_blocks equ (rom_end - rom_start) / 512
