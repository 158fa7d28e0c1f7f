/* SPDX-License-Identifier: Apache-2.0 */
/*
 * testfw: the VARS flash (Intel CFI command set, byte-wide), as specified by
 * docs/pflash.md and devices/pflash/cfi.c.  Where QEMU and cfi.c differ,
 * the expectations are cfi.c's (it says so at each spot): a program ANDs
 * into the array, an erase happens at the 0xD0 confirm, a wrong second
 * cycle is a sequence error (status 0xB0) and leaves the array alone,
 * multi-byte reads outside array mode return one byte per lane, block
 * locks are kept.
 *
 * Every case starts from the runner's fresh VARS template (defs.S) with
 * %rbx = VARS_BASE.  Each flash access that exits is marked [W] (write) or
 * [R] (read outside array mode); the runner asserts the case's MMIO exit
 * count from those marks, so array-mode reads provably cost no exit.
 */
	.text
	.code64

/* vars_scan_ff: %eax = number of dwords not 0xFFFFFFFF in the 4 KiB block
 * at VARS offset %edi (%rbx = VARS_BASE). */
vars_scan_ff:
	pushq	%rcx
	xorl	%eax, %eax
	xorl	%ecx, %ecx
1:	cmpl	$0xFFFFFFFF, (%rbx,%rdi)
	je	2f
	incl	%eax
2:	addl	$4, %edi
	incl	%ecx
	cmpl	$FLASH_BLOCK / 4, %ecx
	jb	1b
	subl	$FLASH_BLOCK, %edi
	popq	%rcx
	ret

/*
 * pflash-probe: OVMF's QemuFlashDetected() step for step (docs/pflash.md
 * 4.3): find the probe byte, 0x50, 0x70 (status must read 0x00, QEMU's
 * quirk OVMF depends on), reprogram the byte with its own value, 0x70
 * (0x80: writable, no SR.4), 0xFF.  6 [W] + 2 [R] = 8 MMIO exits.
 */
	CASE pflash-probe, case_pflash_probe
case_pflash_probe:
	movl	$VARS_BASE, %ebx
	xorl	%edi, %edi
1:	movzbl	(%rbx,%rdi), %eax
	cmpb	$CFI_CLEAR_STATUS, %al
	je	2f
	cmpb	$CFI_READ_STATUS, %al
	je	2f
	testb	%al, %al
	jnz	3f
2:	incl	%edi
	cmpl	$FLASH_BLOCK, %edi
	jb	1b
3:	movq	%rdi, %rax
	CHECK	probe-offset, 3
	movzbl	(%rbx,%rdi), %esi
	movq	%rsi, %rax
	CHECK	probe-original, 0x5A
	movb	$CFI_CLEAR_STATUS, (%rbx,%rdi)		/* [W] */
	movzbl	(%rbx,%rdi), %eax
	CHECK	read-after-clear-status, 0x5A
	movb	$CFI_READ_STATUS, (%rbx,%rdi)		/* [W] */
	movzbl	(%rbx,%rdi), %eax			/* [R] */
	CHECK	status-after-clear-status, 0x00
	movb	$CFI_PROGRAM, (%rbx,%rdi)		/* [W] */
	movb	%sil, (%rbx,%rdi)			/* [W] */
	movb	$CFI_READ_STATUS, (%rbx,%rdi)		/* [W] */
	movzbl	(%rbx,%rdi), %eax			/* [R] */
	CHECK	status-after-program, 0x80
	movb	$CFI_READ_ARRAY, (%rbx,%rdi)		/* [W] */
	movzbl	(%rbx,%rdi), %eax
	CHECK	array-after-probe, 0x5A
	ret

/*
 * pflash-array-reads: every dword of the flash in read-array mode, plus a
 * qword, a word, a byte and an unaligned dword: 32772 reads, no write.  In
 * ROMD mode that is 0 MMIO exits; with --no-romd exactly 32772.
 */
	CASE pflash-array-reads, case_pflash_array_reads
case_pflash_array_reads:
	movl	$VARS_BASE, %ebx
	xorl	%ecx, %ecx
	xorl	%esi, %esi			/* mismatches */
1:	movl	(%rbx,%rcx), %eax
	movl	$0xFFFFFFFF, %edx
	cmpl	$VARS_PATTERN_END, %ecx
	jae	2f
	leal	VARS_PATTERN(%rcx), %edx
2:	cmpl	%edx, %eax
	je	3f
	incl	%esi
3:	addl	$4, %ecx
	cmpl	$VARS_SIZE, %ecx
	jb	1b
	movq	%rsi, %rax
	CHECK	dword-mismatches, 0
	movq	0x100(%rbx), %rax
	CHECK	qword-0x100, 0x5A0001045A000100
	movzwl	0x102(%rbx), %eax
	CHECK	word-0x102, 0x5A00
	movzbl	VARS_SIZE - 1(%rbx), %eax
	CHECK	last-byte, 0xFF
	movl	0x102(%rbx), %eax
	CHECK	unaligned-dword-0x102, 0x01045A00
	ret

/*
 * pflash-cfi: CFI query (0x98) bytes 0x10-0x3F for a 128 KiB device of
 * 4 KiB blocks (docs/pflash.md 7.1), the 256-byte repetition, bytes past
 * the table, wide reads (one byte per lane, cfi.c), then 0xFF.
 * 2 [W] + 55 [R] = 57 MMIO exits.
 */
	CASE pflash-cfi, case_pflash_cfi
case_pflash_cfi:
	movl	$VARS_BASE, %ebx
	movb	$CFI_QUERY, 0x55(%rbx)			/* [W] */
	movl	$0x10, %ecx
	xorl	%esi, %esi			/* mismatches */
	leaq	cfi_query_128k - 0x10(%rip), %r8
1:	movzbl	(%rbx,%rcx), %eax		/* [R] x48 */
	movzbl	(%r8,%rcx), %edx
	cmpl	%edx, %eax
	je	2f
	incl	%esi
	movl	%ecx, %r9d			/* FAIL line: offset << 8 | byte */
	shll	$8, %r9d
	orl	%r9d, %eax
	orl	%r9d, %edx
	CHECKR	query-byte, %rdx
2:	incl	%ecx
	cmpl	$0x40, %ecx
	jb	1b
	movq	%rsi, %rax
	CHECK	query-table-mismatches, 0
	movzbl	0x00(%rbx), %eax			/* [R] */
	CHECK	query-0x00, 0x00
	movzbl	0x52(%rbx), %eax			/* [R] */
	CHECK	query-past-table-0x52, 0x00
	movzbl	0x110(%rbx), %eax			/* [R] */
	CHECK	query-repeats-0x110, 0x51
	movzbl	0x1FF11(%rbx), %eax			/* [R] */
	CHECK	query-last-block-0x11, 0x52
	movzwl	0x10(%rbx), %eax			/* [R] */
	CHECK	query-word-0x10, 0x5251
	movl	0x10(%rbx), %eax			/* [R] */
	CHECK	query-dword-0x10, 0x01595251
	movq	0x10(%rbx), %rax			/* [R] */
	CHECK	query-qword-0x10, 0x0000310001595251
	movb	$CFI_READ_ARRAY, (%rbx)			/* [W] */
	movzbl	0x10(%rbx), %eax
	CHECK	array-after-query, 0x10
	ret

/*
 * pflash-id-lock: read identifier (QEMU's x86 flash: all codes 0), block
 * lock status at block base + 2, and what a lock does to program and
 * erase (cfi.c keeps lock bits; SR = 0x80 | 0x10/0x20 | 0x02).
 * 16 [W] + 13 [R] = 29 MMIO exits.
 */
	CASE pflash-id-lock, case_pflash_id_lock
case_pflash_id_lock:
	movl	$VARS_BASE, %ebx
	movb	$CFI_READ_ID, 0x10000(%rbx)		/* [W] */
	movzbl	0x0(%rbx), %eax				/* [R] */
	CHECK	id-manufacturer, 0x00
	movzbl	0x1(%rbx), %eax				/* [R] */
	CHECK	id-device, 0x00
	movzbl	0x3(%rbx), %eax				/* [R] */
	CHECK	id-offset-3, 0x00
	movzbl	0x10000(%rbx), %eax			/* [R] */
	CHECK	id-block16-base, 0x00
	movzbl	0x10002(%rbx), %eax			/* [R] */
	CHECK	id-block16-unlocked, 0x00
	/* Lock block 17. */
	movb	$CFI_LOCK_SETUP, 0x11000(%rbx)		/* [W] */
	movb	$CFI_LOCK, 0x11000(%rbx)		/* [W] */
	movzbl	0x11000(%rbx), %eax			/* [R] */
	CHECK	status-after-lock, 0x80
	movb	$CFI_READ_ID, 0x11000(%rbx)		/* [W] */
	movzbl	0x11002(%rbx), %eax			/* [R] */
	CHECK	id-block17-locked, 0x01
	movzbl	0x12002(%rbx), %eax			/* [R] */
	CHECK	id-block18-unlocked, 0x00
	/* Program and erase of the locked block fail. */
	movb	$CFI_PROGRAM, 0x11010(%rbx)		/* [W] */
	movb	$0x42, 0x11010(%rbx)			/* [W] */
	movzbl	0x11010(%rbx), %eax			/* [R] */
	CHECK	status-program-locked, 0x92
	movb	$CFI_ERASE, 0x11000(%rbx)		/* [W] */
	movb	$CFI_CONFIRM, 0x11000(%rbx)		/* [W] */
	movzbl	0x11000(%rbx), %eax			/* [R] */
	CHECK	status-erase-locked, 0xB2
	movb	$CFI_CLEAR_STATUS, 0x11000(%rbx)	/* [W] */
	movzbl	0x11010(%rbx), %eax
	CHECK	locked-byte-unchanged, 0xFF
	movb	$CFI_READ_STATUS, 0x11000(%rbx)		/* [W] */
	movzbl	0x11000(%rbx), %eax			/* [R] */
	CHECK	status-cleared, 0x00
	/* Unlock: programming works again. */
	movb	$CFI_LOCK_SETUP, 0x11000(%rbx)		/* [W] */
	movb	$CFI_CONFIRM, 0x11000(%rbx)		/* [W] */
	movb	$CFI_READ_ID, 0x11000(%rbx)		/* [W] */
	movzbl	0x11002(%rbx), %eax			/* [R] */
	CHECK	id-block17-unlocked, 0x00
	movb	$CFI_PROGRAM, 0x11010(%rbx)		/* [W] */
	movb	$0x42, 0x11010(%rbx)			/* [W] */
	movzbl	0x11010(%rbx), %eax			/* [R] */
	CHECK	status-program-unlocked, 0x80
	movb	$CFI_READ_ARRAY, 0x11010(%rbx)		/* [W] */
	movzbl	0x11010(%rbx), %eax
	CHECK	programmed-after-unlock, 0x42
	ret

/*
 * pflash-program: byte program and the status it leaves (every width), the
 * 0x40 alternate setup, 16- and 64-bit data cycles, and OVMF's
 * QemuFlashWrite of 3 bytes (7 write exits, docs/pflash.md 7.4).
 * 19 [W] + 4 [R] = 23 MMIO exits; 7 programs.
 */
	CASE pflash-program, case_pflash_program
case_pflash_program:
	movl	$VARS_BASE, %ebx
	movb	$CFI_PROGRAM, 0x10000(%rbx)		/* [W] */
	movb	$0x3C, 0x10000(%rbx)			/* [W] */
	movzbl	0x10000(%rbx), %eax			/* [R] */
	CHECK	status-byte, 0x80
	movzwl	0x10000(%rbx), %eax			/* [R] */
	CHECK	status-word, 0x8080
	movl	0x18000(%rbx), %eax			/* [R] */
	CHECK	status-dword-other-block, 0x80808080
	movq	0x0(%rbx), %rax				/* [R] */
	CHECK	status-qword-block0, 0x8080808080808080
	movb	$CFI_READ_ARRAY, 0x10000(%rbx)		/* [W] */
	movzbl	0x10000(%rbx), %eax
	CHECK	program-byte, 0x3C
	movzbl	0x10001(%rbx), %eax
	CHECK	neighbour-untouched, 0xFF
	movb	$CFI_PROGRAM_ALT, 0x10001(%rbx)		/* [W] */
	movb	$0xA5, 0x10001(%rbx)			/* [W] */
	movb	$CFI_READ_ARRAY, 0x10001(%rbx)		/* [W] */
	movzbl	0x10001(%rbx), %eax
	CHECK	program-alt-0x40, 0xA5
	movb	$CFI_PROGRAM, 0x10002(%rbx)		/* [W] */
	movw	$0x1234, 0x10002(%rbx)			/* [W] */
	movb	$CFI_READ_ARRAY, 0x10002(%rbx)		/* [W] */
	movzwl	0x10002(%rbx), %eax
	CHECK	program-word, 0x1234
	movabsq	$0x0123456789ABCDEF, %rax
	movb	$CFI_PROGRAM, 0x10008(%rbx)		/* [W] */
	movq	%rax, 0x10008(%rbx)			/* [W] */
	movb	$CFI_READ_ARRAY, 0x10008(%rbx)		/* [W] */
	movq	0x10008(%rbx), %rax
	CHECK	program-qword, 0x0123456789ABCDEF
	/* QemuFlashWrite(AA BB CC): 0x10 + data per byte, 0xFF at the last. */
	movb	$CFI_PROGRAM, 0x10100(%rbx)		/* [W] */
	movb	$0xAA, 0x10100(%rbx)			/* [W] */
	movb	$CFI_PROGRAM, 0x10101(%rbx)		/* [W] */
	movb	$0xBB, 0x10101(%rbx)			/* [W] */
	movb	$CFI_PROGRAM, 0x10102(%rbx)		/* [W] */
	movb	$0xCC, 0x10102(%rbx)			/* [W] */
	movb	$CFI_READ_ARRAY, 0x10102(%rbx)		/* [W] */
	movl	0x10100(%rbx), %eax
	CHECK	qemuflashwrite-3-bytes, 0xFFCCBBAA
	ret

/*
 * pflash-overwrite: programming without an erase can only clear bits
 * (cfi.c ANDs; QEMU would store the value as written), an erase sets them
 * again.  18 [W] = 18 MMIO exits; 5 programs, 1 erase.
 */
	CASE pflash-overwrite, case_pflash_overwrite
case_pflash_overwrite:
	movl	$VARS_BASE, %ebx
	movl	$0x10200, %edi
	movb	$0x3C, %al
	call	vars_program				/* [W] x3 */
	movzbl	(%rbx,%rdi), %eax
	CHECK	first-program, 0x3C
	movb	$0x0F, %al
	call	vars_program				/* [W] x3 */
	movzbl	(%rbx,%rdi), %eax
	CHECK	program-without-erase-ands, 0x0C
	movb	$0xFF, %al
	call	vars_program				/* [W] x3 */
	movzbl	(%rbx,%rdi), %eax
	CHECK	program-0xff-sets-nothing, 0x0C
	movl	$3, %edi
	movb	$0xA5, %al
	call	vars_program				/* [W] x3 */
	movzbl	3(%rbx), %eax
	CHECK	program-over-pattern-ands, 0x00
	movb	$CFI_ERASE, 0x10000(%rbx)		/* [W] */
	movb	$CFI_CONFIRM, 0x10000(%rbx)		/* [W] */
	movb	$CFI_READ_ARRAY, 0x10000(%rbx)		/* [W] */
	movzbl	0x10200(%rbx), %eax
	CHECK	erase-sets-bits, 0xFF
	movl	$0x10200, %edi
	movb	$0x0F, %al
	call	vars_program				/* [W] x3 */
	movzbl	(%rbx,%rdi), %eax
	CHECK	program-after-erase, 0x0F
	ret

/*
 * pflash-erase: block erase addressed inside the block (not its base),
 * neighbours kept, an erase addressed at the last byte of the device, and
 * an erase setup not confirmed with 0xD0 (cfi.c: sequence error, nothing
 * erased; QEMU would have erased at the setup).
 * 14 [W] + 3 [R] = 17 MMIO exits; 1 program, 2 erases.
 */
	CASE pflash-erase, case_pflash_erase
case_pflash_erase:
	movl	$VARS_BASE, %ebx
	movb	$CFI_ERASE, 0x5123(%rbx)		/* [W] */
	movb	$CFI_CONFIRM, 0x5FFF(%rbx)		/* [W] */
	movzbl	0x5000(%rbx), %eax			/* [R] */
	CHECK	status-after-erase, 0x80
	movb	$CFI_READ_ARRAY, 0x5000(%rbx)		/* [W] */
	movl	$0x5000, %edi
	call	vars_scan_ff
	CHECK	block5-not-erased-dwords, 0
	movl	0x4FFC(%rbx), %eax
	CHECK	block4-last-dword-kept, 0x5A004FFC
	movl	0x6000(%rbx), %eax
	CHECK	block6-first-dword-kept, 0x5A006000
	/* The last block, erased through its last byte. */
	movl	$0x1FF00, %edi
	movb	$0x00, %al
	call	vars_program				/* [W] x3 */
	movzbl	0x1FF00(%rbx), %eax
	CHECK	last-block-programmed, 0x00
	movb	$CFI_ERASE, VARS_SIZE - 1(%rbx)		/* [W] */
	movb	$CFI_CONFIRM, VARS_SIZE - 1(%rbx)	/* [W] */
	movb	$CFI_READ_ARRAY, VARS_SIZE - 1(%rbx)	/* [W] */
	movzbl	0x1FF00(%rbx), %eax
	CHECK	last-block-erased, 0xFF
	movl	0xFFFC(%rbx), %eax
	CHECK	block15-last-dword-kept, 0x5A00FFFC
	/* 0x20 then 0xFF: improper sequence, block 6 stays. */
	movb	$CFI_ERASE, 0x6000(%rbx)		/* [W] */
	movb	$CFI_READ_ARRAY, 0x6000(%rbx)		/* [W] */
	movzbl	0x6000(%rbx), %eax			/* [R] */
	CHECK	status-erase-not-confirmed, 0xB0
	movb	$CFI_CLEAR_STATUS, 0x6000(%rbx)		/* [W] */
	movl	0x6000(%rbx), %eax
	CHECK	block6-not-erased, 0x5A006000
	movb	$CFI_READ_STATUS, 0x6000(%rbx)		/* [W] */
	movzbl	0x6000(%rbx), %eax			/* [R] */
	CHECK	status-cleared, 0x00
	movb	$CFI_READ_ARRAY, 0x6000(%rbx)		/* [W] */
	ret

/*
 * pflash-buffer: write-to-buffer (0xE8, count N-1, N data bytes, 0xD0):
 * 4 bytes, a whole 256-byte buffer in qword cycles, a count of 0 (one
 * byte), a data cycle outside the 256-byte window (SR.4, nothing written)
 * and a buffer not confirmed with 0xD0 (sequence error, nothing written).
 * 60 [W] + 4 [R] = 64 MMIO exits; no byte program, no erase.
 */
	CASE pflash-buffer, case_pflash_buffer
case_pflash_buffer:
	movl	$VARS_BASE, %ebx
	movb	$CFI_BUFFER, 0x12000(%rbx)		/* [W] */
	movzbl	0x12000(%rbx), %eax			/* [R] */
	CHECK	buffer-available, 0x80
	movb	$3, 0x12000(%rbx)			/* [W] count - 1 */
	movb	$0x11, 0x12000(%rbx)			/* [W] */
	movb	$0x22, 0x12001(%rbx)			/* [W] */
	movb	$0x33, 0x12002(%rbx)			/* [W] */
	movb	$0x44, 0x12003(%rbx)			/* [W] */
	movb	$CFI_CONFIRM, 0x12000(%rbx)		/* [W] */
	movzbl	0x12000(%rbx), %eax			/* [R] */
	CHECK	status-after-confirm, 0x80
	movb	$CFI_READ_ARRAY, 0x12000(%rbx)		/* [W] */
	movl	0x12000(%rbx), %eax
	CHECK	buffer-4-bytes, 0x44332211
	movl	0x12004(%rbx), %eax
	CHECK	buffer-next-untouched, 0xFFFFFFFF

	/* 256 bytes: byte k of the window = k, 32 qword data cycles. */
	movb	$CFI_BUFFER, 0x12100(%rbx)		/* [W] */
	movb	$255, 0x12100(%rbx)			/* [W] */
	movabsq	$0x0706050403020100, %rax
	movabsq	$0x0808080808080808, %rdx
	xorl	%ecx, %ecx
1:	movq	%rax, 0x12100(%rbx,%rcx,8)		/* [W] x32 */
	addq	%rdx, %rax
	incl	%ecx
	cmpl	$32, %ecx
	jb	1b
	movb	$CFI_CONFIRM, 0x12100(%rbx)		/* [W] */
	movb	$CFI_READ_ARRAY, 0x12100(%rbx)		/* [W] */
	movabsq	$0x0706050403020100, %rax
	xorl	%ecx, %ecx
	xorl	%esi, %esi
2:	cmpq	%rax, 0x12100(%rbx,%rcx,8)
	je	3f
	incl	%esi
3:	addq	%rdx, %rax
	incl	%ecx
	cmpl	$32, %ecx
	jb	2b
	movq	%rsi, %rax
	CHECK	buffer-256-bytes-bad-qwords, 0

	/* Count 0 = one byte. */
	movb	$CFI_BUFFER, 0x12300(%rbx)		/* [W] */
	movb	$0, 0x12300(%rbx)			/* [W] */
	movb	$0x77, 0x12300(%rbx)			/* [W] */
	movb	$CFI_CONFIRM, 0x12300(%rbx)		/* [W] */
	movb	$CFI_READ_ARRAY, 0x12300(%rbx)		/* [W] */
	movzwl	0x12300(%rbx), %eax
	CHECK	buffer-count-0-one-byte, 0xFF77

	/* The second data cycle leaves the window opened by the first. */
	movb	$CFI_BUFFER, 0x12400(%rbx)		/* [W] */
	movb	$1, 0x12400(%rbx)			/* [W] */
	movb	$0x66, 0x12400(%rbx)			/* [W] */
	movb	$0x66, 0x12500(%rbx)			/* [W] */
	movb	$CFI_CONFIRM, 0x12400(%rbx)		/* [W] */
	movzbl	0x12400(%rbx), %eax			/* [R] */
	CHECK	status-outside-window, 0x90
	movb	$CFI_CLEAR_STATUS, 0x12400(%rbx)	/* [W] */
	movzbl	0x12400(%rbx), %eax
	CHECK	outside-window-nothing-written, 0xFF
	movzbl	0x12500(%rbx), %eax
	CHECK	outside-window-nothing-written-2, 0xFF

	/* Not confirmed: 0xFF instead of 0xD0. */
	movb	$CFI_BUFFER, 0x12600(%rbx)		/* [W] */
	movb	$0, 0x12600(%rbx)			/* [W] */
	movb	$0x55, 0x12600(%rbx)			/* [W] */
	movb	$CFI_READ_ARRAY, 0x12600(%rbx)		/* [W] */
	movzbl	0x12600(%rbx), %eax			/* [R] */
	CHECK	status-not-confirmed, 0xB0
	movb	$CFI_CLEAR_STATUS, 0x12600(%rbx)	/* [W] */
	movzbl	0x12600(%rbx), %eax
	CHECK	not-confirmed-nothing-written, 0xFF
	ret

/*
 * pflash-modes: a program and an erase not followed by 0xFF leave every
 * read returning the status; followed by 0xFF the array is back and 4096
 * reads of it cost no exit; 0x70, 0xF0, 0x00, an unknown command and 0x50.
 * 16 [W] + 8 [R] = 24 MMIO exits; 1 program, 1 erase.
 */
	CASE pflash-modes, case_pflash_modes
case_pflash_modes:
	movl	$VARS_BASE, %ebx
	movb	$CFI_PROGRAM, 0x13000(%rbx)		/* [W] */
	movb	$0x5A, 0x13000(%rbx)			/* [W] */
	movzbl	0x13000(%rbx), %eax			/* [R] */
	CHECK	program-no-ff-reads-status, 0x80
	movzbl	0x3(%rbx), %eax				/* [R] */
	CHECK	program-no-ff-block0-status, 0x80
	movq	0x13000(%rbx), %rax			/* [R] */
	CHECK	program-no-ff-qword-status, 0x8080808080808080
	movb	$CFI_READ_ARRAY, 0x13000(%rbx)		/* [W] */
	movzbl	0x13000(%rbx), %eax
	CHECK	program-then-ff-array, 0x5A

	movb	$CFI_ERASE, 0x7000(%rbx)		/* [W] */
	movb	$CFI_CONFIRM, 0x7000(%rbx)		/* [W] */
	movzbl	0x7003(%rbx), %eax			/* [R] */
	CHECK	erase-no-ff-reads-status, 0x80
	movl	VARS_SIZE - 4(%rbx), %eax		/* [R] */
	CHECK	erase-no-ff-dword-status, 0x80808080
	movb	$CFI_READ_ARRAY, 0x7000(%rbx)		/* [W] */
	movzbl	0x7003(%rbx), %eax
	CHECK	erase-then-ff-array, 0xFF

	movl	$4096, %ecx
	xorl	%esi, %esi
1:	cmpb	$0x5A, 0x13000(%rbx)
	je	2f
	incl	%esi
2:	decl	%ecx
	jnz	1b
	movq	%rsi, %rax
	CHECK	array-reads-4096-mismatches, 0

	movb	$CFI_READ_STATUS, 0x100(%rbx)		/* [W] */
	movzbl	0x13000(%rbx), %eax			/* [R] */
	CHECK	read-status-command, 0x80
	movb	$CFI_AMD_RESET, 0x100(%rbx)		/* [W] */
	movzbl	0x13000(%rbx), %eax
	CHECK	cmd-0xf0-reads-array, 0x5A
	movb	$CFI_READ_STATUS, 0x100(%rbx)		/* [W] */
	movb	$0x00, 0x100(%rbx)			/* [W] */
	movzbl	0x13000(%rbx), %eax
	CHECK	cmd-0x00-reads-array, 0x5A
	movb	$CFI_READ_STATUS, 0x100(%rbx)		/* [W] */
	movb	$0x33, 0x100(%rbx)			/* [W] unknown */
	movzbl	0x13000(%rbx), %eax
	CHECK	unknown-cmd-reads-array, 0x5A
	movb	$CFI_CLEAR_STATUS, 0x100(%rbx)		/* [W] */
	movb	$CFI_READ_STATUS, 0x100(%rbx)		/* [W] */
	movzbl	0x13000(%rbx), %eax			/* [R] */
	CHECK	clear-status-reads-0, 0x00
	movzwl	0x13000(%rbx), %eax			/* [R] */
	CHECK	clear-status-word, 0x0000
	movb	$CFI_READ_ARRAY, 0x100(%rbx)		/* [W] */
	movb	$CFI_READ_ARRAY, 0x100(%rbx)		/* [W] again */
	movzbl	0x13000(%rbx), %eax
	CHECK	array-after-two-ff, 0x5A
	ret

/*
 * persist-write: what OVMF does to the store (QemuFlashWrite of 16 bytes,
 * an erase of block 5, then 0xFF) plus an 8-byte write-to-buffer; the
 * runner compares the file with the expected image and starts the VMM
 * again on it with persist-read.  48 [W] = 48 MMIO exits; 16 programs,
 * 1 erase, 3 blocks written (blocks 0x14, 0x05, 0x15).
 */
	CASE persist-write, case_persist_write
case_persist_write:
	movl	$VARS_BASE, %ebx
	leaq	persist_string(%rip), %rsi
	xorl	%ecx, %ecx
1:	movb	(%rsi,%rcx), %al
	movb	$CFI_PROGRAM, 0x14000(%rbx,%rcx)	/* [W] x16 */
	movb	%al, 0x14000(%rbx,%rcx)			/* [W] x16 */
	incl	%ecx
	cmpl	$16, %ecx
	jb	1b
	movb	$CFI_READ_ARRAY, 0x1400F(%rbx)		/* [W] */
	movb	$CFI_ERASE, 0x5000(%rbx)		/* [W] */
	movb	$CFI_CONFIRM, 0x5000(%rbx)		/* [W] */
	movb	$CFI_READ_ARRAY, 0x5000(%rbx)		/* [W] */
	leaq	persist_buffer(%rip), %rsi
	movb	$CFI_BUFFER, 0x15000(%rbx)		/* [W] */
	movb	$7, 0x15000(%rbx)			/* [W] */
	xorl	%ecx, %ecx
2:	movb	(%rsi,%rcx), %al
	movb	%al, 0x15000(%rbx,%rcx)			/* [W] x8 */
	incl	%ecx
	cmpl	$8, %ecx
	jb	2b
	movb	$CFI_CONFIRM, 0x15000(%rbx)		/* [W] */
	movb	$CFI_READ_ARRAY, 0x15000(%rbx)		/* [W] */
	jmp	persist_verify

/* persist-read: the same checks, on the file persist-write left. */
	CASE persist-read, case_persist_read
case_persist_read:
	movl	$VARS_BASE, %ebx
persist_verify:
	movq	0x14000(%rbx), %rax
	CHECKR	string-bytes-0-7, persist_string(%rip)
	movq	0x14008(%rbx), %rax
	CHECKR	string-bytes-8-15, persist_string + 8(%rip)
	movq	0x14010(%rbx), %rax
	CHECK	after-string-erased, 0xFFFFFFFFFFFFFFFF
	movl	$0x5000, %edi
	call	vars_scan_ff
	CHECK	block5-not-erased-dwords, 0
	movl	0x4FFC(%rbx), %eax
	CHECK	block4-kept, 0x5A004FFC
	movl	0x6000(%rbx), %eax
	CHECK	block6-kept, 0x5A006000
	movq	0x15000(%rbx), %rax
	CHECKR	buffer-bytes, persist_buffer(%rip)
	movq	0x15008(%rbx), %rax
	CHECK	after-buffer-erased, 0xFFFFFFFFFFFFFFFF
	ret

	.section .rodata
persist_string:	.ascii "persist-pattern!"
persist_buffer:	.ascii "BUFWRITE"

/* CFI query bytes 0x10-0x3F, 128 KiB of 4 KiB blocks (docs/pflash.md 7.1). */
cfi_query_128k:
	.byte	0x51, 0x52, 0x59, 0x01, 0x00, 0x31, 0x00, 0x00	/* 0x10 */
	.byte	0x00, 0x00, 0x00, 0x45, 0x55, 0x00, 0x00, 0x07	/* 0x18 */
	.byte	0x07, 0x0A, 0x00, 0x04, 0x04, 0x04, 0x00, 0x11	/* 0x20 */
	.byte	0x02, 0x00, 0x08, 0x00, 0x01, 0x1F, 0x00, 0x10	/* 0x28 */
	.byte	0x00, 0x50, 0x52, 0x49, 0x31, 0x30, 0x00, 0x00	/* 0x30 */
	.byte	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01	/* 0x38 */
	.text
