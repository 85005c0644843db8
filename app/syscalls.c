/*
 * app/syscalls.c - the C library's glue: the stubs newlib calls for the
 * operating system (newlib/libc/include/reent.h lists them).  One program,
 * one address space: "files" are the console and the sockets, the heap is
 * a bounded region after the kernel image, and exit is kernel_exit.  It
 * sits on top of everything (close reaches the sockets), with the program.
 */
#include <errno.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "kernel/console.h"
#include "kernel/kernel.h"
#include "kernel/mem.h"
#include "net/socket.h"

#undef errno
extern int errno;

static uintptr_t heap_brk;

/*
 * Grow the heap.  When it is used up, say so once on the console and fail
 * with ENOMEM: malloc then returns NULL to its caller, nothing is overwritten.
 */
void *_sbrk(ptrdiff_t incr)
{
	static int warned;
	uintptr_t old;

	if (!heap_brk)
		heap_brk = heap_start;
	old = heap_brk;
	if (incr < 0 || heap_limit - heap_brk < (uintptr_t)incr) {
		if (!warned++) {
			console_puts("sbrk: heap exhausted (");
			console_put_dec(heap_brk - heap_start);
			console_puts(" bytes in use); malloc fails with ENOMEM\n");
		}
		errno = ENOMEM;
		return (void *)-1;
	}
	heap_brk += (uintptr_t)incr;
	return (void *)old;
}

int _write(int fd, const char *buf, int len)
{
	if (fd != 1 && fd != 2) {
		errno = EBADF;
		return -1;
	}
	console_write(buf, (size_t)len);
	return len;
}

/* No keyboard: standard input is always at end of file. */
int _read(int fd, char *buf, int len)
{
	(void)buf;
	(void)len;
	if (fd != 0) {
		errno = EBADF;
		return -1;
	}
	return 0;
}

/* The only files that can be closed are sockets. */
int _close(int fd)
{
	return sock_close(fd);
}

int _fstat(int fd, struct stat *st)
{
	(void)fd;
	st->st_mode = S_IFCHR;	/* a terminal: newlib line-buffers it */
	return 0;
}

int _isatty(int fd)
{
	return fd >= 0 && fd <= 2;
}

off_t _lseek(int fd, off_t off, int whence)
{
	(void)fd;
	(void)off;
	(void)whence;
	errno = ESPIPE;
	return -1;
}

int _kill(int pid, int sig)
{
	(void)pid;
	(void)sig;
	errno = EINVAL;
	return -1;
}

int _getpid(void)
{
	return 1;
}

void _exit(int status)
{
	kernel_exit(status == 0 ? EXIT_OK : EXIT_FAILED);
}

/*
 * This newlib is built with MISSING_SYSCALL_NAMES (newlib/configure.host),
 * so its reentrant wrappers call sbrk, write, ... without the underscore.
 * The same functions answer to both names.
 */
void *sbrk(ptrdiff_t) __attribute__((alias("_sbrk")));
int write(int, const char *, int) __attribute__((alias("_write")));
int read(int, char *, int) __attribute__((alias("_read")));
int close(int) __attribute__((alias("_close")));
int fstat(int, struct stat *) __attribute__((alias("_fstat")));
int isatty(int) __attribute__((alias("_isatty")));
off_t lseek(int, off_t, int) __attribute__((alias("_lseek")));
int kill(int, int) __attribute__((alias("_kill")));
int getpid(void) __attribute__((alias("_getpid")));
