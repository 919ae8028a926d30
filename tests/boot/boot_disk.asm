; A two-sector raw disk image for the firmware boot test (issue 5, check 1). The BIOS
; loads sector 1 (the boot sector) at 0000:7C00; it reads sector 2 with INT 13h AH=02h,
; prints the message found there through INT 10h (teletype) and port 0xE9, and ends the
; run through port 0xF4 with 0 (exit status 1) — or 1 (status 3) if the read failed.
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
  mov [drive], dl              ; the BIOS passes the boot drive in DL
  mov ax, 0x0201               ; read 1 sector
  mov cx, 0x0002               ; cylinder 0, sector 2
  xor dh, dh                   ; head 0
  mov dl, [drive]
  mov bx, 0x7E00               ; right after the boot sector
  int 0x13
  jc fail
  cmp word [0x7E00], 0x5254    ; "TR": the second sector's signature
  jne fail
  mov si, 0x7E02
print:
  lodsb
  test al, al
  jz done
  out 0xE9, al
  mov ah, 0x0E                 ; teletype output
  mov bx, 0x0007
  int 0x10
  jmp print
done:
  xor al, al
  out 0xF4, al
  hlt
fail:
  mov si, failed
.next:
  lodsb
  test al, al
  jz .exit
  out 0xE9, al
  jmp .next
.exit:
  mov al, 1
  out 0xF4, al
  hlt

drive: db 0
failed: db "boot sector: INT 13h read of sector 2 failed", 10, 0

  times 510 - ($ - $$) db 0
  dw 0xAA55

; Sector 2: a signature and the message.
  db "TR"
  db "trapeze: booted from disk through the BIOS", 10, 0
  times 1024 - ($ - $$) db 0
