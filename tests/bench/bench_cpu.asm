; The CPU benchmark run by tools/bench-cpu (issue 10): a Multiboot (v1) ELF kernel that
; turns paging on and runs a fixed instruction mix for a given number of iterations
; (nasm -f bin; boot it with `trapeze --kernel` or `qemu-system-i386 -kernel`).
;
; The command line (--append / -append) holds "count=N", the iteration count (default
; 1000000). COM1 shows "BENCH-CPU-START" before the loop and then
; "BENCH-CPU-END per-iteration=K checksum=C" (K and C in hex) after it, and the program
; exits through port 0xF4 with 0x10 (QEMU's isa-debug-exit: exit status 33).
;
; The mix, per iteration: integer ALU work (LCG multiply, add/adc/sub, rotate, logic),
; loads, stores and read-modify-write at pseudo-random addresses spread over a 64 KiB
; buffer (16 pages, so the TLB is exercised), a call and return with pushes and pops,
; and string instructions (REP MOVSD of 256 bytes, REP STOSD of 64 bytes, LODSD). Every
; instruction in the loop is written through the X macro, which counts it, so K is the
; exact number of instructions one iteration retires (a REP instruction counts once, as
; the architecture retires it). The checksum depends on every result, so an emulator
; that computes wrongly prints a different one: compare it between emulators.
bits 32
org 0x100000

MB_MAGIC equ 0x1BADB002
MB_FLAGS equ 0x00000003          ; page-aligned modules, memory information
COM1 equ 0x3F8
DEFAULT_COUNT equ 1000000
MAPPED_MIB equ 16                ; identity-mapped with 4 KiB pages

%assign per_iteration 0
%macro X 1+
  %1
  %assign per_iteration per_iteration + 1
%endmacro

file_start:
  ; ELF header (System V ABI, i386), one PT_LOAD segment holding the whole file.
  db 0x7F, 'ELF', 1, 1, 1, 0
  times 8 db 0
  dw 2                           ; ET_EXEC
  dw 3                           ; EM_386
  dd 1                           ; EV_CURRENT
  dd start                       ; e_entry
  dd program_header - file_start ; e_phoff
  dd 0, 0                        ; e_shoff, e_flags
  dw 52, 32, 1                   ; e_ehsize, e_phentsize, e_phnum
  dw 40, 0, 0                    ; e_shentsize, e_shnum, e_shstrndx
program_header:
  dd 1                           ; PT_LOAD
  dd 0                           ; p_offset
  dd file_start, file_start      ; p_vaddr, p_paddr: loaded at 1 MiB
  dd file_end - file_start       ; p_filesz
  dd bss_end - file_start        ; p_memsz: page tables, buffer and stack, zeroed
  dd 7                           ; RWX
  dd 4

align 4
multiboot_header:
  dd MB_MAGIC
  dd MB_FLAGS
  dd -(MB_MAGIC + MB_FLAGS)

; The called function of the mix, before the loop so that K counts its instructions
; (one call per iteration): eax = f(the two arguments on the stack).
mix:
  X mov eax, [esp + 4]
  X lea eax, [eax + ebx * 2 + 7]
  X xor eax, [esp + 8]
  X shr eax, 3
  X ret

start:
  mov esp, stack_top
  mov ebp, DEFAULT_COUNT
  test byte [ebx], 1 << 2        ; multiboot info: is there a command line?
  jz .count_known
  mov esi, [ebx + 16]
  call parse_count
.count_known:
  mov [count], ebp
  call enable_paging
  mov esi, start_message
  call print
  mov ebp, [count]
  xor ebx, ebx
  xor edx, edx
  mov dword [lcg], 1

align 16
.loop:
  ; ALU: a linear congruential generator gives the addresses and the data.
  X mov eax, [lcg]
  X imul eax, eax, 1103515245
  X add eax, 12345
  X mov [lcg], eax
  X xor ebx, eax
  X rol ebx, 5
  X add edx, ebx
  X adc edx, 0
  X sub edx, eax
  X or ecx, edx
  X and ecx, 0x00FF00FF
  X shr eax, 8
  X cmp eax, ebx
  X setb cl
  ; Memory: a load, a store and a read-modify-write at a random dword.
  X and eax, 0xFFF8
  X mov ecx, [buffer + eax]
  X add ecx, ebx
  X mov [buffer + eax], ecx
  X add [buffer + eax + 4], edx
  X movzx ecx, byte [buffer + eax + 1]
  X add ebx, ecx
  ; Calls: arguments on the stack, a short function, results back.
  X push eax
  X push edx
  X call mix
  X pop edx
  X pop ecx
  X add ebx, eax
  ; Strings: copy 256 bytes and fill 64 within the buffer, then read one back.
  X and ecx, 0x7E00
  X lea esi, [buffer + ecx]
  X lea edi, [buffer + 0x8000 + ecx]
  X mov ecx, 64
  X rep movsd
  X mov ecx, 16
  X mov eax, ebx
  X rep stosd
  X sub esi, 16
  X lodsd
  X xor edx, eax
  X dec ebp
  X jnz .loop

  xor ebx, edx
  mov [checksum], ebx
  mov esi, end_message
  call print
  mov eax, per_iteration
  call print_hex
  mov esi, checksum_message
  call print
  mov eax, [checksum]
  call print_hex
  mov al, 10
  call put_char
  mov al, 0x10
  out 0xF4, al
  cli
.halt:
  hlt
  jmp .halt

; ebp = the decimal number after "count=" in the string at esi, if there is one.
parse_count:
  cmp byte [esi], 0
  je .done
  cmp dword [esi], 'coun'
  jne .next
  cmp word [esi + 4], 't='
  jne .next
  add esi, 6
  xor ebp, ebp
.digit:
  movzx eax, byte [esi]
  sub eax, '0'
  cmp eax, 9
  ja .done
  imul ebp, ebp, 10
  add ebp, eax
  inc esi
  jmp .digit
.next:
  inc esi
  jmp parse_count
.done:
  ret

; Identity-maps the first MAPPED_MIB MiB with 4 KiB pages and sets CR0.PG.
enable_paging:
  mov edi, page_tables
  mov eax, 0x003                 ; present, writable
  mov ecx, MAPPED_MIB * 256
.pte:
  stosd
  add eax, 4096
  loop .pte
  mov edi, page_directory
  mov eax, page_tables + 0x003
  mov ecx, MAPPED_MIB / 4
.pde:
  stosd
  add eax, 4096
  loop .pde
  mov eax, page_directory
  mov cr3, eax
  mov eax, cr0
  or eax, 0x80000000
  mov cr0, eax
  ret

; Prints the zero-terminated string at esi on COM1.
print:
  lodsb
  test al, al
  jz .done
  call put_char
  jmp print
.done:
  ret

; Prints eax as eight hex digits.
print_hex:
  mov ecx, 8
.digit:
  rol eax, 4
  push eax
  and al, 0x0F
  add al, '0'
  cmp al, '9'
  jbe .put
  add al, 'a' - '9' - 1
.put:
  call put_char
  pop eax
  loop .digit
  ret

; Sends al on COM1 once the transmitter holding register is empty.
put_char:
  push eax
  mov dx, COM1 + 5
.wait:
  in al, dx
  test al, 0x20
  jz .wait
  pop eax
  mov dx, COM1
  out dx, al
  ret

start_message: db "BENCH-CPU-START", 10, 0
end_message: db "BENCH-CPU-END per-iteration=", 0
checksum_message: db " checksum=", 0

file_end:

; Zeroed by the loader (p_memsz): page directory and tables, the buffer, the stack,
; the variables.
bss_start equ file_start + ((file_end - file_start + 4095) & ~4095)
page_directory equ bss_start
page_tables equ page_directory + 4096
buffer equ page_tables + MAPPED_MIB * 1024
stack_bottom equ buffer + 0x10000
stack_top equ stack_bottom + 4096
; The variables live on a page of their own: a store to a page that holds code would
; make every emulator throw away what it decoded (self-modifying code).
count equ stack_top
lcg equ count + 4
checksum equ lcg + 4
bss_end equ stack_top + 4096
