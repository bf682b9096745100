/* LD_PRELOAD shim: makes one fake device node answer SCSI INQUIRY from a
 * fixture folder, so that the real scsi_id and sg_inq can run on a machine
 * without SCSI devices.
 *
 *   SCSI_REPLAY_NODE=/dev/sdreplay   the path the tools are given
 *   SCSI_REPLAY_DIR=tests/fixtures/devices/foo
 *
 * The node looks like a block device (sd, 8:0), so sg3_utils uses SG_IO v3
 * as it would on /dev/sdX. SG_IO v4 ('Q') gets EINVAL, as the block layer
 * gives it, and scsi_id falls back to v3. Standard INQUIRY is answered from
 * the file "inquiry", VPD page NN from "vpd_pgNN" (two hex digits, as in the
 * shared fixture layout: vpd_pg00, vpd_pg83); a missing file, any other
 * command or a CDB field the shim does not model gives CHECK CONDITION,
 * ILLEGAL REQUEST. Replies are cut to the allocation length and the buffer,
 * as a device and the kernel do. */
#define _GNU_SOURCE
#undef _FORTIFY_SOURCE
/* Both the plain and the 64 entry points are defined here: no redirection. */
#undef _FILE_OFFSET_BITS
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <scsi/sg.h>

enum { kMaxFds = 64 };
static int replay_fds[kMaxFds];
static int replay_fd_count;

static const char *replay_node(void) { return getenv("SCSI_REPLAY_NODE"); }

static int is_replay_path(const char *path) {
  const char *node = replay_node();
  return node && path && strcmp(path, node) == 0;
}

static int is_replay_fd(int fd) {
  for (int i = 0; i < replay_fd_count; i++)
    if (replay_fds[i] == fd) return 1;
  return 0;
}

static void forget_fd(int fd) {
  for (int i = 0; i < replay_fd_count; i++)
    if (replay_fds[i] == fd) {
      replay_fds[i] = replay_fds[--replay_fd_count];
      return;
    }
}

/* The next definition of a libc function. void (*)(void) is the generic
 * function pointer type; memcpy because ISO C has no cast from dlsym's
 * object pointer to a function pointer. */
typedef void (*any_fn)(void);
static any_fn next_fn(const char *name) {
  void *sym = dlsym(RTLD_NEXT, name);
  any_fn fn;
  memcpy(&fn, &sym, sizeof(fn));
  return fn;
}
#define REAL(name) ((__typeof__(&name))next_fn(#name))

/* A real descriptor (of /dev/null) stands for the device so that close(),
 * fcntl() and friends keep working. */
static int open_replay(void) {
  if (replay_fd_count == kMaxFds) {
    errno = EMFILE;
    return -1;
  }
  int (*real_open)(const char *, int, ...) = REAL(open);
  int fd = real_open("/dev/null", O_RDWR | O_CLOEXEC);
  if (fd >= 0) replay_fds[replay_fd_count++] = fd;
  return fd;
}

static void fake_stat(struct stat *st) {
  memset(st, 0, sizeof(*st));
  st->st_mode = S_IFBLK | 0660;
  st->st_rdev = makedev(8, 0);
  st->st_blksize = 4096;
  st->st_nlink = 1;
}

#define OPEN_WRAPPER(name)                                 \
  int name(const char *path, int flags, ...) {             \
    mode_t mode = 0;                                       \
    if (flags & (O_CREAT | O_TMPFILE)) {                   \
      va_list ap;                                          \
      va_start(ap, flags);                                 \
      mode = va_arg(ap, mode_t);                           \
      va_end(ap);                                          \
    }                                                      \
    if (is_replay_path(path)) return open_replay();        \
    return REAL(name)(path, flags, mode);                  \
  }
OPEN_WRAPPER(open)
OPEN_WRAPPER(open64)

#define OPENAT_WRAPPER(name)                                      \
  int name(int dirfd, const char *path, int flags, ...) {         \
    mode_t mode = 0;                                              \
    if (flags & (O_CREAT | O_TMPFILE)) {                          \
      va_list ap;                                                 \
      va_start(ap, flags);                                        \
      mode = va_arg(ap, mode_t);                                  \
      va_end(ap);                                                 \
    }                                                             \
    if (is_replay_path(path)) return open_replay();               \
    return REAL(name)(dirfd, path, flags, mode);                  \
  }
OPENAT_WRAPPER(openat)
OPENAT_WRAPPER(openat64)

/* The _FORTIFY_SOURCE entry points. */
int __open_2(const char *path, int flags) { return open(path, flags); }
int __open64_2(const char *path, int flags) { return open64(path, flags); }
int __openat_2(int dirfd, const char *path, int flags) { return openat(dirfd, path, flags); }
int __openat64_2(int dirfd, const char *path, int flags) { return openat64(dirfd, path, flags); }

int close(int fd) {
  forget_fd(fd);
  return REAL(close)(fd);
}

int fstat(int fd, struct stat *st) {
  if (is_replay_fd(fd)) {
    fake_stat(st);
    return 0;
  }
  return REAL(fstat)(fd, st);
}

int fstat64(int fd, struct stat64 *st) {
  if (is_replay_fd(fd)) {
    fake_stat((struct stat *)st);
    return 0;
  }
  return REAL(fstat64)(fd, st);
}

/* Reads DIR/name; returns its length, or -1 when there is no such file. */
static long read_fixture(const char *name, uint8_t *buf, size_t cap) {
  const char *dir = getenv("SCSI_REPLAY_DIR");
  char path[4096];
  if (!dir || snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path)) return -1;
  int (*real_open)(const char *, int, ...) = REAL(open);
  int fd = real_open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  size_t n = 0;
  while (n < cap) {
    ssize_t r = read(fd, buf + n, cap - n);
    if (r <= 0) break;
    n += (size_t)r;
  }
  REAL(close)(fd);
  return (long)n;
}

/* Fixed-format sense, ILLEGAL REQUEST with the given ASC. */
static void illegal_request(sg_io_hdr_t *h, uint8_t asc) {
  uint8_t sense[18] = {0x70, 0, 0x05, 0, 0, 0, 0, 10, 0, 0, 0, 0, asc, 0};
  size_t n = h->mx_sb_len < sizeof(sense) ? h->mx_sb_len : sizeof(sense);
  if (h->sbp && n) memcpy(h->sbp, sense, n);
  h->sb_len_wr = (unsigned char)n;
  h->status = 0x02;        /* CHECK CONDITION */
  h->masked_status = 0x01; /* CHECK_CONDITION >> 1 */
  h->driver_status = 0x08; /* DRIVER_SENSE */
  h->info |= SG_INFO_CHECK;
  h->resid = (int)h->dxfer_len;
}

static void answer_inquiry(sg_io_hdr_t *h, const uint8_t *cdb) {
  static uint8_t data[65536];
  char name[16];
  int evpd = cdb[1] & 1;
  if (cdb[1] & 0x02) { /* CmdDt */
    illegal_request(h, 0x24);
    return;
  }
  if (!evpd && cdb[2] != 0) {
    illegal_request(h, 0x24);
    return;
  }
  if (evpd)
    snprintf(name, sizeof(name), "vpd_pg%02x", cdb[2]);
  else
    snprintf(name, sizeof(name), "inquiry");
  long len = read_fixture(name, data, sizeof(data));
  if (len < 0) {
    illegal_request(h, 0x24);
    return;
  }
  size_t alloc = h->cmd_len >= 5 ? ((size_t)cdb[3] << 8 | cdb[4]) : 0;
  size_t n = (size_t)len;
  if (n > alloc) n = alloc;
  if (n > h->dxfer_len) n = h->dxfer_len;
  if (n && h->dxferp) memcpy(h->dxferp, data, n);
  h->resid = (int)(h->dxfer_len - n);
}

static int answer_sg_io(void *arg) {
  if (!arg) {
    errno = EFAULT;
    return -1;
  }
  sg_io_hdr_t *h = arg;
  if (h->interface_id != 'S' || h->iovec_count || !h->cmdp || h->cmd_len < 6) {
    errno = EINVAL;
    return -1;
  }
  h->status = h->masked_status = h->msg_status = 0;
  h->host_status = h->driver_status = 0;
  h->sb_len_wr = 0;
  h->resid = 0;
  h->duration = 0;
  h->info = 0;
  const uint8_t *cdb = h->cmdp;
  if (cdb[0] == 0x12 && h->dxfer_direction == SG_DXFER_FROM_DEV)
    answer_inquiry(h, cdb);
  else
    illegal_request(h, 0x20); /* INVALID COMMAND OPERATION CODE */
  return 0;
}

int ioctl(int fd, unsigned long request, ...) {
  va_list ap;
  va_start(ap, request);
  void *arg = va_arg(ap, void *);
  va_end(ap);
  if (!is_replay_fd(fd)) return REAL(ioctl)(fd, request, arg);
  if (request == SG_IO) return answer_sg_io(arg);
  errno = ENOTTY;
  return -1;
}
