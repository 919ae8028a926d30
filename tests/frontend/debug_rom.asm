; A 64 KiB raw ROM for the debugger tests (monitor, GDB stub, trace): it enters flat
; 32-bit protected mode, so linear addresses equal EIP as GDB expects, then counts ECX
; from 1 to 5, storing each value at 0x500 (the watchpoint), reads port 0x61 (the I/O
; breakpoint) and exits through isa-debug-exit with 0x10 (exit status 33).
;
; Fixed addresses the tests use: the 32-bit code at linear 0xF0100, the loop at 0xF0120.
bits 16
org 0

start:
  cli
  lgdt [cs:gdt_descriptor]
  mov eax, cr0
  or al, 1
  mov cr0, eax
  jmp dword 0x08:(0xF0000 + pm32)

align 8
gdt:
  dq 0
  dq 0x00CF9A000000FFFF  ; 08: code, base 0, 4 GiB, 32-bit
  dq 0x00CF92000000FFFF  ; 10: data, base 0, 4 GiB
gdt_descriptor:
  dw gdt_descriptor - gdt - 1
  dd 0xF0000 + gdt

  times 0x100 - ($ - $$) db 0x90
bits 32
pm32:                    ; 0xF0100
  mov ax, 0x10
  mov ds, ax
  mov es, ax
  mov ss, ax
  mov esp, 0x7000
  xor ecx, ecx
  times 0x120 - ($ - $$) db 0x90
count:                   ; 0xF0120
  inc ecx
  mov [0x500], ecx
  cmp ecx, 5
  jne count
  in al, 0x61
  mov al, 0x10
  out 0xF4, al
  hlt

  times 0xFFF0 - ($ - $$) db 0xF4
bits 16
reset_vector:
  jmp 0xF000:start
  times 0x10000 - ($ - $$) db 0xF4
