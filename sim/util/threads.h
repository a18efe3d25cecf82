/* How many threads to use when the user names none. */
#ifndef EVAC_THREADS_H
#define EVAC_THREADS_H

#include "evacsim.h" /* evac_threads_default */

/* The cgroup CPU quota in CPUs, rounded up, read under the cgroup mount
 * root (normally "/sys/fs/cgroup"): v2 root/cpu.max, else v1
 * root/cpu/cpu.cfs_quota_us over root/cpu/cpu.cfs_period_us; 0 when there
 * is none. */
int evac_threads_quota(const char *root);

/* The CPU quota of this process's own cgroup, in CPUs rounded up: the
 * smallest over its cgroup and the ones above it, found from proc_cgroup
 * (normally "/proc/self/cgroup": v2 "0::/PATH" under mount/PATH, v1
 * "N:cpu,...:/PATH" under mount/cpu/PATH); 0 when none has one. Without
 * proc_cgroup, the quota of mount (evac_threads_quota). */
int evac_threads_quota_self(const char *proc_cgroup, const char *mount);

#endif
