/* Writing a file safely: its bytes go to a temporary of a unique name
 * beside the final one (PATH.XXXXXX.partial, created with O_CREAT | O_EXCL
 * | O_NOFOLLOW, so a planted file or symlink is never written through and
 * two writers never share one), are fsync'ed, and the temporary is renamed
 * over PATH, then the folder is fsync'ed. PATH holds the previous file or
 * the complete new one, never a part. Every writer of evacsim goes through
 * here; HDF5 files are built in memory first (evac_commit_h5), so that no
 * disk error reaches HDF5. */
#ifndef EVAC_COMMIT_H
#define EVAC_COMMIT_H

#include <hdf5.h>
#include <stddef.h>

#include "evacsim.h" /* evac_commit_remove_all */

/* One file being committed. */
struct evac_commit {
  const char *path; /* the final name (not copied: must outlive the commit) */
  char tmp[4200];   /* the temporary's name; "" when there is none */
  int fd;           /* the open temporary, -1 when closed */
  int slot;         /* its place in the signal list, -1 if none */
  int unnamed;      /* 1: the temporary has no name yet (tmp is "") */
  char reason[600]; /* the first failure: "cannot write X: No space ..." */
};

/* Creates the temporary of path (mode 0666 less the umask) and lists it
 * for evac_commit_remove_all. Returns 0, or -1 with c->reason set. */
int evac_commit_open(struct evac_commit *c, const char *path);

/* Creates the temporary of path without a name (O_TMPFILE: a killed
 * process leaves nothing), where the file system can; it gets its unique
 * name in evac_commit_finish, just before the rename. Elsewhere as
 * evac_commit_open. Returns 0, or -1 with c->reason set. */
int evac_commit_open_unnamed(struct evac_commit *c, const char *path);

/* The temporary's name for messages ("the temporary file" while it has
 * none). */
const char *evac_commit_tmp_name(const struct evac_commit *c);

/* Appends size bytes of buf to the temporary. Returns 0 or -1 (reason). */
int evac_commit_write(struct evac_commit *c, const void *buf, size_t size);

/* Writes the in-memory HDF5 file made by evac_commit_h5_create to the
 * temporary and closes the file (strongly: whatever is still open in it).
 * Returns 0 or -1 (reason). */
int evac_commit_h5(struct evac_commit *c, hid_t file);

/* Fsyncs and closes the temporary. Returns 0 or -1 (reason). */
int evac_commit_sync(struct evac_commit *c);

/* Renames the synced temporary over the final name and fsyncs the folder.
 * Refuses (without renaming) a final name that is a folder. Returns 0, or
 * -1 (reason; the temporary removed, the final name left alone, but when
 * only the folder's fsync failed: then the new file is removed too, its
 * durability being unknown). */
int evac_commit_rename(struct evac_commit *c);

/* Sync and rename: the whole commit once the bytes are written. On
 * failure the temporary is removed. Returns 0 or -1 (reason). */
int evac_commit_finish(struct evac_commit *c);

/* Closes and removes the temporary, if any; leaves the final name alone. */
void evac_commit_abort(struct evac_commit *c);

/* 0 if a commit may replace path: it is absent or not a folder (a symlink
 * is replaced, not written through); else -1 with errno EISDIR. */
int evac_commit_target_ok(const char *path);

/* Writes size bytes of buf to path by a whole commit. Returns 0, or -1
 * with reason (len bytes) set. */
int evac_commit_bytes(const char *path, const void *buf, size_t size,
                      char *reason, size_t len);

/* Creates an HDF5 file in memory (core driver, no backing store; name is
 * only its label), to be written by evac_commit_h5. Returns it, or -1. */
hid_t evac_commit_h5_create(const char *name);

#endif
