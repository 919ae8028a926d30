; Disk images that draw through the VGA BIOS (SeaVGABIOS on the emulated standard VGA)
; and stop (port 0xF4 with 0, exit status 1), so that --screenshot captures a picture
; vga_screen_check.cpp predicts from first principles. Assemble with one of
;   -DSCENARIO=1  mode 13h: a 256-colour DAC ramp, pixel (x, y) = (x + 2y) mod 256
;   -DSCENARIO=2  mode 12h: write modes 2, 1 (latches), 3 and 0 (set/reset, XOR)
;   -DSCENARIO=3  VBE 1024x768x32 with the linear framebuffer, drawn in big real mode
;   -DSCENARIO=4  mode 03h with a user glyph loaded through INT 10h AX=1100h
;   -DSCENARIO=5  mode 04h (CGA 4-colour): diagonal stripes through INT 10h AH=0Ch
;   -DSCENARIO=6  mode 0Dh (EGA 320x200x16): the same stripes in 16 colours
;   -DSCENARIO=7  mode 13h unchained ("mode X" addressing) on a second page, flipped to
;                 through the CRTC start address
; Failures print on port 0xE9 and exit with status 3.
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
  mov ax, 0x0200 + STAGE2_SECTORS   ; read the rest of the program after the boot sector
  mov cx, 0x0002
  xor dh, dh
  mov bx, 0x7E00
  int 0x13
  jc fail
  jmp stage2

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

done:
  xor al, al
  out 0xF4, al
.stop:                       ; without an exit port (QEMU for reference), stay here
  hlt
  jmp .stop

failed: db "vga test: a BIOS call failed", 10, 0

  times 510 - ($ - $$) db 0
  dw 0xAA55

stage2:
%if SCENARIO == 1 || SCENARIO == 7
  jmp scenario
; DAC entry i = (i >> 2, 63 - (i >> 2), 7i mod 64)
ramp_dac:
  mov dx, 0x3C8
  xor al, al
  out dx, al
  inc dx
  xor cx, cx
.dac:
  mov al, cl
  shr al, 2
  out dx, al
  mov al, 63
  mov bl, cl
  shr bl, 2
  sub al, bl
  out dx, al
  mov al, cl
  mov bl, 7
  mul bl
  and al, 63
  out dx, al
  inc cx
  cmp cx, 256
  jne .dac
  ret
scenario:
%endif

%if SCENARIO == 1
  mov ax, 0x0013
  int 0x10
  call ramp_dac
  mov ax, 0xA000
  mov es, ax
  xor di, di
  xor bx, bx                 ; y
.row:
  xor cx, cx                 ; x
.pixel:
  mov ax, bx
  shl ax, 1
  add ax, cx
  stosb
  inc cx
  cmp cx, 320
  jne .pixel
  inc bx
  cmp bx, 200
  jne .row
  jmp done
%endif

%if SCENARIO == 2
  mov ax, 0x0012
  int 0x10
  mov ax, 0xA000
  mov es, ax
  mov dx, 0x3CE
  ; Rows 0-99: write mode 2, byte column c in colour c mod 16.
  mov ax, 0x0205             ; mode: write mode 2
  out dx, ax
  mov ax, 0xFF08             ; bit mask
  out dx, ax
  xor di, di
  mov bx, 100 * 80
  call fill_columns
  ; Rows 100-199: copied from rows 0-99 through the latches (write mode 1).
  mov ax, 0x0105
  out dx, ax
  push ds
  push es
  pop ds
  xor si, si
  mov di, 100 * 80
  mov cx, 100 * 80
  rep movsb
  pop ds
  ; Rows 200-299: write mode 3, set/reset yellow (14), data 0xF0: the left four pixels
  ; of each byte yellow, the right four the latches' (black) colour.
  mov ax, 0x0E00
  out dx, ax
  mov ax, 0x0305
  out dx, ax
  mov di, 200 * 80
  mov cx, 100 * 80
.mode3:
  mov al, [es:di]            ; load the latches
  mov al, 0xF0
  stosb
  loop .mode3
  ; Rows 300-399: the column pattern again, then write mode 0 with set/reset 9 on all
  ; planes, XOR, bit mask 0x0F: the right four pixels of each byte XOR 9.
  mov ax, 0x0205
  out dx, ax
  mov di, 300 * 80
  mov bx, 100 * 80
  call fill_columns
  mov ax, 0x0005
  out dx, ax
  mov ax, 0x0900             ; set/reset 9
  out dx, ax
  mov ax, 0x0F01             ; enable set/reset on all planes
  out dx, ax
  mov ax, 0x1803             ; XOR, no rotation
  out dx, ax
  mov ax, 0x0F08             ; bit mask
  out dx, ax
  mov di, 300 * 80
  mov cx, 100 * 80
.mode0:
  mov al, [es:di]
  stosb
  loop .mode0
  jmp done

; Writes bx bytes from es:di, byte i of each 80-byte row in colour i mod 16 (write mode 2).
fill_columns:
  xor cx, cx
.next:
  mov al, [es:di]            ; latches (irrelevant with the full bit mask)
  mov ax, di
  xor dx, dx
  push bx
  mov bx, 80
  div bx
  pop bx
  mov al, dl
  and al, 15
  stosb
  inc cx
  cmp cx, bx
  jne .next
  mov dx, 0x3CE
  ret
%endif

%if SCENARIO == 3
  in al, 0x92                ; A20 on: the framebuffer spans odd megabytes
  or al, 2
  out 0x92, al
  mov di, vbe_info
  mov dword [di], 'VBE2'
  mov ax, 0x4F00
  int 0x10
  cmp ax, 0x004F
  jne fail
  lfs si, [vbe_info + 0x0E]  ; the mode list
.mode:
  mov cx, [fs:si]
  add si, 2
  cmp cx, 0xFFFF
  je fail
  mov di, mode_info
  mov ax, 0x4F01
  int 0x10
  cmp ax, 0x004F
  jne .mode
  cmp word [mode_info + 0x12], 1024
  jne .mode
  cmp word [mode_info + 0x14], 768
  jne .mode
  cmp byte [mode_info + 0x19], 32
  jne .mode
  test byte [mode_info], 0x80 ; linear framebuffer available
  jz .mode
  mov bx, cx
  or bx, 0x4000
  mov ax, 0x4F02
  int 0x10
  cmp ax, 0x004F
  jne fail
  ; Big real mode: FS with a 4 GiB limit.
  cli
  lgdt [gdt_descriptor]
  mov eax, cr0
  or al, 1
  mov cr0, eax
  jmp .pm
.pm:
  mov ax, 8
  mov fs, ax
  mov eax, cr0
  and al, 0xFE
  mov cr0, eax
  jmp .rm
.rm:
  xor ax, ax
  mov fs, ax
  mov edi, [mode_info + 0x28] ; PhysBasePtr
  movzx ebp, word [mode_info + 0x10] ; bytes per scanline
  xor edx, edx               ; y
.row:
  mov esi, edi
  xor ecx, ecx               ; x
.pixel:
  ; (x mod 256) << 16 | (y mod 256) << 8 | (x xor y) mod 256
  mov eax, ecx
  and eax, 0xFF
  shl eax, 8
  mov al, dl
  shl eax, 8
  mov al, cl
  xor al, dl
  mov [fs:esi], eax
  add esi, 4
  inc ecx
  cmp ecx, 1024
  jne .pixel
  add edi, ebp
  inc edx
  cmp edx, 768
  jne .row
  jmp done

align 8
gdt:
  dq 0
  dq 0x008F92000000FFFF      ; data, base 0, limit 4 GiB, 16-bit
gdt_descriptor:
  dw gdt_descriptor - gdt - 1
  dd gdt
vbe_info equ 0x9000
mode_info equ 0x9400
%endif

%if SCENARIO == 4
  mov ax, 0x0003
  int 0x10
  mov ah, 0x01               ; no cursor: the picture must not depend on its blink
  mov cx, 0x2000
  int 0x10
  mov ax, 0x1100             ; load a user font: one 16-line glyph for character 0x80
  mov bp, glyph
  mov cx, 1
  mov dx, 0x80
  mov bx, 0x1000
  int 0x10
  mov ah, 0x02               ; cursor to row 2, column 5
  xor bh, bh
  mov dx, 0x0205
  int 0x10
  mov ax, 0x0980             ; character 0x80, yellow on blue, three times
  mov bx, 0x001E
  mov cx, 3
  int 0x10
  jmp done

glyph:
  times 8 db 0xAA, 0x55
%endif

%if SCENARIO == 5 || SCENARIO == 6
%if SCENARIO == 5
  mov ax, 0x0004
%else
  mov ax, 0x000D
%endif
  int 0x10
  xor dx, dx                 ; row
.row:
  xor cx, cx                 ; column
.pixel:
  mov ax, cx                 ; colour ((x + y) / 8) mod 4 (or 16)
  add ax, dx
  shr ax, 3
%if SCENARIO == 5
  and al, 3
%else
  and al, 15
%endif
  mov ah, 0x0C
  xor bh, bh
  int 0x10
  inc cx
  cmp cx, 320
  jne .pixel
  inc dx
  cmp dx, 200
  jne .row
  jmp done
%endif

%if SCENARIO == 7
  mov ax, 0x0013
  int 0x10
  call ramp_dac
  mov dx, 0x3C4
  mov ax, 0x0604             ; sequencer memory mode: chain-4 off
  out dx, ax
  mov dx, 0x3D4
  mov ax, 0x0014             ; CRTC: doubleword mode off
  out dx, ax
  mov ax, 0xE317             ; byte mode
  out dx, ax
  mov ax, 0xA000
  mov es, ax
  xor bx, bx                 ; y
.row:
  xor si, si                 ; x
.pixel:
  mov cx, si                 ; map mask: the plane of x mod 4
  and cl, 3
  mov ah, 1
  shl ah, cl
  mov al, 2
  mov dx, 0x3C4
  out dx, ax
  mov ax, bx                 ; page 1 (plane address 16000) + 80y + x/4
  mov dx, 80
  mul dx
  mov di, si
  shr di, 2
  add di, ax
  add di, 16000
  mov ax, si                 ; colour (x xor y) mod 256
  xor ax, bx
  mov [es:di], al
  inc si
  cmp si, 320
  jne .pixel
  inc bx
  cmp bx, 200
  jne .row
  mov dx, 0x3D4              ; show page 1: start address 16000 = 0x3E80
  mov ax, 0x3E0C
  out dx, ax
  mov ax, 0x800D
  out dx, ax
  jmp done
%endif

  times (STAGE2_SECTORS + 1) * 512 - ($ - $$) db 0
