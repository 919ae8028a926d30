; unreal: segment descriptor caches survive the return to real mode ("unreal mode").
;
; Proves: after clearing CR0.PE, a segment register keeps the base and the 4 GiB limit
; loaded from a protected-mode descriptor until it is reloaded, so real-mode code can
; use 32-bit offsets above 64 KiB through it; a real-mode load of that register changes
; only the selector and base (selector * 16) and keeps the cached 4 GiB limit; a register
; loaded with a 64 KiB-limit descriptor before the switch still faults at offsets above
; 0xFFFF with real-mode interrupt 13 (#GP, no error code), delivered through the IVT
; found by IDTR.
;
; Follows Intel SDM Vol. 3A 3.4.3 (segment registers and their hidden parts), 9.9.2
; (switching back to real-address mode: load segment registers with 64 KiB-limit
; descriptors first, otherwise the limits stay), 20.1.1 and 20.1.4 (real-mode address
; translation and interrupt handling through IDTR), Vol. 2 MOV "Real-Address Mode
; Exceptions" (#GP for an offset beyond the limit).
;
; QEMU TCG (7.2) does not check segment limits, so check 5 (the 64 KiB DS faults) fails
; there; Bochs 2.7 passes every check.

%define TEST_NAME "unreal"
%include "harness.inc"

SEL_FS_HIGH     equ 0x80    ; data, base 0x100000, limit 4 GiB
RM_REC          equ SCRATCH + 0x100     ; results of the real-mode part (linear)
RM_SP           equ SCRATCH + 0x180     ; recovery SP for the real-mode #GP handler
RM_RECOVER      equ SCRATCH + 0x184     ; recovery IP
RM_EXC          equ SCRATCH + 0x188     ; vector the handler saw

test_main:
        mov dword [0x100000], 0x0EA1DA7A
        mov dword [0x100100], 0x5EC0DA7A
        mov edi, RM_REC
        mov ecx, 0x90 / 4
        mov eax, 0xFFFFFFFF
        rep stosd
        SET_DESC SEL_FS_HIGH, 0x100000, 0xFFFFF, 0x92, FLG_32
        ; real-mode IVT entry 13 -> F000:rm_gp
        mov word [13 * 4], R16(rm_gp)
        mov word [13 * 4 + 2], 0xF000
        lidt [real_ivt]
        mov ax, SEL_FS_HIGH
        mov fs, ax
        mov ax, DATA_SEL
        mov gs, ax
        jmp CODE16_SEL:R16(pm16)

        bits 16
pm16:   mov ax, DATA16_SEL          ; DS, ES, SS: ordinary 64 KiB real-mode limits
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov eax, cr0
        and al, 0xFE
        mov cr0, eax
        jmp 0xF000:R16(rm)
rm:     xor ax, ax
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov esp, 0x7000
        ; 1-2: FS keeps base 0x100000 and its limit
        mov eax, [fs:0]
        mov [RM_REC + 0], eax
        mov eax, [fs:0x100]
        mov [RM_REC + 4], eax
        ; 3: GS keeps the 4 GiB limit: a 32-bit offset of 1 MiB
        mov ebx, 0x100000
        mov eax, [gs:ebx]
        mov [RM_REC + 8], eax
        ; 4: reloading FS in real mode sets base 0 and keeps the limit
        xor ax, ax
        mov fs, ax
        mov eax, [fs:ebx]
        mov [RM_REC + 12], eax
        xor eax, eax
        mov ax, fs
        mov [RM_REC + 20], eax
        ; 5: DS has a 64 KiB limit: offset 1 MiB raises interrupt 13
        mov dword [RM_EXC], 0xFFFFFFFF
        mov [RM_SP], sp
        mov word [RM_RECOVER], R16(.after_ds)
        mov eax, [ds:ebx]
        mov dword [RM_EXC], 0
.after_ds:
        mov eax, [RM_EXC]
        mov [RM_REC + 16], eax
        ; back to protected mode
        cli
        mov eax, cr0
        or al, 1
        mov cr0, eax
        jmp dword CODE_SEL:pm_back

rm_gp:                              ; real-mode interrupt 13: record, resume
        mov dword [ss:RM_EXC], 13
        mov sp, [ss:RM_SP]
        jmp word [ss:RM_RECOVER]

        bits 32
pm_back:
        mov ax, DATA_SEL
        mov ds, ax
        mov es, ax
        mov fs, ax
        mov gs, ax
        mov ss, ax
        mov esp, STACK_TOP
        lidt [harness_idt_ptr]
        CHECK_EQ [RM_REC + 0], 0x0EA1DA7A, "real mode: FS keeps the protected-mode base 0x100000"
        CHECK_EQ [RM_REC + 4], 0x5EC0DA7A, "real mode: FS base + offset 0x100 reads 0x100100"
        CHECK_EQ [RM_REC + 8], 0x0EA1DA7A, "real mode: GS keeps its 4 GiB limit (32-bit offset 1 MiB)"
        CHECK_EQ [RM_REC + 12], 0x0EA1DA7A, "real mode: MOV FS, 0 sets base 0 and keeps the 4 GiB limit"
        CHECK_EQ [RM_REC + 16], 13, "real mode: DS with a 64 KiB limit, offset 1 MiB -> interrupt 13"
        CHECK_EQ [RM_REC + 20], 0, "real mode: the FS selector reads back as loaded"
        TEST_END

real_ivt:
        dw 0x3FF
        dd 0

HARNESS_END
