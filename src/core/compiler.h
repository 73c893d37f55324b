/* Compiler hints for code size and stack depth; empty where the compiler
 * has no such extension, so the core stays plain C11 elsewhere. */
#ifndef ABOTA_CORE_COMPILER_H
#define ABOTA_CORE_COMPILER_H

/* Keeps a helper out of line: for a big local that must not land on the
 * frame of every caller (GCC would inline a static function called once). */
#if defined(__GNUC__)
#define ABOTA_NOINLINE __attribute__((noinline))
#else
#define ABOTA_NOINLINE
#endif

/* Inlines a helper with a big frame into its one caller, which GCC refuses
 * on its own when the caller's frame would grow past 10 times its size
 * (--param large-stack-frame-growth): a wrapper frame would stay. */
#if defined(__GNUC__)
#define ABOTA_ALWAYS_INLINE __attribute__((always_inline))
#else
#define ABOTA_ALWAYS_INLINE
#endif

#endif
