; A tiny Multiboot (v1) kernel for the end-to-end test of `trapeze --kernel` (nasm -f bin).
; It checks what the Multiboot spec promises at the entry point and prints
; "multiboot ok" on the debug console (port 0xE9) and on COM1 (a 16550A at 0x3F8), then
; halts with interrupts off (exit status 0). Any failed check prints
; "multiboot FAIL: <what>" on both and exits through port 0xF4 with status 3.
;
; Checked: EAX = 0x2BADB002; CS 0x08, DS/SS 0x10; CR0.PE set and PG clear; IF clear;
; the segment registers reload from the loader's GDT; the information structure's flags;
; a usable memory-map entry at 1 MiB that agrees with mem_upper; a command line ending
; in " mbtest=1 hello" (the test's --append); the boot loader name; one page-aligned
; module holding "MODULE-OK" (the test's --initrd); the UART's scratch register and FIFO
; bits.
;
; FORMAT=ELF builds an ELF32 executable by hand (one PT_LOAD segment holding the whole
; file, so no linker is needed); FORMAT=AOUT a flat image placed by the multiboot
; header's address fields (the "a.out kludge", flag bit 16).
bits 32
org 0x100000

MB_MAGIC equ 0x1BADB002
%ifidn FORMAT, ELF
MB_FLAGS equ 0x00000003          ; page-aligned modules, memory information
%elifidn FORMAT, AOUT
MB_FLAGS equ 0x00010003          ; ... and the address fields
%else
%error "define FORMAT as ELF or AOUT"
%endif

COM1 equ 0x3F8

file_start:
%ifidn FORMAT, ELF
  ; ELF header (System V ABI, i386).
  db 0x7F, 'ELF', 1, 1, 1, 0     ; 32-bit, little-endian, version 1
  times 8 db 0
  dw 2                           ; ET_EXEC
  dw 3                           ; EM_386
  dd 1                           ; EV_CURRENT
  dd start                       ; e_entry
  dd program_header - file_start ; e_phoff
  dd 0                           ; e_shoff
  dd 0                           ; e_flags
  dw 52                          ; e_ehsize
  dw 32                          ; e_phentsize
  dw 1                           ; e_phnum
  dw 40, 0, 0                    ; e_shentsize, e_shnum, e_shstrndx
program_header:
  dd 1                           ; PT_LOAD
  dd 0                           ; p_offset: the whole file ...
  dd file_start                  ; p_vaddr
  dd file_start                  ; p_paddr: ... loaded at 1 MiB
  dd file_end - file_start       ; p_filesz
  dd bss_end - file_start        ; p_memsz: the stack follows, zeroed by the loader
  dd 7                           ; RWX
  dd 4
%endif

align 4
multiboot_header:
  dd MB_MAGIC
  dd MB_FLAGS
  dd -(MB_MAGIC + MB_FLAGS)
%ifidn FORMAT, AOUT
  dd multiboot_header            ; header_addr
  dd file_start                  ; load_addr
  dd file_end                    ; load_end_addr
  dd bss_end                     ; bss_end_addr
  dd start                       ; entry_addr
%endif

; Jumps to `fail` with a message unless the condition code holds.
%macro EXPECT 2
  j%1 %%ok
  mov esi, %%message
  jmp fail
%%message: db %2, 0
%%ok:
%endmacro

start:
  mov esp, stack_top
  mov ebp, eax                   ; the boot magic; EBX stays the information structure
  call uart_init

  cmp ebp, 0x2BADB002
  EXPECT e, "EAX is not the multiboot boot magic"

  ; The machine state of spec 3.2.
  mov ax, cs
  cmp ax, 0x08
  EXPECT e, "CS is not 0x08"
  mov ax, ds
  cmp ax, 0x10
  EXPECT e, "DS is not 0x10"
  mov ax, ss
  cmp ax, 0x10
  EXPECT e, "SS is not 0x10"
  mov eax, cr0
  test eax, 1
  EXPECT nz, "CR0.PE is clear"
  test eax, 0x80000000
  EXPECT z, "CR0.PG is set"
  pushfd
  pop eax
  test eax, 0x200
  EXPECT z, "IF is set"

  ; Reloading the segment registers from the loader's GDT gives the same flat segments.
  mov ax, 0x10
  mov ds, ax
  mov es, ax
  mov fs, ax
  mov gs, ax
  mov ss, ax
  jmp 0x08:.reloaded
.reloaded:

  ; The information structure: memory, cmdline, modules, mmap, boot loader name.
  mov eax, [ebx]
  and eax, 0x24D
  cmp eax, 0x24D
  EXPECT e, "information flags"

  ; The memory map: a usable entry at 1 MiB whose length agrees with mem_upper.
  mov esi, [ebx + 48]            ; mmap_addr
  mov ecx, [ebx + 44]            ; mmap_length
  add ecx, esi
  xor edx, edx
.mmap_entry:
  cmp esi, ecx
  jae .mmap_done
  cmp dword [esi + 4], 0x100000  ; base_addr, low and high halves
  jne .mmap_next
  cmp dword [esi + 8], 0
  jne .mmap_next
  cmp dword [esi + 20], 1        ; available RAM
  jne .mmap_next
  mov edx, [esi + 12]            ; length, low half
.mmap_next:
  add esi, [esi]                 ; size counts the entry after the size field
  add esi, 4
  jmp .mmap_entry
.mmap_done:
  test edx, edx
  EXPECT nz, "no usable memory-map entry at 1 MiB"
  shr edx, 10
  cmp edx, [ebx + 8]
  EXPECT e, "mem_upper disagrees with the memory map"

  ; The command line: the kernel's name, then --append.
  mov esi, [ebx + 16]
  call string_length
  cmp eax, expected_args_length
  EXPECT ae, "command line too short"
  lea esi, [esi + eax - expected_args_length]
  mov edi, expected_args
  mov ecx, expected_args_length
  repe cmpsb
  EXPECT e, "command line"

  mov esi, [ebx + 64]
  mov edi, loader_name
  mov ecx, loader_name_length
  repe cmpsb
  EXPECT e, "boot loader name"

  ; The module (--initrd), page-aligned as header flag 0 asks.
  cmp dword [ebx + 20], 1
  EXPECT e, "module count"
  mov esi, [ebx + 24]
  mov esi, [esi]                 ; mod_start
  test esi, 0xFFF
  EXPECT z, "module not page-aligned"
  mov edi, module_text
  mov ecx, module_text_length
  repe cmpsb
  EXPECT e, "module contents"

  mov esi, ok_message
  call print
  cli
  hlt

fail:
  push esi
  mov esi, fail_prefix
  call print
  pop esi
  call print
  mov esi, newline
  call print
  mov al, 1
  out 0xF4, al                   ; exit status (1 << 1) | 1 = 3
  cli
  hlt

; COM1 as Linux sets it up: 115200 8N1, FIFOs on, DTR and RTS; then the 16550A's
; scratch register and FIFO bits are checked.
uart_init:
  mov dx, COM1 + 3
  mov al, 0x80                   ; DLAB
  out dx, al
  mov dx, COM1
  mov al, 1                      ; divisor 1: 115200 baud
  out dx, al
  inc dx
  xor al, al
  out dx, al
  mov dx, COM1 + 3
  mov al, 0x03                   ; 8N1, DLAB off
  out dx, al
  mov dx, COM1 + 2
  mov al, 0xC7                   ; FIFOs on and cleared, trigger 14
  out dx, al
  mov dx, COM1 + 4
  mov al, 0x03                   ; DTR, RTS
  out dx, al
  mov dx, COM1 + 7
  mov al, 0x5A
  out dx, al
  in al, dx
  cmp al, 0x5A
  EXPECT e, "UART scratch register"
  mov dx, COM1 + 2
  in al, dx
  and al, 0xC0
  cmp al, 0xC0
  EXPECT e, "UART FIFO bits in the IIR"
  ret

; Prints the NUL-terminated string at ESI on the debug console and on COM1 (polling
; THRE, as a console driver does).
print:
  lodsb
  test al, al
  jz .done
  out 0xE9, al
  mov ah, al
  mov dx, COM1 + 5
.wait:
  in al, dx
  test al, 0x20
  jz .wait
  mov dx, COM1
  mov al, ah
  out dx, al
  jmp print
.done:
  ret

; EAX = the length of the NUL-terminated string at ESI.
string_length:
  xor eax, eax
.next:
  cmp byte [esi + eax], 0
  je .done
  inc eax
  jmp .next
.done:
  ret

ok_message: db "multiboot ok", 10, 0
fail_prefix: db "multiboot FAIL: ", 0
newline: db 10, 0
expected_args: db " mbtest=1 hello"
expected_args_length equ $ - expected_args
loader_name: db "trapeze", 0
loader_name_length equ $ - loader_name
module_text: db "MODULE-OK"
module_text_length equ $ - module_text

align 4
file_end:
bss_end equ file_end + 4096
stack_top equ bss_end
