; smc: self-modifying code is seen by the very next fetch.
;
; Proves: a store into the instruction immediately following the storing instruction
; takes effect (byte and dword stores, and REP STOSB); a store into code that already
; ran (so a decoded copy may be cached) takes effect on the next execution; the same
; holds for an instruction that straddles a page boundary when the byte written is in
; the second page, for a store made through a different linear alias of the code's
; physical page under paging, and for code modified while paging is off and then run
; again with paging on.
;
; Follows Intel SDM Vol. 3A 8.1.3 (handling self- and cross-modifying code: on P6 and
; later a write to a code location takes effect for the next instruction without a
; serializing or jump instruction), 11.6 (self-modifying code detection); AMD APM
; Vol. 2 7.6.1 agrees.

%define TEST_NAME "smc"
%include "harness.inc"

ALIAS_LIN       equ 0x500000    ; maps the physical page of ramtext's second page

%define PTE(lin) (PT_BASE + ((lin) >> 12) * 4)

test_main:
        ; --- store into the next instruction
        call smc_next_byte
        CHECK_EQ eax, 0x42, "a byte store into the next instruction's immediate takes effect"
        call smc_next_dword
        CHECK_EQ eax, 0x600DC0DE, "a dword store into the next instruction's immediate takes effect"
        call smc_next_opcode
        CHECK_EQ eax, 2, "a store replacing the next instruction's opcode (NOP -> INC EAX) takes effect"
        call smc_stos
        CHECK_EQ eax, 0x77, "REP STOSB overwriting the next instruction's immediate takes effect"

        ; --- code that already ran
        call smc_ran_before
        mov ebx, eax
        mov dword [smc_ran_before.imm + 1], 0x22222222
        call smc_ran_before
        CHECK_EQ ebx, 0x11111111, "(the routine ran once unmodified)"
        CHECK_EQ eax, 0x22222222, "patching code that already ran: the next run sees the new bytes"

        ; --- an instruction straddling a page boundary, patched in its second page
        call smc_straddle
        mov ebx, eax
        mov byte [smc_straddle.insn + 4], 0x55      ; top byte of the imm32: in the next page
        call smc_straddle
        CHECK_EQ ebx, 0x11223344, "(the straddling instruction ran once unmodified)"
        CHECK_EQ eax, 0x55223344, "a store into the second page of a straddling instruction takes effect"
        call smc_straddle_next
        CHECK_EQ eax, 0x99887766, "a store into the next instruction across the page boundary takes effect"

        ; --- through a different linear alias (paging)
        call paging_identity_32
        mov eax, smc_alias_fn
        and eax, 0xFFFFF000
        or eax, 3
        mov [PTE(ALIAS_LIN)], eax
        call paging_on
        call smc_alias_fn
        mov ebx, eax
        mov eax, smc_alias_fn.insn + 1
        and eax, 0xFFF
        mov dword [ALIAS_LIN + eax], 0xA11A5ED0
        call smc_alias_fn
        CHECK_EQ ebx, 0x33333333, "(the routine ran once through its own address)"
        CHECK_EQ eax, 0xA11A5ED0, "a store through another linear alias of the code's page takes effect"
        call paging_off
        mov dword [smc_alias_fn.insn + 1], 0x44444444
        call paging_on
        call smc_alias_fn
        CHECK_EQ eax, 0x44444444, "code patched with paging off runs patched with paging on"
        call paging_off

        TEST_END

; ---- code that runs from RAM (RAMTEXT_BASE)
        section .ramtext
smc_next_byte:
        mov byte [.insn + 1], 0x42
.insn:  mov al, 0x00
        movzx eax, al
        ret
smc_next_dword:
        mov dword [.insn + 1], 0x600DC0DE
.insn:  mov eax, 0
        ret
smc_next_opcode:
        mov eax, 1
        mov byte [.insn], 0x40      ; INC EAX
.insn:  nop
        ret
smc_stos:
        push edi
        mov edi, .insn + 1
        mov al, 0x77
        mov ecx, 1
        cld
        rep stosb
.insn:  mov al, 0
        movzx eax, al
        pop edi
        ret
smc_ran_before:
.imm:   mov eax, 0x11111111
        ret

        times 0xFF3 - ($ - $$) db 0x90
smc_straddle_next:
        mov dword [.insn + 1], 0x99887766   ; 10 bytes
.insn:  mov eax, 0                  ; B8 at page offset 0xFFD, imm bytes 0xFFE-0x1001
        ret
        times 0x1FFD - ($ - $$) db 0x90
smc_straddle:
.insn:  mov eax, 0x11223344         ; B8 at page offset 0xFFD, imm bytes 0xFFE-0x1001
        ret
smc_alias_fn:
.insn:  mov eax, 0x33333333
        ret
        section .text

HARNESS_END
