; A 64 KiB raw ROM for the end-to-end tests of the `trapeze` program (nasm -f bin).
; It ends the run in the way the VARIANT define chooses, so each exit status of the
; frontend is exercised by a real guest:
;   EXIT    print "hello from the ROM" on the debug console (port 0xE9), then write
;           0x21 to isa-debug-exit (port 0xF4): trapeze exits with (0x21 << 1) | 1 = 67
;   HALT    CLI; HLT: halted for good, exit status 0
;   SPIN    an endless loop: only --max-instructions or --timeout end it (124)
;   TRIPLE  an empty IVT, then INT3: #GP, #DF, triple fault (crash history reports)
;
; The machine maps a 64 KiB image at 0xF0000 (and below 4 GiB); the CPU starts at
; F000:FFF0, 16 bytes before the end.
bits 16
org 0

start:
%ifidn VARIANT, EXIT
  mov ax, cs
  mov ds, ax
  mov si, message
.print:
  lodsb
  test al, al
  jz .exit
  out 0xE9, al
  jmp .print
.exit:
  mov al, 0x21
  out 0xF4, al
  hlt  ; not reached: the machine stops at the exit port write
%elifidn VARIANT, HALT
  cli
  hlt
%elifidn VARIANT, SPIN
  jmp start
%elifidn VARIANT, TRIPLE
  lidt [cs:empty_ivt]
  int3
empty_ivt:
  dw 0
  dd 0
%else
  %error "define VARIANT as EXIT, HALT or SPIN"
%endif

message: db "hello from the ROM", 10, 0

  times 0xFFF0 - ($ - $$) db 0xFF
reset_vector:
  jmp 0xF000:start
  times 0x10000 - ($ - $$) db 0xFF
