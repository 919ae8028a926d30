; A tiny stand-in for a Linux bzImage (nasm -f bin -DINITRD_DWORDS=n), for the end-to-end
; test of `trapeze --kernel bzImage`: SeaBIOS POSTs, runs trapeze's linuxboot option ROM,
; and the ROM starts this file's setup code as it would start Linux's (boot.rst).
;
; Real-mode setup code (entered at setup segment + 0x20, offset 0) checks what the boot
; protocol promises: the segments and stack, interrupts off, the header fields the loader
; writes (type_of_loader, loadflags, heap_end_ptr, vid_mode, cmd_line_ptr and the
; command line itself, ramdisk_image/size), and through the BIOS's INT 15h E820 map that
; the kernel and the initrd lie in usable RAM. It then enters 32-bit protected mode and
; jumps to code32_start, the "kernel" at 1 MiB, which checks that all of itself and every
; byte of the initrd (initrd.asm) were copied, and that the firmware's ACPI tables lie
; intact above the initrd.
;
; Success: "linuxboot ok" on the debug console (port 0xE9), then cli; hlt (exit status
; 0). With -DREBOOT_ONCE the first boot resets the machine instead, after spoiling the
; copies in RAM, and the second prints "rebooted, linuxboot ok". A failed check prints "linuxboot FAIL: <what>" and exits through port 0xF4 with
; status 3.
%ifndef INITRD_DWORDS
%error "define INITRD_DWORDS"
%endif
INITRD_BYTES  equ INITRD_DWORDS * 4 + 3
SETUP_SECTS   equ 2
KERNEL_ADDR   equ 0x100000
SETUP_SEGMENT equ 0x1000       ; QEMU's layout, which trapeze follows
STACK_TOP     equ 0xFFF0       ; 16 bytes below the command line at 0x20000
HEAP_END      equ 0xFE00
TRAILER_MAGIC equ 0x52544E45   ; at the kernel's last dword
SMAP          equ 0x534D4150   ; 'SMAP' in EDX for INT 15h E820
REBOOT_MARK   equ 0x800000     ; RAM the firmware leaves alone across a reset (8 MiB)
REBOOT_MAGIC  equ 0x544F4F42   ; 'BOOT'

; Jumps to the failure report with a message unless the condition code holds.
%macro EXPECT 2
  j%1 %%ok
  mov si, %%message
  jmp fail16
%%message: db %2, 0
%%ok:
%endmacro
%macro EXPECT32 2
  j%1 %%ok
  mov esi, %%message
  jmp fail32
%%message: db %2, 0
%%ok:
%endmacro

; Pads to a header offset; nasm refuses a negative count, so a misplaced field fails the
; build.
%macro AT 1
  times %1 - ($ - $$) db 0
%endmacro

; === The setup sectors: boot sector part, header, real-mode code ========================
section setup start=0 vstart=0
bits 16
cpu 386

  AT 0x1F1
  db SETUP_SECTS                 ; setup_sects
  dw 0                           ; root_flags
  dd (kernel_end - kernel_start + 15) / 16  ; syssize
  dw 0                           ; ram_size
  dw 0x0F04                      ; vid_mode: the loader makes it 0xFFFF (no vga=)
  dw 0                           ; root_dev
  dw 0xAA55                      ; boot_flag
  AT 0x200
  jmp short setup_start          ; the entry: setup segment + 0x20, offset 0
  db 'HdrS'                      ; 0x202
  dw 0x020F                      ; 0x206 protocol 2.15
  dd 0                           ; 0x208 realmode_swtch
  dw 0x1000                      ; 0x20C start_sys_seg
  dw 0                           ; 0x20E kernel_version
  db 0                           ; 0x210 type_of_loader
  db 0x01                        ; 0x211 loadflags: LOADED_HIGH
  dw 0                           ; 0x212 setup_move_size
  dd KERNEL_ADDR                 ; 0x214 code32_start
  dd 0                           ; 0x218 ramdisk_image
  dd 0                           ; 0x21C ramdisk_size
  dd 0                           ; 0x220 bootsect_kludge
  dw 0                           ; 0x224 heap_end_ptr
  db 0, 0                        ; 0x226 ext_loader_ver, ext_loader_type
  dd 0                           ; 0x228 cmd_line_ptr
  dd 0x7FFFFFFF                  ; 0x22C initrd_addr_max
  dd 0x1000                      ; 0x230 kernel_alignment
  db 0, 0                        ; 0x234 relocatable_kernel, min_alignment
  dw 0                           ; 0x236 xloadflags
  dd 255                         ; 0x238 cmdline_size
  AT 0x268

setup_start:
  ; Entry state, before anything touches the stack.
  cmp sp, STACK_TOP
  EXPECT e, "stack pointer"
  mov ax, ds
  cmp ax, SETUP_SEGMENT
  EXPECT e, "setup segment"
  mov bx, cs
  sub bx, 0x20
  cmp ax, bx
  EXPECT e, "code segment"
  mov bx, es
  cmp ax, bx
  EXPECT e, "ES"
  mov bx, ss
  cmp ax, bx
  EXPECT e, "SS"
  mov bx, fs
  cmp ax, bx
  EXPECT e, "FS"
  mov bx, gs
  cmp ax, bx
  EXPECT e, "GS"
  pushf
  pop ax
  test ax, 0x200
  EXPECT z, "interrupts enabled at entry"

  ; The header fields the loader writes.
  cmp byte [0x210], 0xFF
  EXPECT e, "type_of_loader"
  cmp byte [0x211], 0x81
  EXPECT e, "loadflags"
  cmp word [0x224], HEAP_END
  EXPECT e, "heap_end_ptr"
  cmp word [0x1FA], 0xFFFF
  EXPECT e, "vid_mode"

  ; The command line, through a segment for its address (below 1 MiB).
  mov eax, [0x228]
  cmp eax, 0x100000
  EXPECT b, "cmd_line_ptr"
  mov si, ax
  and si, 0x0F
  shr eax, 4
  mov fs, ax
  mov di, expected_cmdline
.compare:
  mov al, [fs:si]
  cmp al, [di]
  EXPECT e, "command line"
  inc si
  inc di
  test al, al
  jnz .compare

  ; The initrd: its size, page alignment, and above the kernel.
  cmp dword [0x21C], INITRD_BYTES
  EXPECT e, "initrd size"
  test dword [0x218], 0xFFF
  EXPECT z, "initrd alignment"
  cmp dword [0x218], KERNEL_ADDR + (kernel_end - kernel_start)
  EXPECT ae, "initrd above the kernel"

  ; The BIOS memory map: both the kernel and the initrd inside usable RAM.
  mov byte [found], 0
  xor ebx, ebx
.next_range:
  mov eax, 0xE820
  mov edx, SMAP
  mov ecx, 20
  mov di, e820_entry             ; ES:DI
  int 0x15
  EXPECT nc, "E820"
  cmp eax, SMAP
  EXPECT e, "E820 signature"
  cmp dword [e820_entry + 16], 1 ; usable
  jne .range_done
  cmp dword [e820_entry + 4], 0  ; below 4 GiB
  jne .range_done
  mov ecx, [e820_entry]          ; [ECX, EDX): the range
  mov edx, ecx
  add edx, [e820_entry + 8]
  mov eax, [0x218]
  cmp eax, ecx
  jb .kernel
  add eax, [0x21C]
  cmp eax, edx
  ja .kernel
  or byte [found], 1
.kernel:
  mov eax, KERNEL_ADDR
  cmp eax, ecx
  jb .range_done
  add eax, kernel_end - kernel_start
  cmp eax, edx
  ja .range_done
  or byte [found], 2
.range_done:
  test ebx, ebx
  jnz .next_range
  test byte [found], 1
  EXPECT nz, "initrd in usable RAM (E820)"
  test byte [found], 2
  EXPECT nz, "kernel in usable RAM (E820)"

  ; 32-bit protected mode, flat, then code32_start with ESI = the boot parameters, as
  ; Linux's setup code does it.
  cli
  xor eax, eax
  mov ax, ds
  shl eax, 4
  mov esi, eax
  add eax, gdt
  mov [gdt_pointer + 2], eax
  lgdt [gdt_pointer]
  mov eax, [0x214]
  mov [code32_target], eax
  mov eax, cr0
  or al, 1
  mov cr0, eax
  jmp dword far [code32_target]

; Prints "linuxboot FAIL: " and the string at DS:SI, exits with status 3.
fail16:
  push si
  mov si, fail_prefix
  call print16
  pop si
  call print16
  mov al, 10
  out 0xE9, al
  mov al, 1
  out 0xF4, al
.stop:
  hlt
  jmp .stop

print16:
  lodsb
  test al, al
  jz .done
  out 0xE9, al
  jmp print16
.done:
  ret

fail_prefix:      db 'linuxboot FAIL: ', 0
expected_cmdline: db 'console=ttyS0 linuxboot.test=1 root=/dev/ram0', 0
found:            db 0
align 4
e820_entry:       times 20 db 0
code32_target:    dd 0
                  dw 0x08
align 8
gdt:
  dq 0
  dw 0xFFFF, 0x0000              ; 0x08: flat 32-bit code
  db 0x00, 0x9A, 0xCF, 0x00
  dw 0xFFFF, 0x0000              ; 0x10: flat data
  db 0x00, 0x92, 0xCF, 0x00
gdt_end:
gdt_pointer:
  dw gdt_end - gdt - 1
  dd 0                           ; linear base, filled in at run time

  AT (SETUP_SECTS + 1) * 512

; === The protected-mode "kernel", loaded at 1 MiB ========================================
section kernel follows=setup vstart=KERNEL_ADDR
bits 32
kernel_start:
  mov ax, 0x10
  mov ds, ax
  mov es, ax
  mov ss, ax
  mov esp, 0x90000

  cmp dword [kernel_trailer], TRAILER_MAGIC
  EXPECT32 e, "kernel copy (its last dword)"

  ; Every dword of the initrd, then its odd tail.
  mov edi, [esi + 0x218]
  xor ecx, ecx
.initrd_dword:
  imul eax, ecx, 0x9E3779B1
  cmp [edi + ecx * 4], eax
  EXPECT32 e, "initrd contents"
  inc ecx
  cmp ecx, INITRD_DWORDS
  jb .initrd_dword
  cmp word [edi + INITRD_DWORDS * 4], 'EN'
  EXPECT32 e, "initrd end"
  cmp byte [edi + INITRD_DWORDS * 4 + 2], 'D'
  EXPECT32 e, "initrd end"

  ; The firmware's ACPI tables: the RSDP in the BIOS area, the RSDT intact above the
  ; initrd (the loader kept out of the top of RAM SeaBIOS uses).
  mov ebx, 0xE0000
.scan:
  cmp dword [ebx], 'RSD '
  jne .scan_next
  cmp dword [ebx + 4], 'PTR '
  je .rsdp
.scan_next:
  add ebx, 16
  cmp ebx, 0x100000
  jb .scan
  mov esi, no_rsdp
  jmp fail32
.rsdp:
  mov eax, [ebx + 16]
  mov edx, [esi + 0x218]
  add edx, [esi + 0x21C]
  cmp eax, edx
  EXPECT32 ae, "ACPI tables above the initrd"
  cmp dword [eax], 'RSDT'
  EXPECT32 e, "ACPI RSDT"

%ifdef REBOOT_ONCE
  ; The first boot spoils the copies in RAM and resets the machine; the firmware must load
  ; the kernel again (the checks above pass only if it did) before this reports success.
  cmp dword [REBOOT_MARK], REBOOT_MAGIC
  je .rebooted
  mov dword [REBOOT_MARK], REBOOT_MAGIC
  mov dword [kernel_trailer], 0
  mov byte [esi + 0x210], 0      ; type_of_loader
  mov dword [edi], 0             ; the initrd's first dword
  mov al, 0xFE                   ; pulse the reset line through the 8042
  out 0x64, al
  hlt
.rebooted:
  mov esi, message_rebooted
  call print32
%endif
  mov esi, message_ok
  call print32
  cli
  hlt

fail32:
  push esi
  mov esi, fail_prefix32
  call print32
  pop esi
  call print32
  mov al, 10
  out 0xE9, al
  mov al, 1
  out 0xF4, al
.stop:
  hlt
  jmp .stop

print32:
  lodsb
  test al, al
  jz .done
  out 0xE9, al
  jmp print32
.done:
  ret

fail_prefix32: db 'linuxboot FAIL: ', 0
message_ok:    db 'linuxboot ok', 10, 0
no_rsdp:       db 'ACPI RSDP', 0
message_rebooted: db 'rebooted, ', 0

; Over 64 KiB (more than one real-mode segment) and an odd size.
  times 100001 - ($ - $$) db 0x90
kernel_trailer:
  dd TRAILER_MAGIC
kernel_end:
