; A 64 KiB raw ROM (--bios) that writes the primary master disk as hard as it can, for
; the disk-safety tests (issue 11, check 3). Without firmware it drives the IDE drive
; directly through ATA PIO (ATA/ATAPI-6 8.6x): SET MULTIPLE MODE 16, then forever, one
; generation after another, WRITE MULTIPLE over sectors 0..SECTORS-1 in blocks of 16
; (each block one 8 KiB transfer), then FLUSH CACHE (left out with -DNO_FLUSH, so only
; trapeze's own flushes remain), then READ SECTORS of one sector to check the generation
; reads back, and a line on the debug console (port 0xE9): "gen N ok" or "gen N BAD".
;
; Each sector is stamped so a checker can tell a whole sector from a torn one:
;   dword 0        the sector's LBA
;   dword 1        the generation (1, 2, ...)
;   dwords 2..126  (LBA * 0x9E3779B1) ^ (generation * 0x85EBCA6B) ^ index
;   dword 127      the sum of dwords 0..126 (mod 2^32)
; A sector that is not all zeros (the fresh image) must match this for one generation.
bits 16
org 0

%define SECTORS 2048             ; 1 MiB of disk
%define BLOCK 16                 ; sectors per WRITE MULTIPLE block
%define BUFFER 0x1000            ; one block, built here (0000:1000)
%define READBACK 0x5000          ; one sector read back
%define CHECK_LBA 1000

%define ATA_DATA 0x1F0
%define ATA_ERROR 0x1F1
%define ATA_COUNT 0x1F2
%define ATA_LBA0 0x1F3
%define ATA_LBA1 0x1F4
%define ATA_LBA2 0x1F5
%define ATA_DEVICE 0x1F6
%define ATA_COMMAND 0x1F7        ; status on reads
%define ATA_CONTROL 0x3F6
%define STATUS_BSY 0x80
%define STATUS_DRQ 0x08
%define STATUS_ERR 0x01

start:
  cli
  xor ax, ax
  mov ds, ax
  mov es, ax
  mov ss, ax
  mov sp, 0x7000
  cld
  ; PIIX3 IDE (00:01.1) IDETIM: decode the primary channel, as firmware leaves it.
  mov eax, 0x80000940
  mov dx, 0xCF8
  out dx, eax
  mov dx, 0xCFC
  mov ax, 0x8000
  out dx, ax
  ; No interrupts from the drive (nIEN); this ROM polls.
  mov dx, ATA_CONTROL
  mov al, 0x02
  out dx, al

  call wait_ready
  mov dx, ATA_DEVICE
  mov al, 0xE0                   ; master, LBA
  out dx, al
  mov dx, ATA_COUNT
  mov al, BLOCK
  out dx, al
  mov dx, ATA_COMMAND
  mov al, 0xC6                   ; SET MULTIPLE MODE
  out dx, al
  call wait_ready
  test al, STATUS_ERR
  jnz failed

  xor ebp, ebp                   ; the generation
generation:
  inc ebp
  xor ebx, ebx                   ; the block's first LBA
block:
  call fill_block
  call wait_ready
  call set_address
  mov dx, ATA_COUNT
  mov al, BLOCK
  out dx, al
  mov dx, ATA_COMMAND
  mov al, 0xC5                   ; WRITE MULTIPLE
  out dx, al
  call wait_drq
  mov si, BUFFER
  mov cx, BLOCK * 256
  mov dx, ATA_DATA
  rep outsw
  call wait_ready
  test al, STATUS_ERR
  jnz failed
  add ebx, BLOCK
  cmp ebx, SECTORS
  jb block

%ifndef NO_FLUSH
  mov dx, ATA_COMMAND
  mov al, 0xE7                   ; FLUSH CACHE
  out dx, al
  call wait_ready
  test al, STATUS_ERR
  jnz failed
%endif

  ; Read one sector back: the generation just written must be there.
  mov ebx, CHECK_LBA
  call set_address
  mov dx, ATA_COUNT
  mov al, 1
  out dx, al
  mov dx, ATA_COMMAND
  mov al, 0x20                   ; READ SECTORS
  out dx, al
  call wait_drq
  mov di, READBACK
  mov cx, 256
  mov dx, ATA_DATA
  rep insw
  mov si, gen_text
  call print
  mov eax, ebp
  call print_decimal
  mov si, ok_text
  cmp [READBACK + 4], ebp
  jne .bad
  cmp dword [READBACK], CHECK_LBA
  je .report
.bad:
  mov si, bad_text
.report:
  call print
  jmp generation

failed:
  mov si, failed_text
  call print
  mov al, 1
  out 0xF4, al                   ; exit status 3
  cli
  hlt

; Stamps BLOCK sectors at BUFFER for LBAs EBX.. and generation EBP.
fill_block:
  push ebx
  xor edi, edi                   ; 32-bit addressing below: EDI's top half must be 0
  mov di, BUFFER
  mov cx, BLOCK
.sector:
  push cx
  mov esi, ebx
  imul esi, esi, 0x9E3779B1
  mov eax, ebp
  imul eax, eax, 0x85EBCA6B
  xor esi, eax                   ; the sector's pattern
  mov [di], ebx
  mov [di + 4], ebp
  mov edx, ebx
  add edx, ebp                   ; the running sum
  mov ecx, 2
.dword:
  mov eax, esi
  xor eax, ecx
  mov [edi + ecx * 4], eax
  add edx, eax
  inc ecx
  cmp ecx, 127
  jb .dword
  mov [di + 127 * 4], edx
  add di, 512
  inc ebx
  pop cx
  loop .sector
  pop ebx
  ret

; LBA28 address EBX into the task file (master drive).
set_address:
  mov dx, ATA_LBA0
  mov al, bl
  out dx, al
  mov dx, ATA_LBA1
  mov al, bh
  out dx, al
  mov eax, ebx
  shr eax, 16
  mov dx, ATA_LBA2
  out dx, al
  mov al, ah
  and al, 0x0F
  or al, 0xE0
  mov dx, ATA_DEVICE
  out dx, al
  ret

; Waits until BSY is clear; returns the status in AL.
wait_ready:
  mov dx, ATA_COMMAND
.poll:
  in al, dx
  test al, STATUS_BSY
  jnz .poll
  ret

; Waits for DRQ (the drive wants or has data); an error ends the run.
wait_drq:
  mov dx, ATA_COMMAND
.poll:
  in al, dx
  test al, STATUS_BSY
  jnz .poll
  test al, STATUS_ERR
  jnz failed
  test al, STATUS_DRQ
  jz .poll
  ret

; Prints the NUL-terminated string at CS:SI on the debug console.
print:
  mov al, [cs:si]
  test al, al
  jz .done
  out 0xE9, al
  inc si
  jmp print
.done:
  ret

; Prints EAX in decimal on the debug console.
print_decimal:
  push ebx
  mov ebx, 10
  xor cx, cx
.divide:
  xor edx, edx
  div ebx
  push dx
  inc cx
  test eax, eax
  jnz .divide
.digit:
  pop ax
  add al, '0'
  out 0xE9, al
  loop .digit
  pop ebx
  ret

gen_text: db "gen ", 0
ok_text: db " ok", 10, 0
bad_text: db " BAD", 10, 0
failed_text: db "disk command failed", 10, 0

  times 0xFFF0 - ($ - $$) db 0xF4
reset:
  jmp 0xF000:start
  times 0x10000 - ($ - $$) db 0xF4
