/* Entry points shared by the lx106 test runtime's files (start.S calls
 * lx106_cstart and lx106_fatal). */
#ifndef ABOTA_LX106_RT_H
#define ABOTA_LX106_RT_H

/* Clears .bss, runs constructors, then exit(main()). */
void lx106_cstart(void);

/* Writes out whatever stdout/stderr still hold. */
void lx106_console_flush(void);

/* Reports an unrecoverable exception and ends the run; see fatal.c. */
void lx106_fatal(unsigned vector, unsigned cause, unsigned pc, unsigned vaddr);

#endif
