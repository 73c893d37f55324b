/*
 * Reset, exception vectors and _start for the lx106 under QEMU "sim".
 *
 * ABI: CALL0 (no register windows): a0 = return address, a1 = stack
 * pointer, a2..a7 = first six arguments, a2 = result.
 *
 * QEMU 7.2 loads the ELF and then resets the CPU, so execution begins at
 * the lx106 reset vector 0x50000000 and never at the ELF entry. After reset
 * PS.EXCM = 1 and VECBASE points at empty memory: until _start has set
 * both, any exception turns into a double exception that spins forever.
 */

	.section .reset.entry, "ax"
	.global	abota_reset
abota_reset:
	j	.Lreset_go
	.align	4
.Lreset_target:
	.word	_start			/* l32r only loads from lower addresses */
.Lreset_go:
	l32r	a2, .Lreset_target
	jx	a2

/*
 * Vectors, at VECBASE + offset as on the ESP8266. Nothing here can be
 * recovered from in a test, so each vector collects
 *   a2 = vector offset, a3 = EXCCAUSE, a4 = faulting pc, a5 = EXCVADDR
 * and calls lx106_fatal() in C, which reports and ends the QEMU run.
 */
	.section .vectors, "ax"
	.align	4
	.global	abota_vectors
abota_vectors:
	.org	0x10			/* debug (BREAK, level 2) */
	movi	a2, 0x10
	rsr.epc2 a4
	j	.Lreport
	.org	0x20			/* NMI (level 3) */
	movi	a2, 0x20
	rsr.epc3 a4
	j	.Lreport
	.org	0x30			/* kernel exception (PS.UM = 0) */
	movi	a2, 0x30
	rsr.epc1 a4
	j	.Lreport
	.org	0x50			/* user exception (PS.UM = 1): unaligned
					   loads, illegal instructions, ... */
	movi	a2, 0x50
	rsr.epc1 a4
	j	.Lreport
	.org	0x70			/* double exception: the stack may be
					   bad, so exit straight away */
	movi	a2, 1			/* semihosting SYS_exit ... */
	movi	a3, 98			/* ... with status 98 */
	simcall
.Lhang:	j	.Lhang

	.align	4
.Lfatal_addr:
	.word	lx106_fatal
.Lreport:
	rsr.exccause a3
	rsr.excvaddr a5
	l32r	a0, .Lfatal_addr
	callx0	a0			/* does not return */
	j	.Lhang

	.text
	.align	4
	.global	_start
	.type	_start, @function
_start:
	movi	a0, 0			/* terminates backtraces */
	movi	a1, __stack
	movi	a2, abota_vectors
	wsr.vecbase a2
	movi	a2, 0x20		/* PS: UM = 1, EXCM = 0, INTLEVEL = 0 */
	wsr.ps	a2
	rsync
	call0	lx106_cstart		/* clears .bss, runs main, exits */
	j	.Lhang_text
.Lhang_text:
	j	.Lhang_text
	.size	_start, . - _start
