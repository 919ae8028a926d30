; sse: MMX, SSE and SSE2 from a guest's point of view, in 32-bit protected mode.
;
; Proves: CPUID leaf 1 reports MMX, FXSR, SSE, SSE2 and CLFSH (line size 8 qwords); SSE
; instructions are #UD until CR4.OSFXSR is set, MMX ones are not; after enabling, exact
; results (packed single add, sqrt(2) as a double, CVTTSS2SI truncation, MMX saturating
; add and PMADDWD, SSE2 PSHUFD); a misaligned MOVAPS is #GP(0), MOVUPS is not; an
; unmasked zero divide raises #XM (vector 19) with ZE set and the destination unchanged,
; and without CR4.OSXMMEXCPT the same is #UD; FXSAVE/FXRSTOR bring back MXCSR and XMM
; registers; CR0.TS makes SSE #NM.
;
; Follows Intel SDM Vol. 1 chapters 9-11 (MMX aliasing, SSE/SSE2 state and exceptions,
; 11.5 SIMD floating-point exceptions), Vol. 2 (ADDPS, SQRTSD, CVTTSS2SI, PADDUSB,
; PMADDWD, PSHUFD, MOVAPS, MOVUPS, DIVSS, LDMXCSR, STMXCSR, FXSAVE, FXRSTOR, CPUID) and
; Vol. 3A 2.5 (CR4.OSFXSR, OSXMMEXCPT), 6.15 (#XM), 13.1 (enabling SSE).

%define TEST_NAME "sse"
%include "harness.inc"
        cpu WILLAMETTE              ; the P4 instruction set: MMX, SSE, SSE2

STORE           equ SCRATCH + 0x100
SAVE_AREA       equ SCRATCH + 0x200     ; 16-byte aligned, 512 bytes

test_main:
        mov eax, cr0
        or eax, 0x22                ; MP, NE
        and eax, ~0x0C              ; EM, TS clear
        mov cr0, eax
        fninit

        ; --- CPUID
        mov eax, 1
        cpuid
        mov eax, edx
        and eax, 0x07880000
        CHECK_EQ eax, 0x07880000, "CPUID.1 EDX: CLFSH, MMX, FXSR, SSE, SSE2"
        mov eax, ebx
        and eax, 0xFF00
        CHECK_EQ eax, 0x0800, "CPUID.1 EBX: CLFLUSH line 8 qwords"

        ; --- before CR4.OSFXSR
        TRY
        addps xmm0, xmm1
        CATCH
        CHECK_EXC 6, 0, ANY, "without CR4.OSFXSR: ADDPS is #UD"
        TRY
        paddb mm0, mm1
        CATCH
        CHECK_NOEXC "without CR4.OSFXSR: PADDB (MMX) runs"
        emms

        mov eax, cr4
        or eax, 0x600               ; OSFXSR, OSXMMEXCPT
        mov cr4, eax

        ; --- known results
        mov dword [STORE], 0x3F800000       ; 1, 2, 3, 4
        mov dword [STORE + 4], 0x40000000
        mov dword [STORE + 8], 0x40400000
        mov dword [STORE + 12], 0x40800000
        mov dword [STORE + 16], 0x3F000000  ; 0.5 each
        mov dword [STORE + 20], 0x3F000000
        mov dword [STORE + 24], 0x3F000000
        mov dword [STORE + 28], 0x3F000000
        movups xmm0, [STORE]
        movups xmm1, [STORE + 16]
        addps xmm0, xmm1
        movups [STORE + 32], xmm0
        CHECK_EQ [STORE + 32], 0x3FC00000, "ADDPS lane 0: 1.5"
        CHECK_EQ [STORE + 44], 0x40900000, "ADDPS lane 3: 4.5"
        stmxcsr [STORE]
        CHECK_EQ [STORE], 0x1F80, "exact: MXCSR unchanged"

        mov dword [STORE], 0
        mov dword [STORE + 4], 0x40000000   ; 2.0
        sqrtsd xmm2, [STORE]
        movq [STORE + 8], xmm2
        CHECK_EQ [STORE + 8], 0x667F3BCD, "SQRTSD(2): low half"
        CHECK_EQ [STORE + 12], 0x3FF6A09E, "SQRTSD(2): high half"
        stmxcsr [STORE]
        CHECK_EQ [STORE], 0x1FA0, "SQRTSD(2): PE"

        mov dword [STORE], 0xC0700000       ; -3.75
        cvttss2si eax, [STORE]
        CHECK_EQ eax, -3, "CVTTSS2SI(-3.75) truncates to -3"

        mov dword [STORE], 0x807F01FF
        mov dword [STORE + 4], 0
        mov dword [STORE + 8], 0x02020202
        mov dword [STORE + 12], 0
        movq mm0, [STORE]
        paddusb mm0, [STORE + 8]
        movd eax, mm0
        CHECK_EQ eax, 0x828103FF, "PADDUSB saturates at FF"
        mov dword [STORE], 0x00030002       ; words 2, 3, 4, 5
        mov dword [STORE + 4], 0x00050004
        mov dword [STORE + 8], 0x00070006   ; words 6, 7, 8, 9
        mov dword [STORE + 12], 0x00090008
        movq mm1, [STORE]
        pmaddwd mm1, [STORE + 8]
        movd eax, mm1
        CHECK_EQ eax, 33, "PMADDWD: 2*6 + 3*7"
        emms

        mov eax, 0x11111111
        movd xmm3, eax
        mov eax, 0x22222222
        pinsrw xmm3, eax, 2
        pshufd xmm4, xmm3, 0x1B             ; reverse the dwords
        movd eax, xmm4
        CHECK_EQ eax, 0, "PSHUFD: lane 3 (zero) to lane 0"
        psrldq xmm4, 8
        movd eax, xmm4
        CHECK_EQ eax, 0x2222, "PINSRW/PSHUFD/PSRLDQ: word 2 lands in lane 0"

        ; --- alignment
        TRY
misaligned:
        movaps xmm0, [SAVE_AREA + 8]
        CATCH
        CHECK_EXC 13, 0, misaligned, "MOVAPS from a misaligned address: #GP(0)"
        TRY
        movups xmm0, [SAVE_AREA + 8]
        CATCH
        CHECK_NOEXC "MOVUPS from the same address runs"

        ; --- unmasked zero divide: #XM, destination unchanged
        mov dword [STORE], 0x1D80           ; ZE unmasked
        ldmxcsr [STORE]
        mov dword [STORE], 0x3F800000
        movss xmm5, [STORE]                 ; 1.0
        xorps xmm6, xmm6
        TRY
xm_point:
        divss xmm5, xmm6
        CATCH
        CHECK_EXC 19, 0, xm_point, "unmasked ZE: #XM at the DIVSS"
        stmxcsr [STORE]
        CHECK_EQ [STORE], 0x1D84, "  ...MXCSR.ZE set"
        movd eax, xmm5
        CHECK_EQ eax, 0x3F800000, "  ...destination unchanged"
        mov eax, cr4
        and eax, ~0x400                     ; OSXMMEXCPT clear
        mov cr4, eax
        TRY
        divss xmm5, xmm6
        CATCH
        CHECK_EXC 6, 0, ANY, "without CR4.OSXMMEXCPT the same is #UD"
        mov eax, cr4
        or eax, 0x400
        mov cr4, eax

        ; --- FXSAVE / FXRSTOR round trip
        mov dword [STORE], 0x9FC0           ; FZ, DAZ, all masked
        ldmxcsr [STORE]
        mov eax, 0xCAFEF00D
        movd xmm7, eax
        pshufd xmm7, xmm7, 0
        fxsave [SAVE_AREA]
        CHECK_EQ [SAVE_AREA + 24], 0x9FC0, "FXSAVE: MXCSR"
        CHECK_EQ [SAVE_AREA + 28], 0xFFFF, "FXSAVE: MXCSR_MASK (DAZ supported)"
        CHECK_EQ [SAVE_AREA + 160 + 7 * 16 + 12], 0xCAFEF00D, "FXSAVE: XMM7"
        pxor xmm7, xmm7
        mov dword [STORE], 0x1F80
        ldmxcsr [STORE]
        fxrstor [SAVE_AREA]
        psrldq xmm7, 12
        movd eax, xmm7
        CHECK_EQ eax, 0xCAFEF00D, "FXRSTOR: XMM7 back"
        stmxcsr [STORE]
        CHECK_EQ [STORE], 0x9FC0, "FXRSTOR: MXCSR back"
        mov dword [SAVE_AREA + 24], 0x10000 ; a reserved MXCSR bit
        TRY
        fxrstor [SAVE_AREA]
        CATCH
        CHECK_EXC 13, 0, ANY, "FXRSTOR with a reserved MXCSR bit: #GP(0)"

        ; --- CR0.TS
        mov eax, cr0
        or eax, 0x08
        mov cr0, eax
        TRY
        addps xmm0, xmm1
        CATCH
        CHECK_EXC 7, 0, ANY, "CR0.TS: ADDPS is #NM"
        clts
        TEST_END

        HARNESS_END
