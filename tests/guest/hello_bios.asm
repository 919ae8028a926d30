; hello_bios: the smallest firmware trapeze can boot with --bios.
;
; A 64 KiB raw ROM image. The machine maps it just below 4 GiB and again at 0xF0000, so
; offset N of this file is F000:N in real mode. The CPU starts at the reset vector,
; offset 0xFFF0 (physical 0xFFFFFFF0), which far-jumps into the low copy like a real
; BIOS does. The code prints one line on the debug console (port 0xE9) and asks the
; machine to exit through isa-debug-exit (port 0xF4): writing 0 gives exit status 1.
;
; Build: nasm -f bin -o hello_bios.rom hello_bios.asm

        bits 16
        org 0

DEBUGCON_PORT equ 0xE9
DEBUG_EXIT_PORT equ 0xF4

start:
        cli
        cld
        mov ax, cs              ; F000: the message is in this segment
        mov ds, ax
        mov si, message
.next_char:
        lodsb
        test al, al
        jz .done
        out DEBUGCON_PORT, al
        jmp .next_char
.done:
        xor al, al
        out DEBUG_EXIT_PORT, al
.halt:                          ; only reached if the exit port is not there
        hlt
        jmp .halt

message:
        db "trapeze: hello from real mode", 10, 0

        times 0xFFF0 - ($ - $$) db 0xFF
reset_vector:
        jmp 0xF000:start
        times 0x10000 - ($ - $$) db 0xFF
