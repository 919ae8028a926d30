; A one-sector boot disk for the headless automation tests (--exit-on, --when/--type,
; --keys, SIGUSR1 screen saves). SeaBIOS boots it from the first IDE disk; it says it
; is ready on each console, with a different text on each so a test can tell which
; console matched:
;   the text screen (INT 10h teletype)  "screen: ready"
;   COM1 (port 0x3F8)                   "serial: ready"
;   the debug console (port 0xE9)       "debugcon: ready"
; then echoes every key the BIOS reads (INT 16h, which halts until a key arrives: an
; idle guest) to all three, Enter as a new line. It never stops by itself.
bits 16
org 0x7C00

boot:
  cli
  xor ax, ax
  mov ds, ax
  mov es, ax
  mov ss, ax
  mov sp, 0x7C00
  sti
  mov si, on_screen
  call screen_string
  mov si, on_serial
  call serial_string
  mov si, on_debugcon
  call debugcon_string
echo:
  xor ah, ah                   ; wait for a key: AL = its character
  int 0x16
  call put_all
  cmp al, 13
  jne echo
  mov al, 10                   ; Enter: CR LF, a new line everywhere
  call put_all
  jmp echo

; AL to all three consoles.
put_all:
  call screen_char
  call serial_char
  out 0xE9, al
  ret

screen_char:
  push ax
  push bx
  mov ah, 0x0E
  mov bx, 0x0007
  int 0x10
  pop bx
  pop ax
  ret

serial_char:
  push ax
  push dx
  mov ah, al
  mov dx, 0x3FD                ; line status: wait for an empty transmitter
.wait:
  in al, dx
  test al, 0x20
  jz .wait
  mov dx, 0x3F8
  mov al, ah
  out dx, al
  pop dx
  pop ax
  ret

screen_string:
  lodsb
  test al, al
  jz .done
  call screen_char
  jmp screen_string
.done:
  ret

serial_string:
  lodsb
  test al, al
  jz .done
  call serial_char
  jmp serial_string
.done:
  ret

debugcon_string:
  lodsb
  test al, al
  jz .done
  out 0xE9, al
  jmp debugcon_string
.done:
  ret

on_screen: db "screen: ready", 13, 10, 0
on_serial: db "serial: ready", 13, 10, 0
on_debugcon: db "debugcon: ready", 10, 0

  times 510 - ($ - $$) db 0
  dw 0xAA55
